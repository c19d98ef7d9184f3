// PyExpLabSys's DataPushSocket, sans I/O: a `json_wn#`/`raw_wn#` request's dict stored
// (its `store_last` action) or handed to a `callback_direct` callback, and the reply
// spelled as PyExpLabSys.common.sockets spells it.
import {
  PyInt,
  type PyValue,
  PyJsonError,
  parsePyJson,
  pyJson,
  pyStr,
  pyStrRepr,
  pyRepr,
} from "./python-values.js";
import {
  DataSocketError,
  SocketCore,
  type SocketCoreOptions,
  UNKNOWN_COMMAND,
  defaultPorts,
} from "./socket-core.js";

/** A dict pushed to a push socket, with when it came. */
export interface PushedData {
  readonly time: number;
  readonly data: ReadonlyMap<string, PyValue>;
}

/** How a callback_direct push socket sends its callback's return value back. */
export type ReturnFormat = "json" | "raw" | "string";

export interface PushSocketOptions extends SocketCoreOptions {
  /** Called with every dict received (after it is stored). */
  readonly onData?: (data: ReadonlyMap<string, PyValue>) => void;
  /**
   * The `callback_direct` action: called with every dict received, in the handler; its
   * return value is the reply (`RET#…`), a thrown error's message `EXCEP#…`.
   */
  readonly callbackDirect?: (data: ReadonlyMap<string, PyValue>) => PyValue;
  /** How the callback's value is written (default json). */
  readonly returnFormat?: ReturnFormat;
}

/** DataPushSocket (port 8500) with its `store_last` action: `last` and the merged `updated`. */
export class PushSocketCore extends SocketCore {
  readonly type = "push" as const;
  last: PushedData | undefined;
  readonly updated = new Map<string, PyValue>();
  updatedTime: number | undefined;
  private readonly onData: ((data: ReadonlyMap<string, PyValue>) => void) | undefined;
  private readonly callbackDirect: ((data: ReadonlyMap<string, PyValue>) => PyValue) | undefined;
  private readonly returnFormat: ReturnFormat;

  constructor(options: PushSocketOptions) {
    super(options, { port: defaultPorts.push, activityTimeout: null });
    this.onData = options.onData;
    this.callbackDirect = options.callbackDirect;
    this.returnFormat = options.returnFormat ?? "json";
    if (!["json", "raw", "string"].includes(this.returnFormat)) {
      throw new DataSocketError(
        "The 'return_format' argument may only be one of the 'json', 'raw' or 'string' values",
      );
    }
  }

  reply(request: string): string {
    if (request === "name") return `RET#${this.name}`;
    if (request === "commands")
      return `RET#${pyJson(["json_wn#", "raw_wn#", "name", "status", "commands"])}`;
    if (request === "status") return this.group.status(this.clock.now());
    const parts = request.split("#");
    if (parts.length !== 2) return `ERROR#${UNKNOWN_COMMAND}`;
    const [command, body] = parts as [string, string];
    let parsed: { data: Map<string, PyValue> } | { error: string };
    if (command === "json_wn") parsed = parseJsonWn(body);
    else if (command === "raw_wn") parsed = parseRawWn(body);
    else return `ERROR#${UNKNOWN_COMMAND}`;
    if ("error" in parsed) return `ERROR#${parsed.error}`;
    const now = this.clock.now();
    this.last = { time: now, data: parsed.data };
    for (const [key, value] of parsed.data) this.updated.set(key, value);
    this.updatedTime = now;
    this.onData?.(parsed.data);
    if (!this.callbackDirect) return `ACK#${pyRepr(parsed.data)}`;
    // As _set_data: whatever the callback or the formatting raises is sent back as EXCEP#.
    try {
      const returned = this.callbackDirect(parsed.data);
      if (this.returnFormat === "json") return `RET#${pyJson(returned)}`;
      if (this.returnFormat === "string") return `RET#${pyStr(returned)}`;
      return rawReply(returned);
    } catch (error) {
      return `EXCEP#${errorText(error)}`;
    }
  }
}

/** Python's str() of a raised exception, as near as a JS error allows: its message. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** _format_return_raw: any failure of the conversion becomes an EXCEP# with a fixed lead. */
function rawReply(value: PyValue): string {
  try {
    return `RET#${rawReturn(value)}`;
  } catch (error) {
    return `EXCEP#Raw conversion failed with message:${errorText(error)}`;
  }
}

/** Python's type name of a value, as the raw return format writes it. */
function pyTypeName(value: PyValue): string {
  if (value === null) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return "float";
  if (value instanceof PyInt) return "int";
  if (typeof value === "string") return "str";
  if (Array.isArray(value)) return "list";
  return "dict";
}

const rawTypes = ["int", "float", "bool", "str"];

/** The callback_direct `raw` format: a dict as `key:type:values;…`, a list of lists as `type:row&row`. */
function rawReturn(value: PyValue): string {
  if (value === null) return "None";
  if (value instanceof Map) {
    return [...(value as ReadonlyMap<string, PyValue>)]
      .map(([key, item]) => {
        const items: readonly PyValue[] = Array.isArray(item) ? item : [item];
        const types = new Set(items.map(pyTypeName));
        if (types.size > 1) {
          throw new ConversionError("With return format raw, value in list must have same type");
        }
        const type = [...types][0] ?? "";
        if (!rawTypes.includes(type)) {
          throw new ConversionError(
            `With return format raw, the item type can only be one of 'int', 'float', 'bool' and 'str'. Object: '${pyStr(item)}' is of type: ${type}`,
          );
        }
        return `${key}:${type}:${items.map(pyStr).join(",")}`;
      })
      .join(";");
  }
  if (Array.isArray(value)) return rawListReturn(value as readonly PyValue[]);
  throw new ConversionError("Return value must be a dict or list with return format 'raw'");
}

