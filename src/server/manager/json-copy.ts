import type { JsonValue } from "../json-value.js";

/**
 * `value` as JSON carries it (a plan's return value on its way to the history), or
 * undefined when there is nothing to carry or JSON cannot carry it (a cycle, a BigInt).
 */
export function jsonOrUndefined(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  } catch {
    return undefined;
  }
}
