/**
 * Conversions between the DBR value types, done the way EPICS base does them for an IOC
 * (dbConvert.c, cvtFast.c, epicsStdlib.c, epicsConvert.c), so a server answering a client
 * that asks for another type gives what RSRV would:
 *
 * - number to number: a C cast on x86-64. Floating values truncate toward zero; outside
 *   the int32 range (and NaN) they become INT_MIN before narrowing; integers narrow modulo
 *   2^n (LONG 70000 read as SHORT is 4464). DOUBLE to FLOAT clamps to ±FLT_MAX and
 *   ±FLT_MIN (epicsConvertDoubleToFloat); infinities and NaN pass.
 * - DOUBLE/FLOAT to STRING: cvtDoubleToString/cvtFloatToString with the PREC of the
 *   context: their own fixed point up to 1e7 (rounding half up), "%.*f" with at most 3
 *   digits beyond, "%*.*e" past 1e16 (1e8 for FLOAT) or for a PREC over 8. Without a
 *   precision, the shortest text that reads back to the same number.
 * - ENUM to STRING: its state string (the index in decimal when it has none).
 * - STRING to a number: strtol/strtod on a prefix after white space, trailing text ignored;
 *   no number at all, or one out of the target's range, is a CaConversionError. "" is an
 *   error too, except with `emptyStringAsZero` (reading a string channel as a number).
 * - STRING to ENUM: an exact state string, else a decimal index below the number of states.
 */
import { CaConversionError, LocalProtocolError } from "./errors.js";
import { DBR, type DbrValue, type DbrValueInput, type DbrValueType } from "./dbr-types.js";

/** What conversions need besides the value. */
export interface ConversionContext {
  /** Digits after the point when a FLOAT or DOUBLE becomes a string (the record's PREC). */
  precision?: number;
  /** The states of an enum, for ENUM ↔ STRING. Without them any u16 index is accepted. */
  enumStrings?: readonly string[];
  /**
   * An enum index as text when it differs from `enumStrings[index]` (or the digits beyond
   * them): a record's get_enum_str, which names states past the listed ones ("" or
   * "Illegal Value" for an mbbo).
   */
  enumText?: (index: number) => string;
  /** Read "" as 0 when converting STRING to a number (dbGet does; dbPut does not). */
  emptyStringAsZero?: boolean;
}

const TYPE_NAMES = [
  "DBR_STRING",
  "DBR_SHORT",
  "DBR_FLOAT",
  "DBR_ENUM",
  "DBR_CHAR",
  "DBR_LONG",
  "DBR_DOUBLE",
];

/** The value type a DbrValue holds, from its array class. */
export function valueTypeOf(value: DbrValue): DbrValueType {
  if (Array.isArray(value)) return DBR.STRING;
  if (value instanceof Float64Array) return DBR.DOUBLE;
  if (value instanceof Int32Array) return DBR.LONG;
  if (value instanceof Int16Array) return DBR.SHORT;
  if (value instanceof Float32Array) return DBR.FLOAT;
  if (value instanceof Uint16Array) return DBR.ENUM;
  return DBR.CHAR;
}

/** Converts `value` to the value type `to` (the same array when it already is that type). */
export function convertValue(
  value: DbrValue,
  to: DbrValueType,
  context: ConversionContext = {},
): DbrValue {
  const from = valueTypeOf(value);
  if (from === to) return value;
  if (Array.isArray(value)) return parseStrings(value, to, context);
  if (to === DBR.STRING) return formatNumbers(value, from, context);
  const out = newNumericArray(to, value.length);
  for (let i = 0; i < value.length; i++) out[i] = castNumber(value[i]!, to);
  return out;
}

/**
 * Turns any accepted input into a DbrValue of type `to`: strings count as STRING, plain
 * numbers as DOUBLE, typed arrays as their own type (other typed arrays as DOUBLE).
 */
export function toDbrValue(
  input: DbrValueInput,
  to: DbrValueType,
  context: ConversionContext = {},
): DbrValue {
  if (typeof input === "string") return convertValue([input], to, context);
  if (typeof input === "number") return convertValue(Float64Array.of(input), to, context);
  if (Array.isArray(input)) {
    if (input.every((x) => typeof x === "string"))
      return convertValue(input as string[], to, context);
    if (input.every((x) => typeof x === "number")) {
      return convertValue(Float64Array.from(input as number[]), to, context);
    }
    throw new LocalProtocolError("a DBR value array mixes strings and numbers");
  }
  if (
    input instanceof Float64Array ||
    input instanceof Int32Array ||
    input instanceof Int16Array ||
    input instanceof Float32Array ||
    input instanceof Uint16Array ||
    input instanceof Uint8Array
  ) {
    return convertValue(input, to, context);
  }
  return convertValue(Float64Array.from(input as ArrayLike<number>), to, context);
}

