// ai and ao with Soft Channel device support (aiRecord.c, aoRecord.c, devAiSoft, devAoSoft).
import { constantOf, getLinkNumber, isLiveLink, putLink } from "../link-io.js";
import { DBE_LOG, DBE_VALUE, type IocRecord } from "../record.js";
import type { RecordSupport } from "../support.js";
import {
  fetchDesired,
  checkNumericAlarms,
  finish,
  monitorNumeric,
  numericMetadata,
  outputAllowed,
} from "./common.js";

/** Loads a constant input link into a field; true when there was one (recGblInitConstantLink). */
export function loadConstant(record: IocRecord, link: string, field = "VAL"): boolean {
  const constant = constantOf(record, link);
  if (constant === undefined) return false;
  record.set(field, typeof constant === "number" ? constant : Number(constant));
  return true;
}

export const aiSupport: RecordSupport = {
  init(record) {
    if (loadConstant(record, "INP")) record.udf = false;
  },
  process(record) {
    if (isLiveLink(record, "INP")) {
      const value = getLinkNumber(record, "INP");
      if (value !== undefined) {
        const smoo = record.num("SMOO");
        const previous = record.num("VAL");
        const smoothed = record.private === true && smoo !== 0 && Number.isFinite(previous);
        record.set("VAL", smoothed ? value * (1 - smoo) + previous * smoo : value);
        record.udf = Number.isNaN(value);
        record.private = true;
      } else {
        record.private = false;
      }
    } else {
      // A constant or empty INP: the value stands as it is, and is defined.
      record.udf = false;
    }
    record.stamp();
    checkNumericAlarms(record);
    monitorNumeric(record);
    finish(record);
  },
  metadata: (record, field) => numericMetadata(record, field),
};

/** DRVH/DRVL clamp (when DRVH > DRVL) of an output's value. */
export function clampToDrive(record: IocRecord, value: number): number {
  const high = record.num("DRVH");
  const low = record.num("DRVL");
  if (high > low) return Math.min(Math.max(value, low), high);
  return value;
}

export const aoSupport: RecordSupport = {
  init(record) {
    if (loadConstant(record, "DOL")) record.udf = false;
    record.set("OVAL", record.num("VAL"));
    record.set("PVAL", record.num("VAL"));
  },
  process(record) {
    let value = record.num("VAL");
    const fetched = fetchDesired(record);
    if (fetched !== undefined) value = record.num("OIF") === 1 ? fetched + value : fetched;
    value = clampToDrive(record, value);
    record.set("VAL", value);
    record.udf = Number.isNaN(value);
    record.set("PVAL", value);
    const previousOval = record.num("OVAL");
    record.set("OVAL", value);
    checkNumericAlarms(record);
    const write = outputAllowed(record, () => {
      record.set("VAL", record.num("IVOV"));
      record.set("OVAL", record.num("IVOV"));
    });
    if (write) putLink(record, "OUT", record.num("OVAL"));
    record.stamp();
    monitorNumeric(record);
    if (record.num("OVAL") !== previousOval) record.post("OVAL", DBE_VALUE | DBE_LOG);
    finish(record);
  },
  metadata: (record, field) => numericMetadata(record, field, { control: ["DRVH", "DRVL"] }),
};
