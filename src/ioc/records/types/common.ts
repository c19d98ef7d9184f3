// What most record types do alike: alarm limits with hysteresis, deadband monitors, the
// metadata of numeric fields, and ending a pass.
import { DBR } from "../../../ca/index.js";
import { SEVR, STAT } from "../alarm-codes.js";
import { dbfOf, type FieldValue } from "../field-types.js";
import { forwardLink, getLinkNumber, isLiveLink } from "../link-io.js";
import { DBE_LOG, DBE_VALUE, type IocRecord } from "../record.js";
import type { FieldMetadata } from "../support.js";

/**
 * recGblFwdLink and PACT=FALSE: the forward link, then the put-notify bookkeeping. An output
 * whose device is still doing the write stays active until it has (asynchronous completion).
 */
export function finish(record: IocRecord): void {
  const write = record.deviceWrite;
  if (write) {
    record.deviceWrite = undefined;
    record.pact = true;
    write.then(
      (settled) => record.host.resume(record, () => completeWrite(record, settled)),
      (error: unknown) => record.host.resume(record, () => completeWrite(record, undefined, error)),
    );
    return;
  }
  forwardLink(record, "FLNK");
  record.pact = false;
  record.host.finished(record);
}

/** The device has done an output's write, or failed it (a COMM alarm, INVALID). */
function completeWrite(record: IocRecord, settled: FieldValue | undefined, error?: unknown): void {
  const valueField = record.kind.support.valueField ?? "VAL";
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error);
    record.raiseAlarm(STAT.COMM, SEVR.INVALID, message);
    const mask = record.resetAlarms();
    if (mask) record.post(valueField, mask);
  } else if (settled !== undefined) {
    record.update(valueField, settled);
  }
  finish(record);
}

/** An undefined value raises UDF with UDFS; true when it did (skip the other checks). */
export function checkUndefined(record: IocRecord): boolean {
  if (!record.udf) return false;
  record.raiseAlarm(STAT.UDF, record.num("UDFS"));
  return true;
}

/** HIHI, LOLO, HIGH, LOW in that order, each with its severity and HYST (aoRecord.c). */
export function checkLimitAlarms(record: IocRecord, value: number): void {
  const hyst = record.num("HYST");
  const lalm = record.num("LALM");
  const limits: readonly [string, string, number, 1 | -1][] = [
    ["HIHI", "HHSV", STAT.HIHI, 1],
    ["LOLO", "LLSV", STAT.LOLO, -1],
    ["HIGH", "HSV", STAT.HIGH, 1],
    ["LOW", "LSV", STAT.LOW, -1],
  ];
  for (const [limitField, severityField, status, sign] of limits) {
    const severity = record.num(severityField);
    if (!severity) continue;
    const limit = record.num(limitField);
    const beyond =
      sign > 0
        ? value >= limit || (lalm === limit && value >= limit - hyst)
        : value <= limit || (lalm === limit && value <= limit + hyst);
    if (beyond) {
      if (record.raiseAlarm(status, severity)) record.set("LALM", limit);
      return;
    }
  }
  record.set("LALM", value);
}

/** UDF, then the limit alarms on VAL. */
export function checkNumericAlarms(record: IocRecord, field = "VAL"): void {
  if (checkUndefined(record)) return;
  checkLimitAlarms(record, record.num(field));
}

/** recGblCheckDeadband: whether `value` moved more than `deadband` from `last`. */
export function beyondDeadband(value: number, last: number, deadband: number): boolean {
  let delta = 0;
  if (Number.isFinite(value) && Number.isFinite(last)) delta = Math.abs(last - value);
  else if (Number.isNaN(value) !== Number.isNaN(last)) delta = Infinity;
  else if (!Number.isNaN(value) && value !== last) delta = Infinity;
  return delta > deadband;
}

/** Resets alarms, applies MDEL/ADEL to the value field and posts it; returns the mask. */
export function monitorNumeric(record: IocRecord, field = "VAL"): number {
  let mask = record.resetAlarms();
  const value = record.num(field);
  if (beyondDeadband(value, record.num("MLST"), record.num("MDEL"))) {
    mask |= DBE_VALUE;
    record.set("MLST", value);
  }
  if (beyondDeadband(value, record.num("ALST"), record.num("ADEL"))) {
    mask |= DBE_LOG;
    record.set("ALST", value);
  }
  if (mask) record.post(field, mask);
  return mask;
}

/** Resets alarms and posts the value when it changed (the discrete records). */
export function monitorOnChange(record: IocRecord, field = "VAL"): void {
  let mask = record.resetAlarms();
  const value = record.num(field);
  if (record.num("MLST") !== value) {
    mask |= DBE_VALUE | DBE_LOG;
    record.set("MLST", value);
  }
  if (mask) record.post(field, mask);
}

