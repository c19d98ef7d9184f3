/**
 * The XML bodies of the Scan Server's data replies, built from plain typed objects and
 * checked on the way in, so a bad value fails here and not in a client's parser.
 */
import { z } from "zod";
import { javaDouble, javaLong } from "./java-text.ts";
import { ReplyWriter } from "./reply-writer.ts";

export const SCAN_STATES = [
  "Idle",
  "Running",
  "Paused",
  "Aborted",
  "Failed",
  "Finished",
  "Logged",
] as const;
export type ScanState = (typeof SCAN_STATES)[number];

const long = z.number().int();
const epochMs = z.number().int();

export const serverInfoSchema = z.object({
  version: z.string(),
  /** Epoch ms. */
  startTime: epochMs,
  scanConfig: z.string(),
  scriptPaths: z.array(z.string()),
  macros: z.string(),
  /** Bytes. */
  usedMem: long,
  maxMem: long,
  nonHeap: long,
});
export type ServerInfo = z.input<typeof serverInfoSchema>;

export const scanInfoSchema = z.object({
  id: long,
  name: z.string(),
  /** Epoch ms. */
  created: epochMs,
  state: z.enum(SCAN_STATES),
  /** Ms: 0 before start, now-start while active, end-start when done. */
  runtime: long,
  /** Written only when above 0. */
  totalWorkUnits: long.default(0),
  performedWorkUnits: long.default(0),
  /** Estimated or actual end, epoch ms; absent before the start. */
  finish: epochMs.optional(),
  /** Innermost active command; -1 when none. */
  address: long,
  /** Text of the active command (see describeCommand); "" before start, `- end -` when done. */
  command: z.string(),
  /** Failure or abort text. */
  error: z.string().optional(),
});
export type ScanInfo = z.input<typeof scanInfoSchema>;

/** A logged value: number = Java double, bigint = Java long, string, or an array of doubles. */
export type SampleValue = number | bigint | string | readonly number[];

export const sampleSchema = z.object({
  /** Serial within the scan; devices logged together share one. */
  serial: long,
  /** The value's timestamp, epoch ms. */
  time: epochMs,
  value: z.union([z.number(), z.bigint(), z.string(), z.array(z.number()).readonly()]),
});
export type ScanSample = z.input<typeof sampleSchema>;

