import { truncateToInt32 } from "./integers.js";
import type { CalcFunction } from "./tokens.js";

/** C's pow(): one to any power and anything to the zeroth are 1, even with NaN or Inf. */
export function power(base: number, exponent: number): number {
  if (base === 1 || exponent === 0) return 1;
  if (base === -1 && (exponent === Infinity || exponent === -Infinity)) return 1;
  return Math.pow(base, exponent);
}

/** Nearest integer, halves away from zero, as a 32-bit int (out of range: INT32_MIN). */
function nearestInteger(x: number): number {
  return truncateToInt32(x >= 0 ? x + 0.5 : x - 0.5);
}

/** MAX and MIN give NaN as soon as any argument is NaN. */
function extremum(args: readonly number[], pick: (a: number, b: number) => number): number {
  return args.some(Number.isNaN) ? NaN : args.reduce((a, b) => pick(a, b));
}

type Fn = (args: readonly number[]) => number;
const one =
  (f: (x: number) => number): Fn =>
  (args) =>
    f(args[0]!);

export const FUNCTIONS: Record<CalcFunction, Fn> = {
  ABS: one(Math.abs),
  SQR: one(Math.sqrt),
  SQRT: one(Math.sqrt),
  EXP: one(Math.exp),
  LOG: one(Math.log10),
  LN: one(Math.log),
  LOGE: one(Math.log),
  SIN: one(Math.sin),
  COS: one(Math.cos),
  TAN: one(Math.tan),
  ASIN: one(Math.asin),
  ACOS: one(Math.acos),
  ATAN: one(Math.atan),
  SINH: one(Math.sinh),
  COSH: one(Math.cosh),
  TANH: one(Math.tanh),
  CEIL: one(Math.ceil),
  FLOOR: one(Math.floor),
  NINT: one(nearestInteger),
  // Like C's isinf() on glibc: -1 for -Inf.
  ISINF: one((x) => (x === Infinity ? 1 : x === -Infinity ? -1 : 0)),
  // EPICS's ATAN2(a, b) is atan2(b, a): the arguments are the other way round from C.
  ATAN2: ([a, b]) => Math.atan2(b!, a!),
  // JavaScript's % on doubles is C's fmod(): sign of the dividend, NaN for a zero divisor.
  FMOD: ([a, b]) => a! % b!,
  MIN: (args) => extremum(args, Math.min),
  MAX: (args) => extremum(args, Math.max),
  ISNAN: (args) => (args.some(Number.isNaN) ? 1 : 0),
  FINITE: (args) => (args.every(Number.isFinite) ? 1 : 0),
};
