// JSON as Python's json module writes and reads it by default: compact, with the bare
// tokens NaN, Infinity and -Infinity for non-finite floats (JSON.stringify writes null).

const nonFinite = new Map<string, number>([
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
]);
const MARK = "\u0000hil-json:";

function markNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return `${MARK}${value}`;
  return value;
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (typeof value !== "object" || value === null) return false;
  for (const key in value) {
    if (hasNonFinite((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** Python's non-finite tokens outside strings become marked strings JSON.parse reads. */
function markPythonTokens(text: string): string {
  let out = "";
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    for (const token of ["-Infinity", "Infinity", "NaN"]) {
      if (text.startsWith(token, i)) {
        out += `${text.slice(from, i)}"\\u0000hil-json:${token}"`;
        i += token.length - 1;
        from = i + 1;
        break;
      }
    }
  }
  return out + text.slice(from);
}

function unmark(_key: string, value: unknown): unknown {
  if (typeof value === "string" && value.startsWith(MARK)) {
    return nonFinite.get(value.slice(MARK.length)) ?? value;
  }
  return value;
}

/** `value` as JSON text with NaN and ±Infinity kept as Python writes them. */
export function toPythonJson(value: unknown): string {
  return hasNonFinite(value)
    ? JSON.stringify(value, markNonFinite).replace(/"\\u0000hil-json:(-?Infinity|NaN)"/g, "$1")
    : JSON.stringify(value);
}

/** JSON text that may hold NaN, Infinity and -Infinity, as Python writes them. */
export function fromPythonJson(text: string): unknown {
  return /NaN|Infinity/.test(text)
    ? (JSON.parse(markPythonTokens(text), unmark) as unknown)
    : (JSON.parse(text) as unknown);
}