/** A numeric value cast to a numeric value type as C does on x86-64 (see the module notes). */
export function castNumber(x: number, to: DbrValueType): number {
  switch (to) {
    case DBR.DOUBLE:
      return x;
    case DBR.FLOAT:
      return doubleToFloat(x);
    case DBR.LONG:
      return toInt32C(x);
    case DBR.SHORT:
      return (toInt32C(x) << 16) >> 16;
    case DBR.ENUM:
      return toInt32C(x) & 0xffff;
    case DBR.CHAR:
      return toInt32C(x) & 0xff;
    default:
      throw new LocalProtocolError(`cannot cast a number to ${TYPE_NAMES[to]}`);
  }
}

/** cvttsd2si: truncation, or INT_MIN for NaN and values outside int32. */
function toInt32C(x: number): number {
  return x > -2147483649 && x < 2147483648 ? Math.trunc(x) | 0 : -2147483648;
}

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;

/** epicsConvertDoubleToFloat. */
function doubleToFloat(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return Math.fround(x);
  const abs = Math.abs(x);
  if (abs >= FLT_MAX) return x > 0 ? FLT_MAX : -FLT_MAX;
  if (abs <= FLT_MIN) return x > 0 ? FLT_MIN : -FLT_MIN;
  return Math.fround(x);
}

type NumericArray = Exclude<DbrValue, string[]>;

/** A zeroed array of a numeric value type. */
export function newNumericArray(type: DbrValueType, length: number): NumericArray {
  switch (type) {
    case DBR.SHORT:
      return new Int16Array(length);
    case DBR.FLOAT:
      return new Float32Array(length);
    case DBR.ENUM:
      return new Uint16Array(length);
    case DBR.CHAR:
      return new Uint8Array(length);
    case DBR.LONG:
      return new Int32Array(length);
    default:
      return new Float64Array(length);
  }
}

function formatNumbers(
  value: NumericArray,
  from: DbrValueType,
  context: ConversionContext,
): string[] {
  const out = new Array<string>(value.length);
  const { precision, enumStrings, enumText } = context;
  for (let i = 0; i < value.length; i++) {
    const x = value[i]!;
    if (from === DBR.DOUBLE) {
      out[i] = precision === undefined ? String(x) : formatDouble(x, precision);
    } else if (from === DBR.FLOAT) {
      out[i] = precision === undefined ? shortestFloat(x) : formatFloat(x, precision);
    } else if (from === DBR.ENUM) {
      out[i] = enumText ? enumText(x) : (enumStrings?.[x] ?? String(x));
    } else {
      out[i] = String(x);
    }
  }
  return out;
}

const FRACTION_MULTIPLIER = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

/** cvtDoubleToString: what an IOC sends for a DOUBLE read as DBR_STRING. */
export function formatDouble(x: number, precision: number): string {
  const p = precision & 0xffff;
  if (Number.isNaN(x) || p > 8 || x > 1e7 || x < -1e7) {
    if (p > 8 || x > 1e16 || x < -1e16) {
      const digits = Math.min(p, 17);
      return formatExponential(x, digits).padStart(digits + 7);
    }
    return formatFixed(x, Math.min(p, 3));
  }
  return formatFast(x, p, (y) => y);
}

/** cvtFloatToString: what an IOC sends for a FLOAT read as DBR_STRING (float arithmetic). */
export function formatFloat(x: number, precision: number): string {
  const p = precision & 0xffff;
  if (Number.isNaN(x) || p > 8 || x > 1e7 || x < -1e7) {
    if (p > 8 || x >= 1e8 || x <= -1e8) {
      const digits = Math.min(p, 12);
      return formatExponential(x, digits).padStart(digits + 6);
    }
    return formatFixed(x, Math.min(p, 3));
  }
  return formatFast(x, p, Math.fround);
}

/** cvtFast's own fixed-point path: round half up on one extra truncated digit. */
function formatFast(x: number, p: number, arithmetic: (y: number) => number): string {
  let sign = "";
  if (x < 0) {
    sign = "-";
    x = -x;
  }
  let whole = Math.trunc(x);
  const rest = arithmetic(x - whole);
  const multiplier = FRACTION_MULTIPLIER[p]!;
  let fraction = Math.trunc(arithmetic(arithmetic(rest * multiplier) * 10));
  fraction = Math.trunc((fraction + 5) / 10);
  if (Math.trunc(fraction / multiplier) >= 1) {
    whole++;
    fraction -= multiplier;
  }
  const fractionText = p > 0 ? `.${String(fraction).padStart(p, "0")}` : "";
  return `${sign}${whole}${fractionText}`;
}

/** printf's "%.*e": at least two exponent digits; inf and nan in lower case. */
function formatExponential(x: number, digits: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const text = x.toExponential(digits).replace(/e([+-])(\d)$/, "e$10$2");
  return Object.is(x, -0) ? `-${text}` : text;
}

/** printf's "%.*f" for |x| below 1e17. */
function formatFixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : nonFinite(x);
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

