// Reading and writing through links (dbGetLink, dbPutLink, dbScanFwdLink): process options,
// severity inheritance, and the LINK alarm of a link that points at nothing.
import { SEVR, STAT } from "./alarm-codes.js";
import type { DeviceChannel } from "./device-channel.js";
import type { FieldValue } from "./field-types.js";
import { putField } from "./field-put.js";
import type { Link, PvLink, SeverityOption } from "./links.js";
import type { IocRecord } from "./record.js";
import { SCAN_IO_INTR } from "./scanner.js";

function linkOf(record: IocRecord, field: string): Link | undefined {
  return record.links.get(field);
}

/**
 * A link that gives values when read: a PV name, or a hardware address bound to a device
 * channel; as opposed to a constant or nothing.
 */
export function isLiveLink(record: IocRecord, field: string): boolean {
  const link = linkOf(record, field);
  return link?.kind === "pv" || (link?.kind === "hardware" && link.channel !== undefined);
}

/** A device channel's value; a failing or silent device is a COMM or UDF alarm, INVALID. */
function channelValue(record: IocRecord, channel: DeviceChannel): FieldValue | undefined {
  // An I/O Intr record hears of news; any other asks, and passes again once the answer is in.
  const ioIntr = record.num("SCAN") === SCAN_IO_INTR;
  const state = channel.read(ioIntr ? undefined : () => record.host.scanOnce(record));
  if (state === undefined) return undefined;
  if ("error" in state) {
    record.raiseAlarm(STAT.COMM, SEVR.INVALID, state.error);
    return undefined;
  }
  if (state.severity > SEVR.NO_ALARM) record.raiseAlarm(STAT.READ, state.severity);
  return state.value;
}

/** recGblInheritSevr. */
function inherit(
  record: IocRecord,
  option: SeverityOption,
  status: number,
  severity: number,
): void {
  switch (option) {
    case "MS":
      record.raiseAlarm(STAT.LINK, severity);
      break;
    case "MSI":
      if (severity === SEVR.INVALID) record.raiseAlarm(STAT.LINK, severity);
      break;
    case "MSS":
      record.raiseAlarm(status, severity);
      break;
    default:
      break;
  }
}

/** A CA link's latest value, with its alarm inherited as the link's option says. */
function remoteValue(record: IocRecord, link: PvLink): FieldValue | undefined {
  const latest = link.remote?.connected ? link.remote.latest : undefined;
  if (!latest) return unconnected(record, link);
  inherit(record, link.severity, latest.status, latest.severity);
  return latest.value;
}

function unconnected(record: IocRecord, link: PvLink): undefined {
  record.raiseAlarm(STAT.LINK, SEVR.INVALID, `${link.pvName} not connected`);
  return undefined;
}

/**
 * dbGetLink: the value the link gives, undefined for a constant or empty link (those load
 * at init only) and for a link that points at nothing (which raises a LINK alarm).
 */
export function getLink(record: IocRecord, field: string): FieldValue | undefined {
  const link = linkOf(record, field);
  if (link?.kind === "hardware" && link.channel) return channelValue(record, link.channel);
  if (link?.kind !== "pv") return undefined;
  const target = link.target;
  if (!target) return remoteValue(record, link);
  if (link.process === "PP" && target.scanPassive && target !== record && !target.pact) {
    record.host.process(target);
  }
  inherit(record, link.severity, target.num("STAT"), target.num("SEVR"));
  return target.get(link.field);
}

/** dbGetLink as a number (NaN when the link gives a string that is no number). */
export function getLinkNumber(record: IocRecord, field: string): number | undefined {
  const value = getLink(record, field);
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "string") return value.trim() === "" ? 0 : Number(value);
  const first = value.length > 0 ? value[0]! : 0;
  return typeof first === "number" ? first : Number(first);
}

/** dbPutLink: writes through the link and processes the target as the options say. */
export function putLink(record: IocRecord, field: string, value: FieldValue): void {
  const link = linkOf(record, field);
  if (link?.kind === "hardware" && link.channel?.write) {
    // The pass completes when the device has done it (finish() waits for this).
    record.deviceWrite = link.channel.write(value);
    return;
  }
  if (link?.kind !== "pv") return;
  const target = link.target;
  if (!target) {
    if (link.remote?.connected) link.remote.put(value);
    else unconnected(record, link);
    return;
  }
  try {
    putField(target, link.field, value, { process: false });
  } catch (error) {
    record.raiseAlarm(STAT.LINK, SEVR.INVALID, (error as Error).message);
    return;
  }
  inherit(target, link.severity, record.num("NSTA"), record.num("NSEV"));
  const proc = link.field === "PROC";
  if (proc || (link.process === "PP" && target.scanPassive)) {
    if (target.pact) target.rpro = true;
    else record.host.process(target);
  }
}

/** dbScanFwdLink: processes a passive target of a forward link (FLNK, fanout's LNKn). */
export function forwardLink(record: IocRecord, field: string): void {
  const link = linkOf(record, field);
  if (link?.kind !== "pv") return;
  const target = link.target;
  if (!target) {
    // A forward link to another IOC writes its PROC field (dbCa's forward link).
    if (link.remote?.connected) link.remote.put(1);
    return;
  }
  if (link.field === "PROC" || target.scanPassive) {
    if (target.pact) target.rpro = true;
    else record.host.process(target);
  }
}

/** The constant an input link holds, for a support's init (recGblInitConstantLink). */
export function constantOf(record: IocRecord, field: string): Link["text"] | number | undefined {
  const link = linkOf(record, field);
  if (link?.kind !== "constant" || link.value === undefined) return undefined;
  const value = link.value;
  if (Array.isArray(value)) return value[0];
  return value as number | string;
}
