/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  // One row of the dynamic-programming table at a time.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates a mistyped `name` probably meant: within edit distance 3, or one a prefix
 * of the other ("sim.temp" for "sim.temperature"), closest first. Short names allow fewer
 * edits (half their length), or "m3" would suggest "det".
 */
export function closeNames(name: string, candidates: Iterable<string>): string[] {
  const allowed = Math.min(3, Math.max(1, Math.floor(name.length / 2)));
  const scored: Array<[string, number]> = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const distance = levenshtein(name, candidate);
    const prefix = name !== "" && (candidate.startsWith(name) || name.startsWith(candidate));
    if (distance <= allowed || prefix) scored.push([candidate, distance]);
  }
  scored.sort(([a, da], [b, db]) => da - db || (a < b ? -1 : a > b ? 1 : 0));
  return scored.map(([candidate]) => candidate);
}

/** ` (did you mean "a" or "b"?)`, or `fallback` when no candidate is close. */
export function didYouMean(name: string, candidates: Iterable<string>, fallback = ""): string {
  const close = closeNames(name, candidates).map((c) => JSON.stringify(c));
  if (close.length === 0) return fallback;
  const list =
    close.length === 1 ? close[0]! : `${close.slice(0, -1).join(", ")} or ${close.at(-1)!}`;
  return ` (did you mean ${list}?)`;
}
