// Values as PyExpLabSys's Python code holds them, and the three ways it turns them into text:
// str() (raw replies), repr() (inside str() of a container: the ACK# bodies) and json.dumps
// with its defaults (JSON replies). A JS number cannot tell 2 from 2.0, so ints are tagged.
import { pythonFloatRepr, pythonJson } from "../python-json.js";

/** A Python int. */
export class PyInt {
  readonly value: bigint;
  constructor(value: bigint | number) {
    this.value = BigInt(value);
  }
}

/** A Python value: a number is a float, a Map a dict (insertion order), an array a list. */
export type PyValue =
  number | PyInt | boolean | string | null | readonly PyValue[] | ReadonlyMap<string, PyValue>;

export function pyInt(value: bigint | number): PyInt {
  return new PyInt(value);
}

/** A dict from an object's entries, in their order. */
export function pyDict(
  entries: Record<string, PyValue> | Iterable<[string, PyValue]>,
): Map<string, PyValue> {
  return new Map(Symbol.iterator in entries ? entries : Object.entries(entries));
}

/** Python's repr() of a float: the shortest round-trip digits, `.0` when integral, e-notation outside 1e-4..1e16. */
export const pyFloatRepr = pythonFloatRepr;

/** Python's repr() of a str: single quotes unless it holds ' and no ". */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`;
    else if (code >= 0x80 && code < 0xa0) out += `\\x${hex(code, 2)}`;
    else if (code >= 0xd800 && code < 0xe000) out += `\\u${hex(code, 4)}`;
    else out += char;
  }
  return out + quote;
}

/** Python's repr() of a value. */
export function pyRepr(value: PyValue): string {
  if (typeof value === "string") return pyStrRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (value instanceof Map) {
    const items = [...(value as ReadonlyMap<string, PyValue>)].map(
      ([key, item]) => `${pyStrRepr(key)}: ${pyRepr(item)}`,
    );
    return `{${items.join(", ")}}`;
  }
  return pyStr(value);
}

/** Python's str() of a value: a str is itself, the rest as repr(). */
export function pyStr(value: PyValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") return pyFloatRepr(value);
  if (value instanceof PyInt) return value.value.toString();
  if (typeof value === "string") return value;
  return pyRepr(value);
}

/** json.dumps(value) with Python's defaults: ", " and ": ", ASCII only, NaN and Infinity allowed. */
export function pyJson(value: PyValue): string {
  return pythonJson<PyInt>(value, { numbers: "float", default: (int) => int.value });
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, "0");
}

/** Why a text is not JSON, as json.loads would refuse it. */
export class PyJsonError extends Error {}

/**
 * json.loads: ints stay ints, a number with a point or exponent is a float, NaN and
 * ±Infinity are accepted, and of duplicate keys the last value wins (at the first's place).
 */
export function parsePyJson(text: string): PyValue {
  const parser = new JsonParser(text);
  parser.skipSpace();
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) throw new PyJsonError(`Extra data at ${parser.at}`);
  return value;
}

const numberPattern = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

class JsonParser {
  at = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  skipSpace(): void {
    while (" \t\n\r".includes(this.text[this.at] ?? "x")) this.at++;
  }

  value(): PyValue {
    const char = this.text[this.at];
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') return this.string();
    for (const [word, value] of [
      ["null", null],
      ["true", true],
      ["false", false],
      ["NaN", NaN],
      ["Infinity", Infinity],
      ["-Infinity", -Infinity],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    numberPattern.lastIndex = this.at;
    const match = numberPattern.exec(this.text);
    if (!match) throw new PyJsonError(`Expecting value at ${this.at}`);
    this.at += match[0].length;
    return match[1] !== undefined || match[2] !== undefined
      ? Number(match[0])
      : new PyInt(BigInt(match[0]));
  }

  private expect(char: string): void {
    if (this.text[this.at] !== char) throw new PyJsonError(`Expecting '${char}' at ${this.at}`);
    this.at++;
  }

  private object(): Map<string, PyValue> {
    const result = new Map<string, PyValue>();
    this.expect("{");
    this.skipSpace();
    if (this.text[this.at] === "}") {
      this.at++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"')
        throw new PyJsonError(`Expecting property name at ${this.at}`);
      const key = this.string();
      this.skipSpace();
      this.expect(":");
      this.skipSpace();
      result.set(key, this.value());
      this.skipSpace();
      if (this.text[this.at] === "}") {
        this.at++;
        return result;
      }
      this.expect(",");
    }
  }

  private array(): PyValue[] {
    const result: PyValue[] = [];
    this.expect("[");
    this.skipSpace();
    if (this.text[this.at] === "]") {
      this.at++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      result.push(this.value());
      this.skipSpace();
      if (this.text[this.at] === "]") {
        this.at++;
        return result;
      }
      this.expect(",");
    }
  }

  private string(): string {
    this.expect('"');
    let out = "";
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined) throw new PyJsonError("Unterminated string");
      this.at++;
      if (char === '"') return out;
      if (char.charCodeAt(0) < 0x20) throw new PyJsonError("Invalid control character");
      if (char !== "\\") {
        out += char;
        continue;
      }
      const escape = this.text[this.at++];
      const simple: Record<string, string> = {
        '"': '"',
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
      };
      if (escape !== undefined && escape in simple) out += simple[escape];
      else if (escape === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.at, this.at + 4))) {
        out += String.fromCharCode(parseInt(this.text.slice(this.at, this.at + 4), 16));
        this.at += 4;
      } else throw new PyJsonError("Invalid \\escape");
    }
  }
}
