import type { JsonValue } from "../json-value.js";

export type { JsonValue };

/**
 * Writes JSON exactly as Python's `json.dumps` does with its defaults (", " and ": "
 * separators, non-ASCII escaped as \uXXXX, floats in repr form), so that clients of the
 * original dispatcher receive the same bytes. Keys keep their insertion order; keys whose
 * value is undefined are left out, as JSON.stringify does.
 */
export function pythonJson(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return pythonString(value);
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) members.push(`${pythonString(key)}: ${pythonJson(member)}`);
  }
  return `{${members.join(", ")}}`;
}

// Array.isArray does not narrow a readonly array out of the union.
function isArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Python escapes every code unit outside printable ASCII (0x20..0x7e), DEL included. */
function pythonString(text: string): string {
  const escaped = text.replace(/["\\]|[^\x20-\x7e]/g, (ch) => {
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) return short;
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}

/**
 * JavaScript cannot tell 1 from 1.0 once parsed, so safe integers print as Python ints (what
 * a client that sent an integer gets back) and everything else as Python's float repr.
 */
function pythonNumber(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (Object.is(x, -0)) return "-0.0";
  if (Number.isSafeInteger(x)) return String(x);
  // toExponential() without an argument gives the shortest digits that round-trip, as
  // Python's repr does; Python then prints fixed notation for exponents in [-4, 16).
  const [mantissa = "", exponentText = "0"] = x.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    const fraction = digits.slice(exponent + 1);
    return `${sign}${whole}.${fraction === "" ? "0" : fraction}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const expSign = exponent < 0 ? "-" : "+";
  return `${sign}${head}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
