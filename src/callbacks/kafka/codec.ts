import { Encoder } from "@msgpack/msgpack";
import type { EventPage, NamedDocument } from "../../core/index.js";
import { decodeNumpyMsgpack } from "../numpy-msgpack.js";
import { plainJson } from "../plain-json.js";
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

/** One encoder for every message: `encode()` would make one per call. */
const encoder = new Encoder();

/** A message value as bluesky-kafka's Publisher writes it: msgpack of `[name, doc]`. */
export function encodeDocument(...[name, doc]: NamedDocument): Uint8Array {
  return encoder.encode([name, plainJson(doc)]);
}

/**
 * A message value back into `[name, doc]`: map keys that msgpack_numpy writes as bytes are
 * read as text, and numpy arrays and scalars become what their `.tolist()` gives in Python
 * (see numpy-msgpack.ts).
 */
export function decodeDocument(value: Uint8Array): [string, unknown] {
  const decoded = decodeNumpyMsgpack(value);
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== "string") {
    throw new Error("a message value is not msgpack of [name, doc]");
  }
  return [decoded[0], decoded[1]];
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
