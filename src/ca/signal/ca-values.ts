// A CA channel's values as a signal's datatype holds them, and back: which native DBR types
// fit which datatype, checked at connect so a mismatch names the PV before any read.
import type { Datatype } from "../../core/index.js";
import { DBR, type DbrData, type DbrValueType } from "../codec/index.js";

const NUMERIC: ReadonlySet<DbrValueType> = new Set([
  DBR.DOUBLE,
  DBR.FLOAT,
  DBR.LONG,
  DBR.SHORT,
  DBR.CHAR,
]);
const INTEGER: ReadonlySet<DbrValueType> = new Set([DBR.LONG, DBR.SHORT, DBR.CHAR]);

/** Why a channel of this native type and count cannot back the datatype; undefined if it can. */
export function mismatch<T>(
  datatype: Datatype<T>,
  native: DbrValueType,
  count: number,
  enumStrings: readonly string[] | undefined,
): string | undefined {
  const is = (ok: boolean): string | undefined => (ok ? undefined : "does not fit");
  if (datatype.dtype === "array") {
    if (count < 1) return "is no array";
    return datatype.dtypeNumpy === "<i4" ? is(INTEGER.has(native)) : is(NUMERIC.has(native));
  }
  if (datatype.choices) {
    if (native !== DBR.ENUM) return is(false);
    const missing = datatype.choices.filter((choice) => !enumStrings?.includes(choice));
    return missing.length > 0
      ? `has no state ${missing.map((m) => `"${m}"`).join(", ")}`
      : undefined;
  }
  switch (datatype.dtype) {
    case "string":
      return is(native === DBR.STRING || native === DBR.ENUM);
    case "integer":
      return is(INTEGER.has(native) || native === DBR.ENUM);
    case "boolean":
      return is(INTEGER.has(native) || native === DBR.ENUM);
    default:
      return is(NUMERIC.has(native) || native === DBR.ENUM);
  }
}

/** A received DBR's value as the datatype's value. */
export function valueOf<T>(
  datatype: Datatype<T>,
  data: DbrData,
  enumStrings: readonly string[],
): T {
  const raw = data.value;
  if (datatype.dtype === "array") {
    const numbers = Array.isArray(raw) ? raw.map(Number) : raw;
    const typed =
      datatype.dtypeNumpy === "<i4" ? Int32Array.from(numbers) : Float64Array.from(numbers);
    return typed as T;
  }
  const first = raw.length > 0 ? raw[0]! : 0;
  if (datatype.choices || (datatype.dtype === "string" && typeof first === "number")) {
    return (typeof first === "number" ? (enumStrings[first] ?? String(first)) : first) as T;
  }
  switch (datatype.dtype) {
    case "string":
      return String(first) as T;
    case "boolean":
      return (Number(first) !== 0) as T;
    default:
      return Number(first) as T;
  }
}

/** A datatype's value as CA sends it (an enum by its state's name, a boolean as 0 or 1). */
export function wireValueOf<T>(value: T): number | string | ArrayLike<number> {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as number | string | ArrayLike<number>;
}
