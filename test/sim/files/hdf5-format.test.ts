import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookup3 } from "../../../sim/files/hdf5-checksum.js";
import { frameMetadata } from "../../../sim/files/hdf5-frame-metadata.js";
import {
  GLOBAL_HEAP_BYTES,
  SUPERBLOCK_BYTES,
  dataspace,
  globalHeap,
  objectHeader,
  superblock,
} from "../../../sim/files/hdf5-format.js";
import { finalPlace, nextPlace } from "../../../sim/files/hdf5-metadata-place.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "hex"));
const u32 = (bytes: Uint8Array, at: number): number =>
  new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, true);
const u64 = (bytes: Uint8Array, at: number): number =>
  Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(at, true));

/** The superblock of an empty file h5py (HDF5 1.10.8) made with libver="latest". */
const H5PY_SUPERBLOCK = hex(
  "894844460d0a1a0a030808000000000000000000ffffffffffffffff" +
    "0018000000000000300000000000000041898907",
);

let directory: string;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "hdf5-format-"));
  await h5wasm.ready;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("lookup3, HDF5's checksum", () => {
  it("gives the values of Bob Jenkins' own self-test of hashlittle", () => {
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(new Uint8Array(0), 0xdeadbeef)).toBe(0xbd5b7dde);
    expect(lookup3(text("Four score and seven years ago"))).toBe(0x17770551);
    expect(lookup3(text("Four score and seven years ago"), 1)).toBe(0xcd628161);
  });

  it("gives the checksum HDF5 wrote in a superblock, over lengths 1 to 44 consistently", () => {
    expect(lookup3(H5PY_SUPERBLOCK.subarray(0, 44))).toBe(u32(H5PY_SUPERBLOCK, 44));
    // each length takes its own path through the 12-byte blocks and the tail
    const seen = new Set<number>();
    for (let n = 1; n <= 44; n++) seen.add(lookup3(H5PY_SUPERBLOCK.subarray(0, n)));
    expect(seen.size).toBe(44);
  });
});

describe("HDF5 metadata encoding", () => {
  it("writes the same superblock as the HDF5 library", () => {
    const bytes = superblock(0x1800, 0x30);
    expect(bytes.length).toBe(SUPERBLOCK_BYTES);
    expect(Buffer.from(bytes).toString("hex")).toBe(Buffer.from(H5PY_SUPERBLOCK).toString("hex"));
  });

  it("sizes an object header's chunk by its messages and ends it with their checksum", () => {
    const small = objectHeader([dataspace([3])]);
    // OHDR, version 2, flags (1-byte size), size 16, then type 1, length 12, flags, body
    expect(Buffer.from(small.subarray(0, 10)).toString("hex")).toBe("4f48445202001001" + "0c00");
    expect(small.length).toBe(4 + 2 + 1 + 16 + 4);
    expect(u32(small, small.length - 4)).toBe(lookup3(small.subarray(0, small.length - 4)));
    const big = objectHeader(Array.from({ length: 20 }, () => dataspace([1, 2])));
    expect(big[5]).toBe(1); // two bytes of size
    expect(big[6]! | (big[7]! << 8)).toBe(20 * (4 + 4 + 16));
  });

  it("puts strings in a global heap collection of the smallest size HDF5 reads", () => {
    const { bytes, ids } = globalHeap(4096, ["NXdata", "signal-name"]);
    expect(bytes.length).toBe(GLOBAL_HEAP_BYTES);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("GCOL\x01");
    expect(u64(bytes, 8)).toBe(4096);
    expect(ids).toEqual([
      { length: 6, collection: 4096, index: 1 },
      { length: 11, collection: 4096, index: 2 },
    ]);
    // object 1 at 16 (16-byte header, 6 bytes padded to 8), object 2 at 40, free space at 72
    expect(new TextDecoder().decode(bytes.subarray(32, 38))).toBe("NXdata");
    expect(bytes[40]).toBe(2);
    expect(new TextDecoder().decode(bytes.subarray(56, 67))).toBe("signal-name");
    expect(bytes[72]).toBe(0);
    expect(u64(bytes, 80)).toBe(4096 - 72);
  });

  it("describes frames that an HDF5 library reads back, groups, values and attributes", () => {
    const [height, width, dataAddress] = [3, 4, 4096];
    const frames = new Uint16Array(2 * height * width).map((_, i) => 65535 - i * 7);
    const address = dataAddress + frames.byteLength; // 48 bytes: 8-byte aligned
    const block = frameMetadata({
      address,
      height,
      width,
      dataAddress,
      times: Float64Array.of(1.5, 2.25),
    });
    const end = address + block.bytes.length;
    const file = new Uint8Array(end);
    file.set(superblock(end, block.rootAddress), 0);
    file.set(new Uint8Array(frames.buffer), dataAddress);
    file.set(block.bytes, address);
    const path = join(directory, "made.h5");
    writeFileSync(path, file);

    const h5 = new h5wasm.File(path, "r");
    try {
      const data = h5.get("entry/data/data") as InstanceType<typeof h5wasm.Dataset>;
      expect(data.shape).toEqual([2, 3, 4]);
      expect(data.dtype).toBe("<H");
      expect([...(data.value as Uint16Array)]).toEqual([...frames]);
      const times = h5.get("entry/data/timestamps") as InstanceType<typeof h5wasm.Dataset>;
      expect([...(times.value as Float64Array)]).toEqual([1.5, 2.25]);
      expect(times.attrs["units"]?.value).toBe("s");
      const group = h5.get("entry/data") as InstanceType<typeof h5wasm.Group>;
      expect(group.attrs["NX_class"]?.value).toBe("NXdata");
      expect(group.attrs["signal"]?.value).toBe("data");
      const entry = h5.get("entry") as InstanceType<typeof h5wasm.Group>;
      expect(entry.attrs["NX_class"]?.value).toBe("NXentry");
    } finally {
      h5.close();
    }
  });

  it("grows a block by 8 bytes a frame, the rest fixed", () => {
    const size = (n: number): number =>
      frameMetadata({
        address: 0,
        height: 7,
        width: 9,
        dataAddress: 8192,
        times: new Float64Array(n),
      }).bytes.length;
    expect(size(10) - size(0)).toBe(80);
    expect(size(100_000) - size(0)).toBe(800_000);
  });
});

