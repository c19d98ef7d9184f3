/**
 * The comparisons of Wait and If, and the readback check of Set and Loop, as pure tests of
 * a value against what the command asks for.
 */
import type { Comparison } from "./commands.ts";
import { parseJavaDouble, type ScanValue } from "./java-text.ts";

/**
 * Whether `value` satisfies `comparison` with `desired`. INCREASE_BY and DECREASE_BY count
 * from `initial`, the value when the wait began. IN and NOT_IN take a list text such as
 * `1, 2, 3` or `[1, 2, 3]`.
 */
export function compare(
  value: unknown,
  comparison: Comparison,
  desired: ScanValue,
  tolerance: number,
  initial?: unknown,
): boolean {
  if (comparison === "IN" || comparison === "NOT_IN") {
    const found = listItems(desired).some((item) => equal(value, item, tolerance));
    return comparison === "IN" ? found : !found;
  }
  if (comparison === "EQUALS") return equal(value, desired, tolerance);
  if (comparison === "UNEQUAL") return !equal(value, desired, tolerance);
  const v = asNumber(value);
  const d = asNumber(desired);
  if (v === undefined || d === undefined) return false;
  switch (comparison) {
    case "ABOVE":
      return v > d;
    case "AT_LEAST":
      return v >= d;
    case "BELOW":
      return v < d;
    case "AT_MOST":
      return v <= d;
    case "INCREASE_BY": {
      const start = asNumber(initial) ?? v;
      return v >= start + d - tolerance;
    }
    case "DECREASE_BY": {
      const start = asNumber(initial) ?? v;
      return v <= start - d + tolerance;
    }
  }
}

/** Equal within `tolerance` for numbers, exactly equal as text otherwise. */
export function equal(value: unknown, desired: ScanValue, tolerance: number): boolean {
  const v = asNumber(value);
  const d = asNumber(desired);
  if (v !== undefined && d !== undefined) return Math.abs(v - d) <= tolerance;
  return String(value) === String(desired);
}

/** A number from a device value or a command value; booleans count as 0 and 1. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") return parseJavaDouble(value);
  return undefined;
}

function listItems(desired: ScanValue): ScanValue[] {
  const text = String(desired)
    .trim()
    .replace(/^\[(.*)\]$/s, "$1");
  if (text === "") return [];
  return text.split(",").map((item) => {
    const trimmed = item.trim().replace(/^"(.*)"$/s, "$1");
    return parseJavaDouble(trimmed) ?? trimmed;
  });
}
