// Links between records as EPICS database links have them: a constant, or a PV name with
// its process option (NPP, PP, CA, CP, CPP) and maximize-severity option (NMS, MS, MSS, MSI).
// A name that is no record of this IOC stays unconnected and reads as a LINK alarm.
import type { RemotePv } from "./ca-links.js";
import type { DeviceChannel } from "./device-channel.js";
import type { IocRecord } from "./record.js";

export type ProcessOption = "NPP" | "PP" | "CA" | "CP" | "CPP";
export type SeverityOption = "NMS" | "MS" | "MSS" | "MSI";

export interface ConstantLink {
  readonly kind: "constant";
  readonly text: string;
  /** Undefined for an empty link. */
  readonly value: number | string | readonly (number | string)[] | undefined;
}

export interface PvLink {
  readonly kind: "pv";
  readonly text: string;
  readonly pvName: string;
  readonly recordName: string;
  readonly field: string;
  readonly process: ProcessOption;
  readonly severity: SeverityOption;
  /** The record of this IOC it points at; undefined when the name is none of ours. */
  target: IocRecord | undefined;
  /** A PV of another IOC, reached over Channel Access, when the name is none of ours. */
  remote?: RemotePv;
}

/** A hardware address (INST_IO, `@...`): read by the record's device support, not as a link. */
export interface HardwareLink {
  readonly kind: "hardware";
  readonly text: string;
  /** The device channel a "hil Device" record's address names. */
  channel?: DeviceChannel;
}

export type Link = ConstantLink | PvLink | HardwareLink;

const PROCESS_OPTIONS = new Set<string>(["NPP", "PP", "CA", "CP", "CPP"]);
const SEVERITY_OPTIONS = new Set<string>(["NMS", "MS", "MSS", "MSI"]);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?0[xX][0-9a-fA-F]+$/;

export class LinkSyntaxError extends Error {}

/** dbParseLink: the link's kind and options from its text. */
export function parseLink(text: string): Link {
  const trimmed = text.trim();
  if (trimmed === "") return { kind: "constant", text: "", value: undefined };
  if (NUMBER.test(trimmed)) return { kind: "constant", text: trimmed, value: Number(trimmed) };
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return jsonConstant(trimmed);
  if (trimmed.startsWith("@")) return { kind: "hardware", text: trimmed };
  if (trimmed.startsWith("#")) {
    throw new LinkSyntaxError(`VME address "${trimmed}" needs a device support this IOC lacks`);
  }
  const [pvName, ...options] = trimmed.split(/[\s,]+/);
  let process: ProcessOption = "NPP";
  let severity: SeverityOption = "NMS";
  for (const option of options) {
    if (PROCESS_OPTIONS.has(option)) process = option as ProcessOption;
    else if (SEVERITY_OPTIONS.has(option)) severity = option as SeverityOption;
    else throw new LinkSyntaxError(`unknown link option "${option}" in "${trimmed}"`);
  }
  const { recordName, field } = splitPvName(pvName!);
  return {
    kind: "pv",
    text: trimmed,
    pvName: pvName!,
    recordName,
    field,
    process,
    severity,
    target: undefined,
  };
}

/** "rec.FIELD" to record and field; a name without a field means VAL. */
export function splitPvName(pvName: string): { recordName: string; field: string } {
  const dot = pvName.lastIndexOf(".");
  if (dot > 0 && /^[A-Z][A-Z0-9]{0,3}\$?$/.test(pvName.slice(dot + 1))) {
    return { recordName: pvName.slice(0, dot), field: pvName.slice(dot + 1).replace("$", "") };
  }
  return { recordName: pvName, field: "VAL" };
}

function jsonConstant(text: string): ConstantLink {
  // JSON5 as EPICS takes it: keys may be unquoted.
  const json = text.replace(/([{,]\s*)([A-Za-z_]\w*)\s*:/g, '$1"$2":');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new LinkSyntaxError(`link "${text}" is not valid JSON`);
  }
  const value =
    parsed && typeof parsed === "object" && !Array.isArray(parsed) && "const" in parsed
      ? (parsed as { const: unknown }).const
      : parsed;
  if (typeof value === "number" || typeof value === "string") {
    return { kind: "constant", text, value };
  }
  if (Array.isArray(value) && value.every((v) => typeof v === "number" || typeof v === "string")) {
    return { kind: "constant", text, value: value as (number | string)[] };
  }
  throw new LinkSyntaxError(`link "${text}" is no constant this IOC knows`);
}

/** The text a link field shows to clients (dbGetField on a link), as softIoc formats it. */
export function linkText(link: Link | undefined, forward = false): string {
  if (!link || link.kind !== "pv") return link?.text ?? "";
  // A forward link only ever processes: softIoc shows it as the bare name.
  if (forward) return link.process === "CA" ? `${link.pvName} CA` : link.pvName;
  return `${link.pvName} ${link.process} ${link.severity}`;
}
