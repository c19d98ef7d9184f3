/**
 * Bytes of the HDF5 metadata a frame file needs, per the HDF5 File Format Specification 3.0:
 * superblock version 3, version 2 object headers and the messages in them, a global heap
 * collection for variable-length strings. Pure functions, no I/O; every address and length
 * is 8 bytes ("size of offsets" and "size of lengths" in the superblock).
 */
import { lookup3 } from "./hdf5-checksum.js";

/** "Undefined address": all bits set. */
export const UNDEFINED = 0xffff_ffff_ffff_ffffn;
export const SIGNATURE = Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a);
export const SUPERBLOCK_BYTES = 48;

const encoder = new TextEncoder();

/** Little-endian fields appended one after the other, in one growing buffer. */
export class Bytes {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  /** Room for `size` more bytes; returns where they go. */
  private take(size: number): number {
    const at = this.length;
    if (at + size > this.buffer.length) {
      const grown = new Uint8Array(Math.max(2 * this.buffer.length, at + size));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length += size;
    return at;
  }

  bytes(value: Uint8Array): this {
    const at = this.take(value.length); // may replace the buffer: before reading it
    this.buffer.set(value, at);
    return this;
  }

  u8(...values: number[]): this {
    const at = this.take(values.length);
    values.forEach((v, i) => (this.buffer[at + i] = v));
    return this;
  }

  u16(value: number): this {
    const at = this.take(2);
    this.view.setUint16(at, value, true);
    return this;
  }

  u32(value: number): this {
    const at = this.take(4);
    this.view.setUint32(at, value, true);
    return this;
  }

  u64(value: number | bigint): this {
    const at = this.take(8);
    if (typeof value === "bigint") this.view.setBigUint64(at, value, true);
    else {
      this.view.setUint32(at, value % 2 ** 32, true);
      this.view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
    }
    return this;
  }

  ascii(text: string): this {
    return this.bytes(encoder.encode(text));
  }

  zeros(count: number): this {
    const at = this.take(count);
    this.buffer.fill(0, at, this.length);
    return this;
  }

  /** The fields so far, then their lookup3 checksum. */
  checksummed(): Uint8Array {
    return this.u32(lookup3(this.buffer.subarray(0, this.length))).done();
  }

  done(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * Superblock version 3, laid out as version 2, as HDF5 1.10 itself writes it for its latest
 * format: base address 0, no superblock extension, file consistency flags clear (no HDF5
 * writer holds the file, so readers open it with or without SWMR).
 */
export function superblock(endOfFile: number, rootGroup: number): Uint8Array {
  return new Bytes()
    .bytes(SIGNATURE)
    .u8(3, 8, 8, 0) // version, size of offsets, size of lengths, consistency flags
    .u64(0)
    .u64(UNDEFINED)
    .u64(endOfFile)
    .u64(rootGroup)
    .checksummed();
}

/** One header message: its type number, flags and body. */
export interface Message {
  type: number;
  body: Uint8Array;
  /** Bit 0: constant (the library marks datatypes and fill values so). */
  flags?: number;
}

/** A version 2 object header ("OHDR") holding the messages in one chunk, no times stored. */
export function objectHeader(messages: readonly Message[]): Uint8Array {
  const size = messages.reduce((sum, m) => sum + 4 + m.body.length, 0);
  // flags bits 0-1: how many bytes tell the size of chunk 0
  const [sizeFlag, sizeBytes] = size < 0x100 ? [0, 1] : size < 0x10000 ? [1, 2] : [2, 4];
  const out = new Bytes().ascii("OHDR").u8(2, sizeFlag);
  if (sizeBytes === 1) out.u8(size);
  else if (sizeBytes === 2) out.u16(size);
  else out.u32(size);
  for (const m of messages) {
    if (m.body.length > 0xffff) throw new RangeError(`HDF5 message ${m.type} too long`);
    out
      .u8(m.type)
      .u16(m.body.length)
      .u8(m.flags ?? 0)
      .bytes(m.body);
  }
  return out.checksummed();
}

/** Link Info (0x02): a compact group, links in the header, no creation order. */
export function linkInfo(): Message {
  return { type: 0x02, body: new Bytes().u8(0, 0).u64(UNDEFINED).u64(UNDEFINED).done() };
}

/** Group Info (0x0A) with the default limits. */
export function groupInfo(): Message {
  return { type: 0x0a, body: Uint8Array.of(0, 0) };
}

/** Link (0x06): a hard link named `name` (ASCII, < 256 bytes) to the object header at `address`. */
export function hardLink(name: string, address: number): Message {
  const encoded = encoder.encode(name);
  if (encoded.length > 0xff) throw new RangeError(`HDF5 link name too long: ${name}`);
  const body = new Bytes().u8(1, 0, encoded.length).bytes(encoded).u64(address).done();
  return { type: 0x06, body };
}

/** Dataspace (0x01) version 2: simple of `dims` (maximum = current), or scalar if empty. */
export function dataspace(dims: readonly number[]): Message {
  const out = new Bytes().u8(2, dims.length, 0, dims.length === 0 ? 0 : 1);
  for (const d of dims) out.u64(d);
  return { type: 0x01, body: out.done() };
}

/** Datatype bodies, to be used in a Datatype message or an Attribute. */
export const dtype = {
  /** Fixed-point (class 0, version 1), little-endian, unsigned. */
  unsigned(bytes: number): Uint8Array {
    return new Bytes()
      .u8(0x10, 0, 0, 0)
      .u32(bytes)
      .u16(0)
      .u16(bytes * 8)
      .done();
  },
  /** IEEE 754 binary64, little-endian (class 1, version 1). */
  float64(): Uint8Array {
    // mantissa normalised with implied msb (bits 4-5 = 2), sign at bit 63
    return new Bytes()
      .u8(0x11, 0x20, 63, 0)
      .u32(8)
      .u16(0) // bit offset
      .u16(64) // precision
      .u8(52, 11, 0, 52) // exponent at, exponent bits, mantissa at, mantissa bits
      .u32(1023)
      .done();
  },
  /** Variable-length UTF-8 string, null-terminated (class 9, version 1), of bytes. */
  utf8String(): Uint8Array {
    return new Bytes().u8(0x19, 0x01, 0x01, 0).u32(16).bytes(dtype.unsigned(1)).done();
  },
};

export function datatype(body: Uint8Array): Message {
  return { type: 0x03, body, flags: 1 };
}

/**
 * Fill Value (0x05) version 3: space allocated early (it is, with the data), fill value
 * written only if set, and none set.
 */
export function fillValue(): Message {
  return { type: 0x05, body: Uint8Array.of(3, 0x01 | (2 << 2)), flags: 1 };
}

/** Data Layout (0x08) version 3, contiguous: `size` bytes at `address`, or none yet. */
export function contiguousLayout(address: number | bigint, size: number): Message {
  return { type: 0x08, body: new Bytes().u8(3, 1).u64(address).u64(size).done() };
}

/** A global heap object's ID as a variable-length datum holds it: length, collection, index. */
export interface HeapString {
  length: number;
  collection: number;
  index: number;
}

/** Attribute (0x0C) version 3: a scalar variable-length UTF-8 string, ASCII name. */
export function stringAttribute(name: string, value: HeapString): Message {
  const type = dtype.utf8String();
  const space = dataspace([]).body;
  const body = new Bytes()
    .u8(3, 0)
    .u16(name.length + 1)
    .u16(type.length)
    .u16(space.length)
    .u8(0)
    .ascii(name)
    .u8(0)
    .bytes(type)
    .bytes(space)
    .u32(value.length)
    .u64(value.collection)
    .u32(value.index)
    .done();
  return { type: 0x0c, body };
}

/** The smallest global heap collection HDF5 reads: it loads this much before the header. */
export const GLOBAL_HEAP_BYTES = 4096;

/**
 * A global heap collection ("GCOL") at `address` holding `texts` as objects 1, 2, ... (each
 * padded to 8 bytes), the rest free space (object 0); with the IDs to put in attributes.
 */
export function globalHeap(
  address: number,
  texts: readonly string[],
): { bytes: Uint8Array; ids: HeapString[] } {
  const out = new Bytes().ascii("GCOL").u8(1, 0, 0, 0).u64(GLOBAL_HEAP_BYTES);
  const ids = texts.map((text, i) => {
    const encoded = encoder.encode(text);
    out
      .u16(i + 1)
      .u16(1)
      .u32(0)
      .u64(encoded.length)
      .bytes(encoded);
    out.zeros((8 - (encoded.length % 8)) % 8);
    return { length: encoded.length, collection: address, index: i + 1 };
  });
  const free = GLOBAL_HEAP_BYTES - out.length;
  if (free < 16) throw new RangeError("HDF5 global heap: strings too long for one collection");
  // the free-space object's size counts its own 16-byte header
  out
    .u16(0)
    .u16(0)
    .u32(0)
    .u64(free)
    .zeros(free - 16);
  return { bytes: out.done(), ids };
}
