// waveform, aai and aao with Soft Channel device support: an array of FTVL elements, at most
// NELM, of which NORD are valid.
import { DBR, toDbrValue } from "../../../ca/index.js";
import { SEVR, STAT } from "../alarm-codes.js";
import { caTypeOfFtype, type FieldValue, type NumericArray } from "../field-types.js";
import { constantOf, getLink, isLiveLink, putLink } from "../link-io.js";
import { DBE_LOG, DBE_VALUE, type IocRecord } from "../record.js";
import type { RecordSupport } from "../support.js";
import { checkUndefined, finish } from "./common.js";
import { numericMetadata } from "./common.js";

function elementType(record: IocRecord): ReturnType<typeof caTypeOfFtype> {
  return caTypeOfFtype(record.num("FTVL"));
}

function capacity(record: IocRecord): number {
  return Math.max(record.num("NELM"), 1);
}

/** A link's or constant's value as this record's array: converted, at most NELM long. */
function asArray(
  record: IocRecord,
  value: FieldValue | readonly (number | string)[],
): NumericArray | string[] {
  const input = typeof value === "number" || typeof value === "string" ? [value] : value;
  const type = elementType(record);
  if (type === DBR.STRING) return Array.from(input, String).slice(0, capacity(record));
  const texts = Array.from(input as ArrayLike<number | string>).some((x) => typeof x === "string");
  const numbers = texts ? Float64Array.from(input as ArrayLike<number | string>, Number) : input;
  const converted = toDbrValue(numbers as ArrayLike<number>, type);
  return (converted as NumericArray).slice(0, capacity(record));
}

function store(record: IocRecord, array: NumericArray | readonly string[]): void {
  record.set("VAL", array);
  if (record.num("NORD") !== array.length) {
    record.set("NORD", array.length);
    record.post("NORD", DBE_VALUE | DBE_LOG);
  }
  record.udf = false;
}

function sameArray(a: FieldValue, b: FieldValue): boolean {
  if (typeof a !== "object" || typeof b !== "object" || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** MPST/APST (Always first in these menus): post every pass, or when the array changed. */
function monitorArray(record: IocRecord): void {
  let mask = record.resetAlarms();
  const value = record.get("VAL");
  const changed = !sameArray(value, record.private as FieldValue);
  if (record.num("MPST") === 0 || changed) mask |= DBE_VALUE;
  if (record.num("APST") === 0 || changed) mask |= DBE_LOG;
  record.private = value;
  if (mask) record.post("VAL", mask);
}

function arraySupport(direction: "in" | "out"): RecordSupport {
  const link = direction === "in" ? "INP" : "DOL";
  return {
    init(record) {
      record.set("VAL", asArray(record, []));
      const constant = constantOf(record, link);
      const linkValue = record.links.get(link);
      if (linkValue?.kind === "constant" && linkValue.value !== undefined) {
        store(record, asArray(record, linkValue.value as readonly (number | string)[]));
      } else if (constant !== undefined) store(record, asArray(record, constant));
      record.private = record.get("VAL");
    },
    process(record) {
      if (isLiveLink(record, link) && (direction === "in" || record.num("OMSL") === 1)) {
        const value = getLink(record, link);
        if (value === undefined) {
          if (direction === "out") record.raiseAlarm(STAT.LINK, SEVR.INVALID);
        } else store(record, asArray(record, value));
      } else {
        record.udf = false;
      }
      if (direction === "out" && !checkUndefined(record)) putLink(record, "OUT", record.get("VAL"));
      else if (direction === "in") checkUndefined(record);
      record.stamp();
      monitorArray(record);
      finish(record);
    },
    afterPut(record, field, value) {
      if (field === "VAL" && typeof value === "object") store(record, value);
    },
    caType: (record, field) => (field === "VAL" ? elementType(record) : undefined),
    maxCount: (record, field) => (field === "VAL" ? capacity(record) : 1),
    metadata: (record, field) => numericMetadata(record, field),
  };
}

export const waveformSupport = arraySupport("in");
export const aaiSupport = arraySupport("in");
export const aaoSupport = arraySupport("out");
