import { DatatypeError } from "./errors.js";
import type { Dtype } from "./reading.js";

/**
 * The runtime half of a signal's type: what event-model calls it, its shape and a check
 * that every written value fits (so an integer signal never holds 2.5).
 */
export interface Datatype<T> {
  /** How errors and docs name the type. */
  readonly name: string;
  readonly dtype: Dtype;
  readonly dtypeNumpy?: string;
  /** The value of a fresh soft signal. */
  readonly initial: T;
  readonly choices?: readonly string[];
  shape(value: T): number[];
  /** Returns `value` as a T, or throws a DatatypeError naming `signal`. */
  check(value: unknown, signal: string): T;
}

function scalar<T>(
  name: string,
  dtype: Dtype,
  dtypeNumpy: string | undefined,
  initial: T,
  fits: (value: unknown) => value is T,
): Datatype<T> {
  return {
    name,
    dtype,
    ...(dtypeNumpy === undefined ? {} : { dtypeNumpy }),
    initial,
    shape: () => [],
    check(value, signal) {
      if (!fits(value)) throw new DatatypeError(signal, name, value);
      return value;
    },
  };
}

type TypedArray = Float64Array | Int32Array;

function array<A extends TypedArray>(
  name: string,
  dtypeNumpy: string,
  make: { new (length: number): A; from(values: ArrayLike<number>): A },
  fitsElement: (value: number) => boolean,
): Datatype<A> {
  return {
    name,
    dtype: "array",
    dtypeNumpy,
    initial: new make(0),
    shape: (value) => [value.length],
    check(value, signal) {
      if (value instanceof make) return value;
      if (Array.isArray(value) && value.every((v) => typeof v === "number" && fitsElement(v))) {
        return make.from(value as number[]);
      }
      throw new DatatypeError(signal, name, value);
    },
  };
}

const isFloat = (v: unknown): v is number => typeof v === "number";
const isInteger = (v: unknown): v is number => Number.isSafeInteger(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";

/** The datatypes a signal can carry. */
export const datatype = {
  float: scalar<number>("a number", "number", "<f8", 0, isFloat),
  int: scalar<number>("an integer", "integer", "<i8", 0, isInteger),
  string: scalar<string>("a string", "string", undefined, "", isString),
  boolean: scalar<boolean>("a boolean", "boolean", "|b1", false, isBoolean),
  float64Array: array("an array of numbers", "<f8", Float64Array, () => true),
  int32Array: array("an array of 32-bit integers", "<i4", Int32Array, (v) => (v | 0) === v),
  /** A string restricted to `choices`, like an EPICS enum (mbbo, bo). */
  enumeration<const C extends string>(choices: readonly C[]): Datatype<C> {
    if (choices.length === 0) throw new RangeError("an enumeration needs at least one choice");
    const name = `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`;
    const fits = (v: unknown): v is C => typeof v === "string" && choices.includes(v as C);
    return { ...scalar<C>(name, "string", undefined, choices[0]!, fits), choices };
  },
} as const;