/** A device's value as the scan logs it: booleans as 1 or 0, anything else not loggable as JSON text. */
export function sampleValue(value: unknown): SampleValue {
  if (typeof value === "number" || typeof value === "string" || typeof value === "bigint") {
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (Array.isArray(value) && value.every((v) => typeof v === "number")) return value;
  return JSON.stringify(value) ?? String(value);
}

export const deviceInfoSchema = z.object({
  name: z.string(),
  alias: z.string(),
  /** Value text, `no PV`, or an alarm name; "" writes no `<status>`. */
  status: z.string().default(""),
});
export type DeviceInfo = z.input<typeof deviceInfoSchema>;

/** GET /server/info */
export function serverInfoXml(info: ServerInfo): string {
  const i = serverInfoSchema.parse(info);
  return new ReplyWriter()
    .start("server")
    .leaf("version", i.version)
    .leaf("start_time", javaLong(i.startTime))
    .leaf("scan_config", i.scanConfig)
    .leaf("script_paths", i.scriptPaths.join(", "))
    .leaf("macros", i.macros)
    .leaf("used_mem", javaLong(i.usedMem))
    .leaf("max_mem", javaLong(i.maxMem))
    .leaf("non_heap", javaLong(i.nonHeap))
    .end()
    .finish();
}

function writeScan(writer: ReplyWriter, info: ScanInfo): void {
  const i = scanInfoSchema.parse(info);
  writer
    .start("scan")
    .leaf("id", javaLong(i.id))
    .leaf("name", i.name)
    .leaf("created", javaLong(i.created))
    .leaf("state", i.state)
    .leaf("runtime", javaLong(i.runtime));
  if (i.totalWorkUnits > 0) {
    writer
      .leaf("total_work_units", javaLong(i.totalWorkUnits))
      .leaf("performed_work_units", javaLong(i.performedWorkUnits));
  }
  if (i.finish !== undefined) writer.leaf("finish", javaLong(i.finish));
  writer.leaf("address", javaLong(i.address)).leaf("command", i.command);
  if (i.error !== undefined) writer.leaf("error", i.error);
  writer.end();
}

/** GET /scan/{id} */
export function scanInfoXml(info: ScanInfo): string {
  const writer = new ReplyWriter();
  writeScan(writer, info);
  return writer.finish();
}

/** GET /scans: give the scans newest first, as the server lists them. */
export function scansXml(infos: readonly ScanInfo[]): string {
  const writer = new ReplyWriter().start("scans");
  for (const info of infos) writeScan(writer, info);
  return writer.end().finish();
}

/** The client's percentage: performed*100 // total, 0 without a total. */
export function scanPercentage(
  info: Pick<ScanInfo, "totalWorkUnits" | "performedWorkUnits">,
): number {
  const total = info.totalWorkUnits ?? 0;
  if (total <= 0) return 0;
  return Math.floor(((info.performedWorkUnits ?? 0) * 100) / total);
}

/** True once a scan can change no more (the client's isDone). */
export function isDoneState(state: ScanState): boolean {
  return state !== "Idle" && state !== "Running" && state !== "Paused";
}

/** A sample value as the server prints it: Java toString of the double, long or array. */
export function sampleValueText(value: SampleValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return javaDouble(value);
  return `[${value.map(javaDouble).join(", ")}]`;
}

/** GET /scan/{id}/data: devices sorted by name, those without samples left out. */
export function dataXml(samples: Readonly<Record<string, readonly ScanSample[]>>): string {
  const writer = new ReplyWriter().start("data");
  const devices = Object.keys(samples)
    .filter((name) => (samples[name]?.length ?? 0) > 0)
    .sort(compareJavaStrings);
  for (const device of devices) {
    writer.start("device").leaf("name", device).start("samples");
    for (const raw of samples[device]!) {
      const sample = sampleSchema.parse(raw);
      writer
        .start("sample")
        .attribute("id", javaLong(sample.serial))
        .leaf("time", javaLong(sample.time))
        .leaf("value", sampleValueText(sample.value))
        .end();
    }
    writer.end().end();
  }
  return writer.end().finish();
}

/** Java String.compareTo: by UTF-16 code unit. */
function compareJavaStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** GET /scan/{id}/devices */
export function devicesXml(devices: readonly DeviceInfo[]): string {
  const writer = new ReplyWriter().start("devices");
  for (const raw of devices) {
    const device = deviceInfoSchema.parse(raw);
    writer.start("device").leaf("name", device.name).leaf("alias", device.alias);
    if (device.status !== "") writer.leaf("status", device.status);
    writer.end();
  }
  return writer.end().finish();
}

/** POST /scan: the new scan's id, written by hand with a newline. */
export function scanIdXml(id: number): string {
  return `<id>${javaLong(long.parse(id))}</id>\n`;
}

/** GET /scan/{id}/last_serial: -1 when nothing was logged; no newline. */
export function lastSerialXml(serial: number): string {
  return `<serial>${javaLong(long.parse(serial))}</serial>`;
}

/** POST /simulate: the log in CDATA and the estimated seconds as a Java double. */
export function simulationXml(log: string, seconds: number): string {
  return (
    `<simulation>\n  <log><![CDATA[${log}]]>\n  </log>\n` +
    `  <seconds>${javaDouble(z.number().parse(seconds))}</seconds>\n</simulation>\n`
  );
}

/**
 * The 400 body of a failed submit or simulation: the message as is, the trace with `<`
 * escaped (the server escapes nothing else).
 */
export function submitErrorXml(message: string, trace: string): string {
  return (
    `<error>\n<message>${message}</message>\n<trace>\n` +
    `${trace.replaceAll("<", "&lt;")}\n</trace>\n</error>\n`
  );
}
