/**
 * Numbers, booleans and "string or double" values as the Java Scan Server reads and writes
 * them, so the text we send back is the text it would send.
 */

/** A command value: the server keeps either a double or a string (StringOrDouble). */
export type ScanValue = number | string;

/** Java `Double.toString`: `10.0`, `0.001`, `1.0E-5`, `1.0E7`, `NaN`, `-Infinity`. */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  // Shortest digits that read back to the same double, as Java (JDK 19+) also picks.
  const [mantissa = "", expText = "0"] = abs.toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      return `${sign}${whole}.${frac === "" ? "0" : frac}`;
    }
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.slice(1);
  return `${sign}${digits[0]}.${frac === "" ? "0" : frac}E${exp}`;
}

/** Java `Long.toString` of an integral number. */
export function javaLong(value: number | bigint): string {
  return typeof value === "bigint" ? value.toString() : Math.trunc(value).toFixed(0);
}

const DECIMAL = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/;

/**
 * Java `Double.valueOf`: trims characters up to U+0020, accepts `1.`, `.5`, `1e3`, `2d`,
 * `NaN`, `Infinity`. Hexadecimal floats are not accepted. `undefined` when Java would throw.
 */
export function parseJavaDouble(text: string): number | undefined {
  const trimmed = javaTrim(text);
  if (!DECIMAL.test(trimmed)) return undefined;
  const core = trimmed.replace(/[fFdD]$/, "");
  if (core.endsWith("NaN")) return NaN;
  if (core.endsWith("Infinity")) return core.startsWith("-") ? -Infinity : Infinity;
  return Number(core);
}

/** Java `Long.parseLong`: optional sign and decimal digits, nothing else, within 64 bits. */
export function parseJavaLong(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const big = BigInt(text);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return undefined;
  return Number(big);
}

/** Java `Boolean.parseBoolean`: `true` in any case is true, anything else false. */
export function parseJavaBoolean(text: string): boolean {
  return text.toLowerCase() === "true";
}

/** Java `String.trim`: strips every character up to U+0020 at both ends. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/**
 * The server's StringOrDouble.parse: trimmed; empty is 0; a leading `"` makes a string
 * without its quotes; else a double when it parses, else the text itself.
 */
export function parseStringOrDouble(text: string): ScanValue {
  const trimmed = javaTrim(text);
  if (trimmed === "") return 0;
  if (trimmed.startsWith('"')) {
    return trimmed.length > 1 && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed.slice(1);
  }
  const number = parseJavaDouble(trimmed);
  return number === undefined ? trimmed : number;
}

/** StringOrDouble.quote: a string in double quotes, a number as Java prints a double. */
export function quoteStringOrDouble(value: ScanValue): string {
  return typeof value === "string" ? `"${value}"` : javaDouble(value);
}
