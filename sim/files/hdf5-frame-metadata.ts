/**
 * The metadata of a frame file as one block of bytes to write at a given address: a global
 * heap of the attributes' strings, the objects `/entry/data/timestamps` (float64 [frames],
 * units "s"), `/entry/data/data` (uint16 [frames, height, width], contiguous at
 * `dataAddress`), `/entry/data` (NXdata, signal "data"), `/entry` (NXentry) and the root
 * group, then the timestamps' values. The objects come first and keep their sizes whatever
 * the number of frames, so each sits at the same offset in every block: a reader holding a
 * dataset open finds it again there when it refreshes. Pure: no I/O.
 */
import {
  UNDEFINED,
  contiguousLayout,
  dataspace,
  datatype,
  dtype,
  fillValue,
  globalHeap,
  groupInfo,
  hardLink,
  linkInfo,
  objectHeader,
  stringAttribute,
  type Message,
} from "./hdf5-format.js";

export interface FrameMetadata {
  /** Where the block goes in the file: 8-byte aligned. */
  address: number;
  height: number;
  width: number;
  /** Where frame 0 starts; the frames follow each other with no gap. */
  dataAddress: number;
  /** Start time of each frame, as many as there are frames. */
  times: Float64Array;
}

export interface MetadataBlock {
  bytes: Uint8Array;
  /** The root group's object header, for the superblock. */
  rootAddress: number;
}

/** Bytes of the heap and object headers, the same in every block. */
let objectsBytes: number | undefined;

export function frameMetadata(meta: FrameMetadata): MetadataBlock {
  const { address, times } = meta;
  if (address % 8 !== 0) throw new RangeError(`HDF5 metadata address ${address} not aligned`);
  // the objects' sizes depend on no address, size or count: the times go after them
  objectsBytes ??= objects({ ...meta, address: 0 }, 0).end;
  const timesAddress = address + Math.ceil(objectsBytes / 8) * 8;
  const { parts, rootAddress } = objects(meta, timesAddress);
  const bytes = new Uint8Array(timesAddress - address + times.length * 8);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  const view = new DataView(bytes.buffer, timesAddress - address);
  times.forEach((t, i) => view.setFloat64(i * 8, t, true));
  return { bytes, rootAddress };
}

/** The global heap and the object headers, end to end from the block's address. */
function objects(
  meta: FrameMetadata,
  timesAddress: number,
): { parts: Uint8Array[]; end: number; rootAddress: number } {
  const { address, height, width, dataAddress } = meta;
  const frames = meta.times.length;
  const parts: Uint8Array[] = [];
  let at = address;
  const place = (bytes: Uint8Array): number => {
    parts.push(bytes);
    const where = at;
    at += bytes.length;
    return where;
  };

  const heap = globalHeap(address, ["NXentry", "NXdata", "data", "s"]);
  place(heap.bytes);
  const [nxEntry, nxData, signal, seconds] = heap.ids as [
    (typeof heap.ids)[0],
    (typeof heap.ids)[0],
    (typeof heap.ids)[0],
    (typeof heap.ids)[0],
  ];

  const layout = (addr: number, size: number): Message =>
    size === 0 ? contiguousLayout(UNDEFINED, 0) : contiguousLayout(addr, size);
  const timestamps = place(
    objectHeader([
      dataspace([frames]),
      datatype(dtype.float64()),
      fillValue(),
      layout(timesAddress, frames * 8),
      stringAttribute("units", seconds),
    ]),
  );
  const data = place(
    objectHeader([
      dataspace([frames, height, width]),
      datatype(dtype.unsigned(2)),
      fillValue(),
      layout(dataAddress, frames * height * width * 2),
    ]),
  );
  const group = (links: [string, number][], attributes: Message[]): number =>
    place(
      objectHeader([
        linkInfo(),
        groupInfo(),
        ...links.map(([name, to]) => hardLink(name, to)),
        ...attributes,
      ]),
    );
  const nxdata = group(
    [
      ["data", data],
      ["timestamps", timestamps],
    ],
    [stringAttribute("NX_class", nxData), stringAttribute("signal", signal)],
  );
  const entry = group([["data", nxdata]], [stringAttribute("NX_class", nxEntry)]);
  const rootAddress = group([["entry", entry]], []);
  return { parts, end: at, rootAddress };
}
