// The cassette file: JSON lines. Line 1 is a header with the format version and what was
// recorded; every further line is one event of one exchange, in the order it happened:
//
//   {"cassette":"hil","version":1,"kind":"bytes","recorded":"...","start":0}
//   {"t":0.012,"dir":"out","channel":"serial:/dev/ttyUSB0","hex":"3154530d0a","text":"1TS\r\n"}
//   {"t":0.015,"dir":"in","channel":"serial:/dev/ttyUSB0","hex":"...","text":"1TS000033\r\n"}
//
// or, for Modbus, {"t","dir","channel","fn","unit","address","count"?,"values"?,"error"?}.
// `hex` is what is played; `text` (latin1) is for people and must agree with it.
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { CassetteFormatError } from "./cassette-errors.js";

/** The format version this code writes and reads. */
export const CASSETTE_VERSION = 1;

/** "bytes": a ByteTransport's stream; "modbus": a Modbus client's transactions. */
export type CassetteKind = "bytes" | "modbus";

export const cassetteHeaderSchema = z.strictObject({
  cassette: z.literal("hil"),
  version: z.number().int().positive(),
  kind: z.enum(["bytes", "modbus"]),
  /** What was recorded, for people: the device, the instrument, the operations. */
  recorded: z.string(),
  /** The recording clock's time at t = 0 (POSIX seconds, or a VirtualClock's start). */
  start: z.number(),
  /** Anything a tool needs to replay it, e.g. `hil record` keeps the device's config entry. */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type CassetteHeader = z.infer<typeof cassetteHeaderSchema>;

const time = z.number().nonnegative();
const direction = z.enum(["out", "in"]);
const channel = z.string().min(1);

export const byteEventSchema = z.strictObject({
  /** Seconds since the recording started. */
  t: time,
  /** "out": written by the driver; "in": received from the instrument. */
  dir: direction,
  /** The port it went through: the transport's name. */
  channel,
  hex: z.string().regex(/^(?:[0-9a-f]{2})+$/i, "expected hex digits, two per byte"),
  /** The bytes as latin1, for people. */
  text: z.string(),
});

export type ByteEvent = z.infer<typeof byteEventSchema>;

/** Function codes the client sends: the bit functions carry booleans, the others words. */
const BIT_FUNCTIONS = [1, 2, 5, 15];
const FUNCTIONS = [1, 2, 3, 4, 5, 6, 15, 16];

export const modbusEventSchema = z
  .strictObject({
    t: time,
    /** "out": the request; "in": its response (values read, or the error). */
    dir: direction,
    /** The client's port, e.g. "modbus-tcp:127.0.0.1:502". */
    channel,
    fn: z
      .number()
      .int()
      .refine((fn) => FUNCTIONS.includes(fn), `expected a function code (${FUNCTIONS.join(", ")})`),
    unit: z.number().int().min(0).max(255),
    address: z.number().int().min(0).max(0xffff),
    count: z.number().int().min(1).optional(),
    /** Values written (out) or read (in): booleans for coils and inputs, else uint16 words. */
    values: z
      .union([z.array(z.number().int().min(0).max(0xffff)), z.array(z.boolean())])
      .optional(),
    /** The request failed: a Modbus exception (numeric code) or another error (its code). */
    error: z
      .strictObject({
        code: z.union([z.number().int(), z.string().min(1)]),
        name: z.string(),
        message: z.string().optional(),
      })
      .optional(),
  })
  .superRefine((event, ctx) => {
    const bits = BIT_FUNCTIONS.includes(event.fn);
    const first = event.values?.[0];
    if (first !== undefined && (typeof first === "boolean") !== bits) {
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `function ${event.fn} carries ${bits ? "booleans" : "register words"}`,
      });
    }
    if (event.dir === "out" && event.error) {
      ctx.addIssue({ code: "custom", path: ["error"], message: "a request has no error" });
    }
  });

export type ModbusEvent = z.infer<typeof modbusEventSchema>;

/** One event and the file line it is on (1-based; the header is line 1). */
export interface CassetteLine<E> {
  readonly line: number;
  readonly event: E;
}

interface CassetteBase {
  /** The file, as the caller named it. */
  readonly file: string;
  readonly header: CassetteHeader;
  /** The number of the file's last line with content. */
  readonly lastLine: number;
}

export interface ByteCassette extends CassetteBase {
  readonly kind: "bytes";
  readonly events: readonly CassetteLine<ByteEvent>[];
}