/** Fields whose limits are the record's display range (HOPR/LOPR) as EPICS's records say. */
const VALUE_LIKE = new Set(["VAL", "HIHI", "HIGH", "LOW", "LOLO", "LALM", "ALST", "MLST"]);

export interface NumericMetadataOptions {
  /** The fields whose values are VAL's control limits (default HOPR/LOPR). */
  readonly control?: readonly [string, string];
  /** An alarm limit without a severity (default NaN for a floating value, else 0). */
  readonly unsetLimit?: number;
  /** A field's own precision, where the record type fixes one (calcout's ODLY). */
  readonly precisionOf?: (field: string) => number | undefined;
}

/** Whether a field holds a floating-point number (an array's elements by FTVL). */
function floating(record: IocRecord, field: string): boolean {
  const info = record.info(field);
  if (!info) return false;
  const dbf = dbfOf(info.spec);
  if (dbf === "DOUBLE" || dbf === "FLOAT") return true;
  const served = record.kind.support.caType?.(record, field);
  return dbf === "NOACCESS" && (served === DBR.DOUBLE || served === DBR.FLOAT);
}

/** EGU, PREC and the limits of a numeric record's fields (get_units, get_precision, ...). */
export function numericMetadata(
  record: IocRecord,
  field: string,
  options: NumericMetadataOptions = {},
): FieldMetadata {
  const served = record.kind.support.caType?.(record, field) ?? record.info(field)?.caType;
  const metadata: FieldMetadata = {};
  if (served !== undefined && served !== DBR.STRING && served !== DBR.ENUM) {
    metadata.units = record.text("EGU");
  }
  if (served === DBR.DOUBLE || served === DBR.FLOAT) {
    // recGblGetPrec: PREC for floating fields (0..15 but VAL's), 0 for integers served as doubles.
    const own = options.precisionOf?.(field);
    const prec = record.info("PREC") ? record.num("PREC") : 0;
    metadata.precision =
      own ??
      (floating(record, field) ? (field === "VAL" ? prec : Math.min(Math.max(prec, 0), 15)) : 0);
  }
  if (VALUE_LIKE.has(field)) {
    metadata.upperDisplayLimit = record.num("HOPR");
    metadata.lowerDisplayLimit = record.num("LOPR");
    const [controlHigh, controlLow] = options.control ?? ["HOPR", "LOPR"];
    metadata.upperControlLimit = record.num(controlHigh);
    metadata.lowerControlLimit = record.num(controlLow);
    if (field === "VAL") {
      const unset = options.unsetLimit ?? (floating(record, field) ? NaN : 0);
      const limit = (limitField: string, severityField: string): number =>
        record.num(severityField) ? record.num(limitField) : unset;
      metadata.upperAlarmLimit = limit("HIHI", "HHSV");
      metadata.upperWarningLimit = limit("HIGH", "HSV");
      metadata.lowerWarningLimit = limit("LOW", "LSV");
      metadata.lowerAlarmLimit = limit("LOLO", "LLSV");
    }
  }
  return metadata;
}

/** An INVALID output: what IVOA says to do. Returns whether to write the output. */
export function outputAllowed(record: IocRecord, setIvov: () => void): boolean {
  if (record.num("NSEV") < SEVR.INVALID) return true;
  switch (record.num("IVOA")) {
    case 0:
      return true;
    case 2:
      setIvov();
      return true;
    default:
      return false;
  }
}

/**
 * OOPT of longout and calcout (the same menu): whether this pass writes the output. What
 * "On Change" means is the record's: `changed` says it.
 */
export function outputWanted(
  option: number,
  value: number,
  previous: number,
  changed: boolean,
): boolean {
  switch (option) {
    case 1:
      return changed;
    case 2:
      return value === 0;
    case 3:
      return value !== 0;
    case 4:
      return previous !== 0 && value === 0;
    case 5:
      return previous === 0 && value !== 0;
    default:
      return true;
  }
}

/**
 * An output's closed-loop value: DOL read when OMSL is closed_loop and DOL names a PV
 * (the record is then defined); a failed read raises LINK INVALID. Undefined otherwise.
 */
export function fetchDesired(record: IocRecord): number | undefined {
  if (!isLiveLink(record, "DOL") || record.num("OMSL") !== 1) return undefined;
  const value = getLinkNumber(record, "DOL");
  if (value === undefined) record.raiseAlarm(STAT.LINK, SEVR.INVALID);
  else record.udf = false;
  return value;
}
