import { EPICS_EPOCH_UNIX_SECONDS, MAX_STRING_SIZE } from "./constants.js";

/** DBR type codes (db_access.h). INT is SHORT under its other name. */
export const DBR = {
  STRING: 0,
  SHORT: 1,
  INT: 1,
  FLOAT: 2,
  ENUM: 3,
  CHAR: 4,
  LONG: 5,
  DOUBLE: 6,
  STS_STRING: 7,
  STS_SHORT: 8,
  STS_INT: 8,
  STS_FLOAT: 9,
  STS_ENUM: 10,
  STS_CHAR: 11,
  STS_LONG: 12,
  STS_DOUBLE: 13,
  TIME_STRING: 14,
  TIME_SHORT: 15,
  TIME_INT: 15,
  TIME_FLOAT: 16,
  TIME_ENUM: 17,
  TIME_CHAR: 18,
  TIME_LONG: 19,
  TIME_DOUBLE: 20,
  GR_STRING: 21,
  GR_SHORT: 22,
  GR_INT: 22,
  GR_FLOAT: 23,
  GR_ENUM: 24,
  GR_CHAR: 25,
  GR_LONG: 26,
  GR_DOUBLE: 27,
  CTRL_STRING: 28,
  CTRL_SHORT: 29,
  CTRL_INT: 29,
  CTRL_FLOAT: 30,
  CTRL_ENUM: 31,
  CTRL_CHAR: 32,
  CTRL_LONG: 33,
  CTRL_DOUBLE: 34,
  PUT_ACKT: 35,
  PUT_ACKS: 36,
  STSACK_STRING: 37,
  CLASS_NAME: 38,
} as const;

/** A DBR type code, 0–38. */
export type DbrType = (typeof DBR)[keyof typeof DBR];

/**
 * The element type of a DBR's value, which is also the native (DBF) type of a channel as
 * CREATE_CHAN reports it: STRING 0, SHORT 1, FLOAT 2, ENUM 3, CHAR 4, LONG 5, DOUBLE 6.
 */
export type DbrValueType = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * The family of a DBR type: the metadata in front of the value. put_ack is
 * PUT_ACKT/PUT_ACKS (a bare u16), stsack is STSACK_STRING, class_name is CLASS_NAME.
 */
export type DbrForm =
  "plain" | "sts" | "time" | "gr" | "ctrl" | "put_ack" | "stsack" | "class_name";

/** Bytes per element of each value type: 40, 2, 4, 2, 1, 4, 8. */
export const DBR_ELEMENT_SIZE: readonly number[] = [MAX_STRING_SIZE, 2, 4, 2, 1, 4, 8];

const MAIN_FORMS = ["plain", "sts", "time", "gr", "ctrl"] as const;

/** Offset of the value in each form, by value type (verified against libca's dbr_value_offset). */
const VALUE_OFFSETS: Readonly<Record<(typeof MAIN_FORMS)[number], readonly number[]>> = {
  plain: [0, 0, 0, 0, 0, 0, 0],
  sts: [4, 4, 4, 4, 5, 4, 8],
  time: [12, 14, 12, 14, 15, 12, 16],
  gr: [4, 24, 40, 422, 19, 36, 64],
  ctrl: [4, 28, 48, 422, 21, 44, 80],
};

/** Everything the codec needs to know about one DBR type. */
export interface DbrLayout {
  readonly type: DbrType;
  /** "DBR_TIME_DOUBLE". */
  readonly name: string;
  readonly form: DbrForm;
  readonly valueType: DbrValueType;
  /** Where the value starts in the payload. */
  readonly valueOffset: number;
  readonly elementSize: number;
}

const VALUE_TYPE_NAMES = ["STRING", "SHORT", "FLOAT", "ENUM", "CHAR", "LONG", "DOUBLE"];

const layouts: DbrLayout[] = [];
for (const [formIndex, form] of MAIN_FORMS.entries()) {
  for (let valueType = 0; valueType < 7; valueType++) {
    const prefix = form === "plain" ? "" : `${form.toUpperCase()}_`;
    layouts.push({
      type: (formIndex * 7 + valueType) as DbrType,
      name: `DBR_${prefix}${VALUE_TYPE_NAMES[valueType]}`,
      form,
      valueType: valueType as DbrValueType,
      valueOffset: VALUE_OFFSETS[form][valueType]!,
      elementSize: DBR_ELEMENT_SIZE[valueType]!,
    });
  }
}
layouts.push(
  special(DBR.PUT_ACKT, "DBR_PUT_ACKT", "put_ack", 3, 0),
  special(DBR.PUT_ACKS, "DBR_PUT_ACKS", "put_ack", 3, 0),
  special(DBR.STSACK_STRING, "DBR_STSACK_STRING", "stsack", 0, 8),
  special(DBR.CLASS_NAME, "DBR_CLASS_NAME", "class_name", 0, 0),
);

