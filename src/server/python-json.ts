// Python's json.dumps with its default arguments. Python clients of the dispatcher and of the
// data sockets compare replies as text, byte for byte, so ours must match: ", " and ": "
// separators, NaN and ±Infinity as bare words, everything outside printable ASCII escaped as
// \uXXXX (ensure_ascii), and floats as Python's repr() prints them (1.0, 1e-05, 1e+16).

/**
 * A value json.dumps can write. A bigint is a Python int; a Map or a plain object is a dict
 * in insertion order, whose undefined members are left out, as JSON.stringify does. `Other`
 * is whatever `default` turns into one of these (Python's `default=`).
 */
export type PythonJsonValue<Other = never> =
  | Other
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly PythonJsonValue<Other>[]
  | ReadonlyMap<string, PythonJsonValue<Other>>
  | { readonly [key: string]: PythonJsonValue<Other> | undefined };

export interface PythonJsonOptions<Other = never> {
  /**
   * What a JS number is in Python. "int-if-safe" (the default): a safe integer is an int,
   * anything else a float, as for a value from JSON.parse, which cannot tell 1 from 1.0.
   * "float": always a float (1 prints as 1.0); ints then come as bigint.
   */
  readonly numbers?: "int-if-safe" | "float";
  /** Turns an object that is neither an array, a Map nor a plain object into one json.dumps can write. */
  readonly default?: (value: Other) => PythonJsonValue<Other>;
}

/** json.dumps(value) as CPython writes it with the default arguments. */
export function pythonJson<Other = never>(
  value: PythonJsonValue<Other>,
  options: PythonJsonOptions<Other> = {},
): string {
  const { numbers = "int-if-safe" } = options;
  const dumps = (item: PythonJsonValue<Other>): string => {
    if (item === null) return "null";
    if (item === true) return "true";
    if (item === false) return "false";
    if (typeof item === "string") return pythonJsonString(item);
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "number") return pythonJsonNumber(item, numbers);
    if (Array.isArray(item))
      return `[${(item as readonly PythonJsonValue<Other>[]).map(dumps).join(", ")}]`;
    if (item instanceof Map) {
      const entries = [...(item as ReadonlyMap<string, PythonJsonValue<Other>>)];
      return `{${entries.map(([key, member]) => `${pythonJsonString(key)}: ${dumps(member)}`).join(", ")}}`;
    }
    if (isPlainObject(item)) {
      const members: string[] = [];
      for (const [key, member] of Object.entries(item)) {
        if (member !== undefined) members.push(`${pythonJsonString(key)}: ${dumps(member)}`);
      }
      return `{${members.join(", ")}}`;
    }
    if (options.default === undefined) {
      const type = (item as object).constructor?.name ?? typeof item;
      throw new TypeError(`Object of type ${type} is not JSON serializable`);
    }
    return dumps(options.default(item as Other));
  };
  return dumps(value);
}

function isPlainObject(value: unknown): value is { readonly [key: string]: unknown } {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function pythonJsonNumber(x: number, numbers: "int-if-safe" | "float"): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (numbers === "int-if-safe" && Number.isSafeInteger(x) && !Object.is(x, -0)) return String(x);
  return pythonFloatRepr(x);
}

/**
 * Python's repr() of a float: the shortest digits that round-trip, `.0` when integral, and
 * e-notation (two exponent digits at least) outside 1e-4 <= |x| < 1e16.
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // toExponential() without an argument gives the shortest round-trip digits, as repr does.
  const [mantissa, exponentText] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const expSign = exponent < 0 ? "-" : "+";
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || "0"}`;
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

/**
 * A JSON string as json.dumps writes it with ensure_ascii: every UTF-16 code unit outside
 * printable ASCII (0x20..0x7e, so DEL too) as \uXXXX, astral characters as surrogate pairs.
 */
function pythonJsonString(text: string): string {
  const escaped = text.replace(/["\\]|[^\x20-\x7e]/g, (char) => {
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) return short;
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}