/** The shortest decimal text that reads back to the same float32. */
function shortestFloat(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return String(candidate);
  }
  return String(x);
}

function parseStrings(value: string[], to: DbrValueType, context: ConversionContext): NumericArray {
  const out = newNumericArray(to, value.length);
  for (let i = 0; i < value.length; i++) out[i] = parseString(value[i]!, to, context);
  return out;
}

function parseString(text: string, to: DbrValueType, context: ConversionContext): number {
  if (context.emptyStringAsZero && text === "") return 0;
  const target = TYPE_NAMES[to]!;
  switch (to) {
    case DBR.ENUM:
      return parseEnum(text, context.enumStrings);
    case DBR.SHORT:
      return parseSigned(text, -0x8000, 0x7fff, target);
    case DBR.LONG:
      return parseSigned(text, -0x80000000, 0x7fffffff, target);
    case DBR.CHAR:
      return parseUnsigned(text, 0xff, target);
    case DBR.FLOAT: {
      const x = parseDouble(text, target);
      const abs = Math.abs(x);
      if (x > 0 && abs <= FLT_MIN) throw new CaConversionError("underflow", text, target);
      if (Number.isFinite(x) && abs >= FLT_MAX)
        throw new CaConversionError("overflow", text, target);
      return Math.fround(x);
    }
    default:
      return parseDouble(text, target);
  }
}

/** A state string, else epicsParseUInt16 of an index below the number of states (putStringEnum). */
function parseEnum(text: string, states: readonly string[] | undefined): number {
  if (states) {
    const index = states.indexOf(text);
    if (index >= 0) return index;
  }
  let index: number;
  try {
    index = parseUnsigned(text, 0xffff, "DBR_ENUM");
  } catch {
    throw new CaConversionError("bad_choice", text, "DBR_ENUM");
  }
  if (states && index >= states.length) throw new CaConversionError("bad_choice", text, "DBR_ENUM");
  return index;
}

const INTEGER_PREFIX = /^[ \t\n\v\f\r]*([+-]?\d+)/;
/** LONG_MAX of the LP64 strtol: beyond it strtol reports ERANGE. */
const LONG_LIMIT = 2 ** 63;

function parseLong(text: string, target: string): number {
  const match = INTEGER_PREFIX.exec(text);
  if (!match) throw new CaConversionError("unparsable", text, target);
  const x = Number(match[1]);
  if (Math.abs(x) >= LONG_LIMIT) throw new CaConversionError("overflow", text, target);
  return x;
}

/** epicsParseInt16/Int32: strtol, then a range check. */
function parseSigned(text: string, min: number, max: number, target: string): number {
  const x = parseLong(text, target);
  if (x < min || x > max) throw new CaConversionError("overflow", text, target);
  return x;
}

/**
 * epicsParseUInt8/UInt16: strtoul, which wraps negative input, so "-1" is the largest value;
 * anything outside ±max overflows.
 */
function parseUnsigned(text: string, max: number, target: string): number {
  const x = parseLong(text, target);
  if (x > max || x < -max) throw new CaConversionError("overflow", text, target);
  return x & max;
}

const FLOAT_PREFIX = new RegExp(
  "^[ \\t\\n\\v\\f\\r]*([+-]?)(?:" +
    "(inf(?:inity)?)|" +
    "(nan(?:\\([0-9a-z_]*\\))?)|" +
    "0x((?:[0-9a-f]+\\.?[0-9a-f]*|\\.[0-9a-f]+))(?:p([+-]?\\d+))?|" +
    "((?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?)" +
    ")",
  "i",
);

const DBL_MIN = 2.2250738585072014e-308;

/** strtod on a prefix (decimal, hex, inf, nan), with epicsParseDouble's range errors. */
function parseDouble(text: string, target: string): number {
  const match = FLOAT_PREFIX.exec(text);
  if (!match) throw new CaConversionError("unparsable", text, target);
  const negative = match[1] === "-";
  const [, , inf, nan, hex, hexExponent, decimal] = match;
  if (inf !== undefined) return negative ? -Infinity : Infinity;
  if (nan !== undefined) return NaN;
  let magnitude: number;
  let nonZeroDigits: boolean;
  if (hex !== undefined) {
    const [whole = "", fraction = ""] = hex.split(".");
    const digits = whole + fraction;
    magnitude = digits === "" ? 0 : parseInt(digits, 16) / 16 ** fraction.length;
    magnitude *= 2 ** Number(hexExponent ?? 0);
    nonZeroDigits = /[1-9a-f]/i.test(digits);
  } else {
    magnitude = Number(decimal);
    nonZeroDigits = /[1-9]/.test((decimal ?? "").split(/e/i)[0]!);
  }
  if (!Number.isFinite(magnitude)) throw new CaConversionError("overflow", text, target);
  if (nonZeroDigits && magnitude < DBL_MIN) throw new CaConversionError("underflow", text, target);
  return negative ? -magnitude : magnitude;
}
