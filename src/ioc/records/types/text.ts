// stringin, stringout, lsi and lso with Soft Channel device support.
import { DBR } from "../../../ca/index.js";
import { SEVR, STAT } from "../alarm-codes.js";
import { constantOf, getLink, isLiveLink, putLink } from "../link-io.js";
import { DBE_LOG, DBE_VALUE, type IocRecord } from "../record.js";
import type { RecordSupport } from "../support.js";
import { finish, outputAllowed } from "./common.js";
import { formatField } from "../field-types.js";

function limitOf(record: IocRecord): number {
  return isLong(record) ? Math.max(record.num("SIZV"), 1) - 1 : 39;
}

function isLong(record: IocRecord): boolean {
  return record.type === "lsi" || record.type === "lso";
}

function store(record: IocRecord, value: string): void {
  const text = value.slice(0, limitOf(record));
  record.set("VAL", text);
  if (isLong(record)) record.update("LEN", text === "" ? 0 : Buffer.byteLength(text) + 1);
  record.udf = false;
}

/** MPST/APST: post always, or only when the value differs from OVAL. */
function monitorText(record: IocRecord): void {
  let mask = record.resetAlarms();
  const changed = record.text("VAL") !== record.text("OVAL");
  // Every POST menu of these types lists "On Change" first: "Always" is index 1.
  if (changed || record.num("MPST") === 1) mask |= DBE_VALUE;
  if (changed || record.num("APST") === 1) mask |= DBE_LOG;
  if (changed) record.set("OVAL", record.text("VAL"));
  if (mask) record.post("VAL", mask);
}

function textOf(value: ReturnType<typeof getLink>): string | undefined {
  return value === undefined ? undefined : formatField(value);
}

const textType: RecordSupport["caType"] = (_record, field) =>
  field === "VAL" || field === "OVAL" ? DBR.STRING : undefined;

/** A long string's value holds LEN characters (with the NUL); an empty one holds none. */
const currentCount: RecordSupport["currentCount"] = (record, field) =>
  isLong(record) && (field === "VAL" || field === "OVAL") && record.text(field) === ""
    ? 0
    : undefined;

/** A long string's buffers start empty (they are no fields a file could set). */
function initBuffers(record: IocRecord): void {
  if (!isLong(record)) return;
  if (typeof record.get("VAL") !== "string") record.set("VAL", "");
  if (typeof record.get("OVAL") !== "string") record.set("OVAL", "");
}

export function textInputSupport(): RecordSupport {
  return {
    init(record) {
      initBuffers(record);
      const constant = constantOf(record, "INP");
      if (constant !== undefined) store(record, String(constant));
    },
    process(record) {
      if (isLiveLink(record, "INP")) {
        const value = textOf(getLink(record, "INP"));
        if (value !== undefined) store(record, value);
      } else {
        record.udf = false;
      }
      record.stamp();
      if (record.udf) record.raiseAlarm(STAT.UDF, record.num("UDFS"));
      monitorText(record);
      finish(record);
    },
    caType: textType,
    currentCount,
  };
}

export function textOutputSupport(): RecordSupport {
  return {
    init(record) {
      initBuffers(record);
      const constant = constantOf(record, "DOL");
      if (constant !== undefined) store(record, String(constant));
    },
    process(record) {
      record.udf = false;
      if (isLiveLink(record, "DOL") && record.num("OMSL") === 1) {
        const value = textOf(getLink(record, "DOL"));
        if (value === undefined) record.raiseAlarm(STAT.LINK, SEVR.INVALID);
        else store(record, value);
      }
      if (record.udf) record.raiseAlarm(STAT.UDF, record.num("UDFS"));
      const write = outputAllowed(record, () => store(record, record.text("IVOV")));
      if (write) putLink(record, "OUT", record.text("VAL"));
      record.stamp();
      monitorText(record);
      finish(record);
    },
    caType: textType,
    currentCount,
  };
}

export const stringinSupport = textInputSupport();
export const stringoutSupport = textOutputSupport();
export const lsiSupport = textInputSupport();
export const lsoSupport = textOutputSupport();