function special(
  type: DbrType,
  name: string,
  form: DbrForm,
  valueType: DbrValueType,
  valueOffset: number,
): DbrLayout {
  return { type, name, form, valueType, valueOffset, elementSize: DBR_ELEMENT_SIZE[valueType]! };
}

/** True for the codes 0–38. */
export function isDbrType(type: number): type is DbrType {
  return Number.isInteger(type) && type >= 0 && type < layouts.length;
}

/** The layout of a DBR type, or undefined for a code that is none. */
export function dbrLayout(type: number): DbrLayout | undefined {
  return isDbrType(type) ? layouts[type] : undefined;
}

/** "DBR_CTRL_ENUM" for 31. */
export function dbrTypeName(type: number): string {
  return dbrLayout(type)?.name ?? `DBR type ${type}`;
}

/** The DBR type of a form and value type: `dbrTypeOf("time", DBR.DOUBLE)` is DBR_TIME_DOUBLE. */
export function dbrTypeOf(
  form: "plain" | "sts" | "time" | "gr" | "ctrl",
  valueType: DbrValueType,
): DbrType {
  return (MAIN_FORMS.indexOf(form) * 7 + valueType) as DbrType;
}

/**
 * Payload bytes of `count` elements of `type` before padding, as libca's dbr_size_n: a count
 * of 0 still takes one element's room (RSRV sends that much with count 0).
 */
export function dbrPayloadSize(layout: DbrLayout, count: number): number {
  return layout.valueOffset + Math.max(count, 1) * layout.elementSize;
}

/** An EPICS time stamp: seconds since 1990-01-01 UTC and nanoseconds (below 1e9). */
export interface EpicsTimestamp {
  secondsSinceEpoch: number;
  nanoseconds: number;
}

/** POSIX seconds (fractional) of an EPICS time stamp. */
export function epicsTimestampToUnix(stamp: EpicsTimestamp): number {
  return stamp.secondsSinceEpoch + EPICS_EPOCH_UNIX_SECONDS + stamp.nanoseconds / 1e9;
}

/** The EPICS time stamp of POSIX seconds (fractional), to the nearest nanosecond. */
export function epicsTimestampFromUnix(unixSeconds: number): EpicsTimestamp {
  let seconds = Math.floor(unixSeconds);
  let nanoseconds = Math.round((unixSeconds - seconds) * 1e9);
  if (nanoseconds >= 1e9) {
    seconds += 1;
    nanoseconds -= 1e9;
  }
  return { secondsSinceEpoch: seconds - EPICS_EPOCH_UNIX_SECONDS, nanoseconds };
}

/** Alarm status codes (alarm.h / menuAlarmStat). */
export const CaAlarmStatus = {
  NO_ALARM: 0,
  READ: 1,
  WRITE: 2,
  HIHI: 3,
  HIGH: 4,
  LOLO: 5,
  LOW: 6,
  STATE: 7,
  COS: 8,
  COMM: 9,
  TIMEOUT: 10,
  HWLIMIT: 11,
  CALC: 12,
  SCAN: 13,
  LINK: 14,
  SOFT: 15,
  BAD_SUB: 16,
  UDF: 17,
  DISABLE: 18,
  SIMM: 19,
  READ_ACCESS: 20,
  WRITE_ACCESS: 21,
} as const;

/** Alarm severities (menuAlarmSevr). */
export const CaAlarmSeverity = { NO_ALARM: 0, MINOR: 1, MAJOR: 2, INVALID: 3 } as const;

/**
 * A decoded DBR value: always an array (a scalar is one element). STRING and the string
 * types give `string[]`, SHORT Int16Array, FLOAT Float32Array, ENUM (and PUT_ACKT/ACKS)
 * Uint16Array, CHAR Uint8Array, LONG Int32Array, DOUBLE Float64Array.
 */
export type DbrValue =
  string[] | Int16Array | Float32Array | Uint16Array | Uint8Array | Int32Array | Float64Array;

/**
 * What encoders accept as a value: a DbrValue, or a number, a string, an array of either,
 * any numeric typed array. It is converted to the DBR's value type the way an IOC would.
 */
export type DbrValueInput = DbrValue | number | string | readonly string[] | ArrayLike<number>;
