// A sans-I/O line framer: bytes in, whole lines out. No port, no timers, no events, so it
// is tested with byte vectors and shared by the request channel, emulators and benchmarks.
import { Buffer } from "node:buffer";
import { LineTooLongError } from "./errors.js";

/** What ends a line: the common ASCII terminators, any other string, or raw bytes. */
export type LineTerminator = "\r\n" | "\n" | "\r" | (string & {}) | Uint8Array;

export interface LineFramerOptions {
  /** Default "\r\n". A string is encoded as latin1 (one byte per character). */
  terminator?: LineTerminator;
  /** Longest line accepted, in bytes without the terminator (default 1 MiB). */
  maxLength?: number;
  /** How line bytes become strings (default "latin1": every byte maps to one character). */
  encoding?: BufferEncoding;
  /** Names the source in errors, e.g. the port. */
  name?: string;
}

/** Turns a terminator option into bytes, rejecting an empty one. */
export function terminatorBytes(terminator: LineTerminator, option = "terminator"): Uint8Array {
  const bytes =
    typeof terminator === "string"
      ? Buffer.from(terminator, "latin1")
      : Uint8Array.from(terminator);
  if (bytes.length === 0) throw new TypeError(`${option} must not be empty`);
  return bytes;
}

/**
 * Splits a byte stream into lines at a terminator. Chunk boundaries may fall anywhere, even
 * inside a multi-byte terminator. Partial input is held as a list of pieces and joined once
 * when its line completes, so a line that arrives byte by byte costs O(length), not O(length²).
 *
 * A line longer than `maxLength` throws a LineTooLongError (after the rest of the chunk has
 * been framed, with the chunk's whole lines in `error.lines`); the framer then skips input up
 * to the next terminator, so the tail of the long line never shows up as a line of its own.
 */
export class LineFramer {
  private readonly terminator: Uint8Array;
  /** KMP failure table, so a terminator like "\r\r\n" is found after "\r\r\r\n" too. */
  private readonly failure: Uint32Array;
  private readonly maxLength: number;
  private readonly encoding: BufferEncoding;
  private readonly name: string;
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  /** Terminator bytes matched at the end of the input seen so far. */
  private matched = 0;
  /** Inside an over-long line: drop bytes up to the next terminator. */
  private discarding = false;

  constructor({
    terminator = "\r\n",
    maxLength = 1 << 20,
    encoding = "latin1",
    name = "input",
  }: LineFramerOptions = {}) {
    if (!Number.isInteger(maxLength) || maxLength < 1) {
      throw new TypeError(`maxLength must be a positive integer, got ${maxLength}`);
    }
    this.terminator = terminatorBytes(terminator);
    this.failure = failureTable(this.terminator);
    this.maxLength = maxLength;
    this.encoding = encoding;
    this.name = name;
  }

  /** Bytes held: the start of a line whose terminator has not arrived yet. */
  get buffered(): number {
    return this.partsLength;
  }

  /** The held partial line as text, for error messages ("received so far: ..."). */
  partial(): string {
    if (this.partsLength === 0) return "";
    return Buffer.concat(this.parts, this.partsLength).toString(this.encoding);
  }

  /** Frames one chunk; returns the lines it completes, without their terminators. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    const term = this.terminator;
    const termLength = term.length;
    const first = term[0]!;
    const end = chunk.length;
    let overflow = false;
    let start = 0;
    let i = 0;
    while (i < end) {
      if (this.matched === 0) {
        // Nothing matched yet: jump straight to the next byte that could start a terminator.
        const next = chunk.indexOf(first, i);
        if (next < 0) break;
        i = next;
      }
      const byte = chunk[i++];
      let m = this.matched;
      while (m > 0 && term[m] !== byte) m = this.failure[m - 1]!;
      if (term[m] === byte) m++;
      if (m < termLength) {
        this.matched = m;
        continue;
      }
      this.matched = 0;
      const contentLength = this.partsLength + (i - start) - termLength;
      if (this.discarding) this.discarding = false;
      else if (contentLength > this.maxLength) overflow = true;
      else lines.push(this.line(chunk, start, i, contentLength));
      this.parts = [];
      this.partsLength = 0;
      start = i;
    }
    if (start < end && !this.discarding) {
      const held = this.partsLength + (end - start);
      if (held - this.matched > this.maxLength) {
        overflow = true;
        this.discarding = true;
        this.parts = [];
        this.partsLength = 0;
      } else {
        // A copy: the caller may reuse its buffer (serialport reads into a shared pool), and
        // Buffer#slice would only share its memory.
        this.parts.push(Uint8Array.prototype.slice.call(chunk, start));
        this.partsLength = held;
      }
    }
    if (overflow) throw new LineTooLongError(this.maxLength, this.name, lines);
    return lines;
  }

  /** Drops any partial line; returns how many bytes were dropped. */
  reset(): number {
    const dropped = this.partsLength;
    this.parts = [];
    this.partsLength = 0;
    this.matched = 0;
    this.discarding = false;
    return dropped;
  }

  private line(chunk: Uint8Array, start: number, stop: number, contentLength: number): string {
    if (this.partsLength === 0) return decode(chunk, start, start + contentLength, this.encoding);
    this.parts.push(chunk.subarray(start, stop));
    const joined = Buffer.concat(this.parts, this.partsLength + (stop - start));
    return joined.toString(this.encoding, 0, contentLength);
  }
}

function decode(bytes: Uint8Array, start: number, stop: number, encoding: BufferEncoding): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString(encoding, start, stop);
}

/** failure[k]: length of the longest proper prefix of term[0..k] that is also its suffix. */
function failureTable(term: Uint8Array): Uint32Array {
  const table = new Uint32Array(term.length);
  let k = 0;
  for (let i = 1; i < term.length; i++) {
    while (k > 0 && term[i] !== term[k]) k = table[k - 1]!;
    if (term[i] === term[k]) k++;
    table[i] = k;
  }
  return table;
}
