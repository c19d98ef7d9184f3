// How EPICS turns doubles into 32-bit integers on the x86-64 builds it is checked against.

const INT32_MIN = -2147483648;
const TWO_TO_63 = 2 ** 63;

/** C's `(int)x`: truncation; NaN and anything out of range become INT32_MIN. */
export function truncateToInt32(x: number): number {
  const t = Math.trunc(x);
  return t >= INT32_MIN && t <= 2147483647 ? t : INT32_MIN;
}

/**
 * The operand of a bitwise operator: negatives convert as `(int)x`, the rest through an
 * unsigned word, so 4294967295 is -1 and 1e10 wraps; NaN, +Inf and >= 2^63 give 0.
 */
export function bitwiseOperand(x: number): number {
  if (x < 0) return truncateToInt32(x);
  if (!(x < TWO_TO_63)) return 0;
  return x | 0;
}
