import { decode, encode } from "@msgpack/msgpack";
import type { EventPage, NamedDocument } from "../../core/index.js";
import type { DocumentSequence } from "../sinks/index.js";

/** bluesky-kafka's topic convention: `<beamline>.bluesky.runengine.documents`. */
export function kafkaTopic(beamline: string): string {
  return `${beamline}.bluesky.runengine.documents`;
}

/** The topics of every beamline, as bluesky-kafka's mongo consumer subscribes. */
export const ALL_BEAMLINES = /^.*bluesky\.runengine\.documents$/;

/** Headers carrying a document's place in its run (see DocumentSequence). */
export const RUN_HEADER = "hil_run_start";
export const SEQ_HEADER = "hil_seq";

/** Typed arrays and bigints as plain arrays and numbers, which Python reads as lists. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "object" || value === null) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
  }
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = plain(item);
  return out;
}

/** A message value as bluesky-kafka's Publisher writes it: msgpack of `[name, doc]`. */
export function encodeDocument(...[name, doc]: NamedDocument): Uint8Array {
  return encode([name, plain(doc)]);
}

const DTYPES: Record<string, (buffer: ArrayBuffer) => ArrayLike<number | bigint>> = {
  f8: (b) => new Float64Array(b),
  f4: (b) => new Float32Array(b),
  i8: (b) => new BigInt64Array(b),
  i4: (b) => new Int32Array(b),
  i2: (b) => new Int16Array(b),
  i1: (b) => new Int8Array(b),
  u8: (b) => new BigUint64Array(b),
  u4: (b) => new Uint32Array(b),
  u2: (b) => new Uint16Array(b),
  u1: (b) => new Uint8Array(b),
  b1: (b) => new Uint8Array(b),
};

function reshape(values: unknown[], shape: number[]): unknown {
  if (shape.length <= 1) return values;
  const [, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  const rows: unknown[] = [];
  for (let i = 0; i < values.length; i += size) rows.push(reshape(values.slice(i, i + size), rest));
  return rows;
}

/** msgpack_numpy's maps (`{nd, type, shape, data}`) back into plain (nested) arrays. */
function numpyless(value: unknown): unknown {
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(numpyless);
  const map = value as Record<string, unknown>;
  if (
    typeof map.nd === "boolean" &&
    typeof map.type === "string" &&
    map.data instanceof Uint8Array
  ) {
    const match = /^[<|]([fiub])(\d)$/.exec(map.type);
    const make = match ? DTYPES[`${match[1]}${match[2]}`] : undefined;
    if (make) {
      const data = map.data;
      const values = Array.from(make(new Uint8Array(data).buffer), (v) =>
        typeof v === "bigint" ? Number(v) : map.type === "|b1" ? v !== 0 : v,
      );
      if (!map.nd) return values[0];
      return reshape(values, (map.shape as number[] | undefined) ?? [values.length]);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(map)) out[key] = numpyless(item);
  return out;
}

/**
 * A message value back into `[name, doc]`: map keys that msgpack_numpy writes as bytes are
 * read as text, and numpy arrays and scalars (little-endian numeric dtypes) become plain
 * arrays and numbers.
 */
export function decodeDocument(value: Uint8Array): [string, unknown] {
  const decoded = decode(value, {
    mapKeyConverter: (key) =>
      key instanceof Uint8Array ? Buffer.from(key).toString("utf8") : (key as string | number),
  });
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== "string") {
    throw new Error("a message value is not msgpack of [name, doc]");
  }
  return [decoded[0], numpyless(decoded[1])];
}

/** Headers for a document's sequence number, or none. */
export function sequenceHeaders(sequence?: DocumentSequence): Record<string, string> {
  return sequence ? { [RUN_HEADER]: sequence.run, [SEQ_HEADER]: String(sequence.seq) } : {};
}

/** The sequence number in a message's headers, if it has one. */
export function sequenceOf(
  headers: Readonly<Record<string, string>>,
): DocumentSequence | undefined {
  const run = headers[RUN_HEADER];
  const seq = Number(headers[SEQ_HEADER]);
  return run !== undefined && Number.isInteger(seq) ? { run, seq } : undefined;
}

/** The rows of an event page in [start, end), as bluesky-kafka halves a page. */
export function sliceEventPage(page: EventPage, start: number, end: number): EventPage {
  const columns = <T>(record: Record<string, T[]>): Record<string, T[]> =>
    Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v.slice(start, end)]));
  return {
    ...page,
    uid: page.uid.slice(start, end),
    time: page.time.slice(start, end),
    seq_num: page.seq_num.slice(start, end),
    data: columns(page.data),
    timestamps: columns(page.timestamps),
    filled: columns(page.filled),
  };
}