describe("where the metadata goes", () => {
  const reserve = 1 << 20;

  it("goes past the frames with room for more, clear of the block in use", () => {
    const front = { at: 64, end: 6000 };
    expect(nextPlace(8192, 6000, front, reserve)).toBe(8192 + reserve);
    // the block in use is there: just before it, then back ahead once frames have come
    const ahead = { at: 8192 + reserve, end: 8192 + reserve + 6000 };
    const before = nextPlace(8192 + 100, 6000, ahead, reserve);
    expect(before + 6000).toBeLessThanOrEqual(ahead.at);
    expect(before).toBeGreaterThanOrEqual(8192 + 100 + reserve / 2);
    expect(nextPlace(8192 + 200, 6000, { at: before, end: before + 6000 }, reserve)).toBe(
      8192 + 200 + reserve,
    );
    // no room before it: right after it
    expect(nextPlace(ahead.at - 100, 6000, ahead, reserve)).toBeGreaterThanOrEqual(ahead.end);
  });

  it("alternates between the slots before the frames while a block fits one", () => {
    const slots = [
      { at: 64, end: 1064 },
      { at: 1064, end: 2064 },
    ];
    const inFirst = { at: 64, end: 964 };
    expect(nextPlace(8192, 900, inFirst, reserve, slots)).toBe(1064);
    expect(nextPlace(8192, 900, { at: 1064, end: 1964 }, reserve, slots)).toBe(64);
    expect(finalPlace(8192, 900, inFirst, slots)).toBe(1064);
    // too big for a slot: past the frames
    expect(nextPlace(8192, 1001, inFirst, reserve, slots)).toBe(8192 + reserve);
    expect(finalPlace(8193, 1001, inFirst, slots)).toBe(8200);
  });

  it("leaves room for a block bigger than the reserve, and puts the last right after the frames", () => {
    const big = 3 << 20;
    const at = nextPlace(8192, big, { at: 64, end: 6000 }, reserve);
    expect(at).toBeGreaterThanOrEqual(8192 + 2 * big);
    expect(finalPlace(8192, big, { at, end: at + big })).toBe(8192);
    expect(finalPlace(8193, 100, { at: 8200, end: 8300 })).toBeUndefined();
    expect(finalPlace(8193, 100, { at: 64, end: 6000 })).toBe(8200);
  });
});