/**
 * _format_return_raw_list: every element a list, checked in order; one type per value
 * collected from all of them; the first value's type must be every value's type (the error
 * lists them all, one per value, as Python's str() of a list of classes) and one of int,
 * float, bool, str. With no values at all Python's `types[0]` fails: "list index out of range".
 */
function rawListReturn(rows: readonly PyValue[]): string {
  const types: string[] = [];
  const items: string[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) {
      throw new ConversionError(
        "With return format raw on a list, the elements themselves be lists",
      );
    }
    const elements = row as readonly PyValue[];
    types.push(...elements.map(pyTypeName));
    items.push(elements.map(pyStr).join(","));
  }
  const type = types[0];
  if (type === undefined) throw new ConversionError("list index out of range");
  if (types.some((other) => other !== type)) {
    throw new ConversionError(
      `With return format raw on a list of lists, all values  in list must have same type. Types are: [${types.map(pyClassStr).join(", ")}]`,
    );
  }
  if (!rawTypes.includes(type)) {
    throw new ConversionError(
      `With return format raw, the item type can only be one of 'int', 'float', 'bool' and 'str'. The type is: ${pyClassStr(type)}`,
    );
  }
  return `${type}:${items.join("&")}`;
}

/** Python's str() of a class, from its name: <class 'int'>. */
function pyClassStr(name: string): string {
  return `<class '${name}'>`;
}

function parseJsonWn(body: string): { data: Map<string, PyValue> } | { error: string } {
  let value: PyValue;
  try {
    value = parsePyJson(body);
  } catch (error) {
    if (error instanceof PyJsonError)
      return { error: `The string '${body}' could not be decoded as JSON` };
    throw error;
  }
  if (!(value instanceof Map)) {
    return {
      error: `The object '${pyStr(value)}' returned after decoding the JSON string is not a dict`,
    };
  }
  return { data: value as Map<string, PyValue> };
}

const converters: Record<string, (text: string) => PyValue> = {
  int: pythonInt,
  float: pythonFloat,
  str: (text) => text,
  bool: (text) => {
    if (text === "True") return true;
    if (text === "False") return false;
    throw new ConversionError(
      `Cannot translate the string ${pyStrRepr(text)} to a boolean. Only the strings 'True' or 'False' are allowed`,
    );
  },
};

class ConversionError extends Error {}

function parseRawWn(body: string): { data: Map<string, PyValue> } | { error: string } {
  const data = new Map<string, PyValue>();
  for (const part of body.split(";")) {
    const pieces = part.split(":");
    if (pieces.length !== 3) {
      return {
        error: `The data part '${part}' did not match the expected format of 3 parts divided by ':'`,
      };
    }
    const [codename, type, values] = pieces as [string, string, string];
    const convert = converters[type];
    if (!convert) {
      return {
        error: `The data type '${type}' is unknown. Only dict_keys(['int', 'float', 'str', 'bool']) are allowed`,
      };
    }
    let converted: PyValue[];
    try {
      converted = values.split(",").map(convert);
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      return { error: `Unable to convert values to '${type}'. Error is: ${error.message}` };
    }
    data.set(codename, converted.length === 1 ? converted[0]! : converted);
  }
  return { data };
}

// Python strips Unicode whitespace, which includes the separators 0x1c to 0x1f.
// eslint-disable-next-line no-control-regex
const pythonSpace = /^[\s\x1c-\x1f]+|[\s\x1c-\x1f]+$/g;

/** Python's int(text): optional sign, digits with single underscores between them, spaces around. */
function pythonInt(text: string): PyValue {
  const trimmed = text.replace(pythonSpace, "");
  if (!/^[-+]?\d+(?:_\d+)*$/.test(trimmed)) {
    throw new ConversionError(`invalid literal for int() with base 10: ${pyStrRepr(text)}`);
  }
  return new PyInt(BigInt(trimmed.replaceAll("_", "")));
}

const digits = String.raw`\d+(?:_\d+)*`;
const floatPattern = new RegExp(
  String.raw`^[-+]?(?:(?:${digits}(?:\.(?:${digits})?)?|\.${digits})(?:[eE][-+]?${digits})?|inf|infinity|nan)$`,
  "i",
);

/** Python's float(text): decimals, exponents, inf, infinity, nan in any case, spaces around. */
function pythonFloat(text: string): PyValue {
  const trimmed = text.replace(pythonSpace, "");
  if (!floatPattern.test(trimmed)) {
    throw new ConversionError(`could not convert string to float: ${pyStrRepr(text)}`);
  }
  const lower = trimmed.toLowerCase().replaceAll("_", "");
  const negative = lower.startsWith("-");
  const bare = lower.replace(/^[-+]/, "");
  if (bare === "nan") return NaN;
  if (bare === "inf" || bare === "infinity") return negative ? -Infinity : Infinity;
  return Number(lower);
}
