// Which field values softIoc takes for each kind of field (tried against EPICS base 7):
// numbers as C's strtol/strtod read them, with spaces around allowed and nothing else after.
// Integers of 32 bits or less are not range-checked (softIoc stores them truncated), 64-bit
// ones are; a double out of range is refused.

const integer = /^\s*[+-]?(0[xX][0-9a-fA-F]+|\d+)\s*$/;
const decimalFloat = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const hexFloat = /^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?$/;
const special = /^[+-]?(inf|infinity|nan)$/i;

export function isInteger(text: string): boolean {
  return integer.test(text);
}

function bigIntOf(text: string): bigint {
  const t = text.trim();
  const negative = t.startsWith("-");
  const digits = t.replace(/^[+-]/, "");
  const magnitude = BigInt(digits);
  return negative ? -magnitude : magnitude;
}

/** Why the text is no valid 64-bit integer of this signedness; undefined when it is one. */
export function int64Problem(text: string, signed: boolean): string | undefined {
  if (!integer.test(text)) return "is not an integer";
  const value = bigIntOf(text);
  const [min, max] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [-(2n ** 64n - 1n), 2n ** 64n - 1n];
  return value < min || value > max ? "is out of the range of a 64-bit integer" : undefined;
}

export function doubleProblem(text: string): string | undefined {
  const t = text.trim();
  if (special.test(t)) return undefined;
  if (decimalFloat.test(t)) {
    return Number.isFinite(Number(t)) ? undefined : "is out of the range of a double";
  }
  return hexFloat.test(t) ? undefined : "is not a number";
}
