/** Pixels of one grayscale image, row by row. */
export type TiffPixels =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** One page of a TIFF file: a grayscale image. */
export interface TiffPage {
  width: number;
  height: number;
  pixels: TiffPixels;
  /** Stored as the page's ImageDescription (ASCII). */
  description?: string;
}

const SHORT = 3;
const LONG = 4;
const ASCII = 2;
const RATIONAL = 5;

/** SampleFormat: 1 unsigned integer, 2 signed integer, 3 floating point. */
function sampleFormat(pixels: TiffPixels): number {
  if (pixels instanceof Float32Array || pixels instanceof Float64Array) return 3;
  if (pixels instanceof Int8Array || pixels instanceof Int16Array || pixels instanceof Int32Array) {
    return 2;
  }
  return 1;
}

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** The value when it fits in 4 bytes (SHORT or LONG), else the bytes stored elsewhere. */
  value: number | Uint8Array;
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The pixels' bytes, little-endian. */
function pixelBytes(pixels: TiffPixels): Uint8Array {
  const bytes = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  if (littleEndian || pixels.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  const size = pixels.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += size) {
    for (let j = 0; j < size; j++) swapped[i + j] = bytes[i + size - 1 - j]!;
  }
  return swapped;
}

function ascii(text: string): Uint8Array {
  if (!/^[\x20-\x7e\n\r\t]*$/.test(text)) {
    throw new RangeError("a TIFF ImageDescription must be printable ASCII");
  }
  return new TextEncoder().encode(`${text}\0`);
}

function rational(numerator: number, denominator: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, numerator, true);
  view.setUint32(4, denominator, true);
  return bytes;
}

const even = (n: number): number => n + (n % 2);

/**
 * Encodes grayscale images as one baseline TIFF file, a page each: little-endian,
 * uncompressed, one strip per page, 8 to 64 bits per sample, unsigned, signed or floating
 * point (SampleFormat), as ImageJ, tifffile and libtiff read them. Classic TIFF: the file
 * must stay under 4 GiB.
 */
export function encodeTiff(pages: readonly TiffPage[]): Uint8Array {
  if (pages.length === 0) throw new RangeError("a TIFF file needs at least one page");
  const blocks: Array<{ at: number; bytes: Uint8Array }> = [];
  let end = 8;
  const place = (bytes: Uint8Array): number => {
    const at = end;
    blocks.push({ at, bytes });
    end = even(at + bytes.length);
    return at;
  };
  const ifdOffsets: number[] = [];
  const ifds: Array<{ at: number; entries: Entry[] }> = [];
  for (const [index, page] of pages.entries()) {
    const { width, height, pixels } = page;
    if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1)) {
      throw new RangeError(`TIFF page ${index}: width and height must be integers >= 1`);
    }
    if (pixels.length !== width * height) {
      throw new RangeError(
        `TIFF page ${index}: ${pixels.length} pixels are not ${height} rows of ${width}`,
      );
    }
    const strip = place(pixelBytes(pixels));
    const entries: Entry[] = [
      { tag: 256, type: LONG, count: 1, value: width },
      { tag: 257, type: LONG, count: 1, value: height },
      { tag: 258, type: SHORT, count: 1, value: pixels.BYTES_PER_ELEMENT * 8 },
      { tag: 259, type: SHORT, count: 1, value: 1 }, // no compression
      { tag: 262, type: SHORT, count: 1, value: 1 }, // black is zero
    ];
    if (page.description !== undefined) {
      const text = ascii(page.description);
      entries.push({ tag: 270, type: ASCII, count: text.length, value: text });
    }
    entries.push(
      { tag: 273, type: LONG, count: 1, value: strip },
      { tag: 277, type: SHORT, count: 1, value: 1 }, // samples per pixel
      { tag: 278, type: LONG, count: 1, value: height }, // rows per strip
      { tag: 279, type: LONG, count: 1, value: pixels.byteLength },
      { tag: 282, type: RATIONAL, count: 1, value: rational(1, 1) },
      { tag: 283, type: RATIONAL, count: 1, value: rational(1, 1) },
      { tag: 284, type: SHORT, count: 1, value: 1 }, // chunky
      { tag: 296, type: SHORT, count: 1, value: 1 }, // no resolution unit
      { tag: 339, type: SHORT, count: 1, value: sampleFormat(pixels) },
    );
    const at = end;
    end = even(at + 2 + 12 * entries.length + 4);
    ifds.push({ at, entries });
    ifdOffsets.push(at);
  }
  // values too long for an entry go after the IFDs
  const outside = new Map<Entry, number>();
  for (const { entries } of ifds) {
    for (const entry of entries) {
      if (entry.value instanceof Uint8Array && entry.value.length > 4) {
        outside.set(entry, place(entry.value));
      }
    }
  }
  if (end > 0xffffffff) throw new RangeError(`a TIFF file of ${end} bytes is over 4 GiB`);
  const file = new Uint8Array(end);
  const view = new DataView(file.buffer);
  file.set([0x49, 0x49, 42, 0], 0); // "II", 42: little-endian TIFF
  view.setUint32(4, ifdOffsets[0]!, true);
  for (const { at, bytes } of blocks) file.set(bytes, at);
  for (const [i, { at, entries }] of ifds.entries()) {
    view.setUint16(at, entries.length, true);
    for (const [k, entry] of entries.entries()) {
      const p = at + 2 + 12 * k;
      view.setUint16(p, entry.tag, true);
      view.setUint16(p + 2, entry.type, true);
      view.setUint32(p + 4, entry.count, true);
      const { value } = entry;
      if (value instanceof Uint8Array) {
        const offset = outside.get(entry);
        if (offset === undefined) file.set(value, p + 8);
        else view.setUint32(p + 8, offset, true);
      } else if (entry.type === SHORT) view.setUint16(p + 8, value, true);
      else view.setUint32(p + 8, value, true);
    }
    view.setUint32(at + 2 + 12 * entries.length, ifdOffsets[i + 1] ?? 0, true);
  }
  return file;
}