export interface ModbusCassette extends CassetteBase {
  readonly kind: "modbus";
  readonly events: readonly CassetteLine<ModbusEvent>[];
}

export type Cassette = ByteCassette | ModbusCassette;

/** The channels a cassette holds, in order of first appearance. */
export function cassetteChannels(cassette: Cassette): string[] {
  return [...new Set(cassette.events.map(({ event }) => event.channel))];
}

/**
 * The channel a player plays: `wanted`, which the cassette must hold (unless it holds none),
 * or else its only one.
 */
export function chooseChannel(cassette: Cassette, wanted: string | undefined): string | undefined {
  const channels = cassetteChannels(cassette);
  const known = channels.map((c) => JSON.stringify(c)).join(", ");
  if (wanted !== undefined) {
    if (channels.length > 0 && !channels.includes(wanted)) {
      throw new CassetteFormatError(
        cassette.file,
        undefined,
        `no channel "${wanted}" (it has ${known})`,
      );
    }
    return wanted;
  }
  if (channels.length > 1) {
    throw new CassetteFormatError(
      cassette.file,
      undefined,
      `holds several channels (${known}): choose one with the channel option`,
    );
  }
  return channels[0];
}

/** Hex without separators, as the file stores it: "3154530d0a". */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** Hex as messages show it: "31 54 53 0d 0a". */
export function spacedHex(bytes: Uint8Array): string {
  return toHex(bytes).replace(/(..)(?!$)/g, "$1 ");
}

/** The bytes as latin1 text: one character per byte, so any byte survives. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** Reads and checks a cassette; a CassetteFormatError names the file and line of a problem. */
export async function loadCassette(file: string): Promise<Cassette> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new CassetteFormatError(file, undefined, `cannot read the cassette: ${why}`, {
      cause: error,
    });
  }
  return parseCassette(text, file);
}

/** Parses the text of a cassette; `file` names it in errors. */
export function parseCassette(text: string, file: string): Cassette {
  const lines = text.split("\n");
  let header: CassetteHeader | undefined;
  let lastLine = 0;
  const events: CassetteLine<ByteEvent | ModbusEvent>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const source = lines[i]!.trim();
    if (source === "") continue;
    const line = i + 1;
    lastLine = line;
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw new CassetteFormatError(file, line, `not JSON: ${(error as Error).message}`);
    }
    if (!header) {
      header = parseHeader(json, file, line);
      continue;
    }
    const schema = header.kind === "bytes" ? byteEventSchema : modbusEventSchema;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CassetteFormatError(file, line, issueText(parsed.error, `a ${header.kind} event`));
    }
    const event = parsed.data;
    if ("hex" in event) checkText(event, file, line);
    events.push({ line, event });
  }
  if (!header) throw new CassetteFormatError(file, undefined, "empty: expected a header line");
  return { kind: header.kind, file, header, lastLine, events } as Cassette;
}

function parseHeader(json: unknown, file: string, line: number): CassetteHeader {
  const record = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  if (record.cassette !== "hil") {
    throw new CassetteFormatError(
      file,
      line,
      'expected the header line, {"cassette":"hil","version":1,...}, first',
    );
  }
  if (typeof record.version === "number" && record.version > CASSETTE_VERSION) {
    throw new CassetteFormatError(
      file,
      line,
      `cassette version ${record.version} is newer than this hil reads (${CASSETTE_VERSION})`,
    );
  }
  const parsed = cassetteHeaderSchema.safeParse(json);
  if (!parsed.success) throw new CassetteFormatError(file, line, issueText(parsed.error, "header"));
  return parsed.data;
}

/** `text` is for people, `hex` is played: an edit of one without the other is a mistake. */
function checkText(event: ByteEvent, file: string, line: number): void {
  const text = latin1(Buffer.from(event.hex, "hex"));
  if (text !== event.text) {
    throw new CassetteFormatError(
      file,
      line,
      `text ${JSON.stringify(event.text)} does not match hex ${event.hex} ` +
        `(${JSON.stringify(text)}); the hex is what is played: edit both`,
    );
  }
}

function issueText(error: z.ZodError, what: string): string {
  const issue = error.issues[0]!;
  const path = issue.path.join(".");
  return `not ${what}: ${path ? `${path}: ` : ""}${issue.message}`;
}

/** Rounds seconds to microseconds, so files stay readable. */
export function roundTime(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
