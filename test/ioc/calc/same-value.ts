/** Same value, NaN as NaN; transcendental results may differ from glibc's in the last bits. */
export function sameCalcValue(ours: number, theirs: number): boolean {
  if (Number.isNaN(ours) || Number.isNaN(theirs)) return Number.isNaN(ours) && Number.isNaN(theirs);
  if (ours === theirs) return true;
  return Math.abs(ours - theirs) <= 1e-15 * Math.max(Math.abs(ours), Math.abs(theirs), 1);
}
