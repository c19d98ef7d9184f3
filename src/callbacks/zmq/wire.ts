// bluesky's 0MQ frame, sans I/O: one message part `prefix␠name␠payload`, the payload a
// serialized document (msgpack or JSON here; bluesky's default, pickle, is refused).
import { Encoder } from "@msgpack/msgpack";
import { HilError } from "../../core/index.js";
import type { DocumentName, NamedDocument } from "../../core/index.js";
import { decodeNumpyMsgpack } from "../numpy-msgpack.js";
import { plainJson } from "../plain-json.js";
import { fromPythonJson, toPythonJson } from "../python-json-text.js";

export type SerializerName = "msgpack" | "json";

export interface Serializer {
  readonly name: SerializerName;
  serialize(doc: unknown): Uint8Array;
  deserialize(payload: Uint8Array): unknown;
}

const SPACE = 0x20;

/** The document names our callbacks take; bluesky's others (datum, resource...) are skipped. */
const documentNames: ReadonlySet<string> = new Set<DocumentName>([
  "start",
  "descriptor",
  "event",
  "event_page",
  "stream_resource",
  "stream_datum",
  "stop",
]);

const encoder = new Encoder({ ignoreUndefined: true });
const textDecoder = new TextDecoder("utf-8", { fatal: true });

export const msgpackSerializer: Serializer = {
  name: "msgpack",
  serialize: (doc) => encoder.encode(plainJson(doc)),
  deserialize: decodeNumpyMsgpack,
};

const utf8 = new TextEncoder();

export const jsonSerializer: Serializer = {
  name: "json",
  serialize(doc) {
    return utf8.encode(toPythonJson(plainJson(doc)));
  },
  deserialize(payload) {
    return fromPythonJson(textDecoder.decode(payload));
  },
};

/** The serializer called `name`; pickle (bluesky's default) and others are refused. */
export function serializerNamed(name: string): Serializer {
  if (name === "msgpack") return msgpackSerializer;
  if (name === "json") return jsonSerializer;
  const why =
    name === "pickle"
      ? "pickle is Python's own format and runs code when read; configure the Python end with " +
        "msgpack (serializer=msgpack.packb / deserializer=msgpack.unpackb) or JSON"
      : 'expected "msgpack" or "json"';
  throw new HilError("HIL_ZMQ_SERIALIZER", `0MQ serializer "${name}": ${why}`);
}

/** Checks a prefix as bluesky does: bytes without a space. */
export function checkPrefix(prefix: string | Uint8Array): Uint8Array {
  const bytes = typeof prefix === "string" ? utf8.encode(prefix) : prefix;
  if (bytes.includes(SPACE)) {
    throw new HilError("HIL_ZMQ_PREFIX", `0MQ prefix "${String(prefix)}" may not contain a space`);
  }
  return bytes;
}

/** One frame: `prefix␠name␠payload`. With an empty prefix it starts with a space. */
export function encodeFrame(
  [name, doc]: NamedDocument | [string, unknown],
  serializer: Serializer,
  prefix: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const head = utf8.encode(`${name}`);
  const payload = serializer.serialize(doc);
  const frame = new Uint8Array(prefix.length + head.length + 2 + payload.length);
  frame.set(prefix, 0);
  frame[prefix.length] = SPACE;
  frame.set(head, prefix.length + 1);
  frame[prefix.length + 1 + head.length] = SPACE;
  frame.set(payload, prefix.length + head.length + 2);
  return frame;
}

export type DecodedFrame =
  | { kind: "document"; document: NamedDocument }
  /** Another prefix's frame: not for us, dropped without a word. */
  | { kind: "other-prefix" }
  /** A frame that could not be read, or a document our callbacks do not take. */
  | { kind: "skipped"; reason: string };

function show(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.subarray(0, 64)).toString("latin1");
  return JSON.stringify(text) + (bytes.length > 64 ? `... (${bytes.length} bytes)` : "");
}

/** Reads a frame as bluesky's RemoteDispatcher does: split at the first two spaces. */
export function decodeFrame(
  frame: Uint8Array,
  serializer: Serializer,
  prefix: Uint8Array = new Uint8Array(0),
): DecodedFrame {
  const first = frame.indexOf(SPACE);
  const second = first < 0 ? -1 : frame.indexOf(SPACE, first + 1);
  if (second < 0) {
    return { kind: "skipped", reason: `frame ${show(frame)} has no prefix␠name␠payload` };
  }
  if (prefix.length > 0) {
    const got = frame.subarray(0, first);
    if (got.length !== prefix.length || !got.every((b, i) => b === prefix[i])) {
      return { kind: "other-prefix" };
    }
  }
  let name: string;
  try {
    name = textDecoder.decode(frame.subarray(first + 1, second));
  } catch {
    return { kind: "skipped", reason: `frame ${show(frame)}: its name is not UTF-8` };
  }
  if (!documentNames.has(name)) {
    return { kind: "skipped", reason: `a "${name}" document, which is not one this side takes` };
  }
  let doc: unknown;
  try {
    doc = serializer.deserialize(frame.subarray(second + 1));
  } catch (error) {
    const why = (error as Error).message;
    return {
      kind: "skipped",
      reason: `a ${name} document that is not ${serializer.name}: ${why}`,
    };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { kind: "skipped", reason: `a ${name} document that is not a map` };
  }
  return { kind: "document", document: [name, doc] as NamedDocument };
}

/** `host:port` (split at the first colon), as bluesky takes an address. */
export function parseAddress(address: string): { host: string; port: number } {
  const colon = address.indexOf(":");
  const host = colon < 0 ? "" : address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || host === "" || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new HilError("HIL_ZMQ_ADDRESS", `0MQ address "${address}": expected HOST:PORT`);
  }
  return { host, port };
}
