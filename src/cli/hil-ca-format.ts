// The lines EPICS base's caget and camonitor print by default (tool_lib.c), as pure
// functions of the decoded DBR, so `hil caget`/`hil camonitor` read the same as the tools.
import {
  CaAlarmSeverity,
  CaAlarmStatus,
  DBR,
  dbrTypeOf,
  type DbrData,
  type DbrType,
  type DbrValueType,
  type EpicsTimestamp,
} from "../ca/index.js";

/** Names are padded to 30 columns when the PV holds at most one element (`%-30s`). */
const NAME_WIDTH = 30;

/**
 * The type the tools ask for: the TIME form of the native type, except enums, which come as
 * DBR_TIME_STRING so the server sends the state's text.
 */
export function toolRequestType(native: DbrValueType): DbrType {
  return native === DBR.ENUM ? DBR.TIME_STRING : dbrTypeOf("time", native);
}

/** The name column: `%-30s` for a scalar, the bare name for an array; then one space. */
export function nameColumn(name: string, elements: number): string {
  return `${elements <= 1 ? name.padEnd(NAME_WIDTH) : name} `;
}

/**
 * One value as val2str does: strings escaped, floats with C's `%g`, integers with `%d`, chars
 * as signed (dbr_char_t goes through a plain `char`).
 */
export function formatElement(value: DbrData["value"], index: number): string {
  if (Array.isArray(value)) return escapeString(value[index] ?? "");
  const element = value[index] ?? 0;
  if (value instanceof Float64Array || value instanceof Float32Array) return formatG(element);
  if (value instanceof Uint8Array) return String(element > 127 ? element - 256 : element);
  return String(element);
}

/** The value's fields: a scalar alone; an array as its count, then its elements. */
export function valueFields(value: DbrData["value"]): string[] {
  const items = Array.from({ length: value.length }, (_, i) => formatElement(value, i));
  return value.length > 1 ? [String(value.length), ...items] : items;
}

/** A `caget` line: the name column and the value. */
export function cagetLine(name: string, data: DbrData): string {
  return nameColumn(name, data.value.length) + valueFields(data.value).join(" ");
}

/** A `camonitor` line: name, server time stamp, value, then status and severity if in alarm. */
export function camonitorLine(name: string, data: DbrData): string {
  const status = data.status ?? 0;
  const severity = data.severity ?? 0;
  const alarm =
    status !== 0 || severity !== 0
      ? ` ${alarmStatusName(status)} ${alarmSeverityName(severity)}`
      : "  ";
  const stamp = data.timestamp ? formatTimestamp(data.timestamp) : "<undefined>";
  // Each field after the stamp brings its own separator, so an empty array leaves none.
  const fields = valueFields(data.value).map((field) => ` ${field}`);
  return `${nameColumn(name, data.value.length)}${stamp}${fields.join("")}${alarm}`;
}

/** What camonitor prints when a channel it had goes away, stamped `nowMs` (POSIX ms, local time). */
export function disconnectedLine(name: string, elements: number, nowMs: number): string {
  const whole = Math.floor(nowMs / 1000) * 1000;
  const stamp = formatDate(new Date(whole), Math.round((nowMs - whole) * 1e6));
  return `${nameColumn(name, elements)}${stamp} *** disconnected`;
}

/** What camonitor prints for a name no server answered within the timeout. */
export function notFoundLine(name: string): string {
  return `${nameColumn(name, 1)}*** Not connected (PV not found)`;
}

const STATUS_NAMES = Object.keys(CaAlarmStatus);
const SEVERITY_NAMES = Object.keys(CaAlarmSeverity);

export function alarmStatusName(status: number): string {
  return STATUS_NAMES[status] ?? "??";
}

export function alarmSeverityName(severity: number): string {
  return SEVERITY_NAMES[severity] ?? "??";
}

const EPICS_EPOCH_MS = Date.UTC(1990, 0, 1);

/**
 * `%Y-%m-%d %H:%M:%S.%06f` in local time, as epicsTimeToStrftime: the microseconds are
 * rounded but never into the next second; a zero stamp is "<undefined>".
 */
export function formatTimestamp(stamp: EpicsTimestamp): string {
  if (stamp.secondsSinceEpoch === 0 && stamp.nanoseconds === 0) return "<undefined>";
  const date = new Date(EPICS_EPOCH_MS + stamp.secondsSinceEpoch * 1000);
  return formatDate(date, stamp.nanoseconds);
}

function formatDate(date: Date, nanoseconds: number): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  const micros = Math.floor(Math.min(nanoseconds + 500, 999_999_999) / 1000);
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.` +
    String(micros).padStart(6, "0")
  );
}

const ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
};

/** epicsStrnEscapedFromRaw: C escapes, and `\xHH` for each byte that is not printable ASCII. */
export function escapeString(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    const escaped = ESCAPES[char];
    if (escaped) out += escaped;
    else if (byte >= 0x20 && byte < 0x7f) out += char;
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/**
 * C's `printf("%g")`: `precision` significant digits rounded half-to-even on the exact
 * binary value (JavaScript's toPrecision rounds ties up), trailing zeros dropped, and the
 * exponent form when the exponent is below -4 or at least the precision.
 */
export function formatG(x: number, precision = 6): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  if (x === 0) return `${sign}0`;
  const p = Math.max(precision, 1);
  const { digits, exponent } = roundedDigits(Math.abs(x), p);
  if (exponent < -4 || exponent >= p) {
    const mantissa = trimZeros(`${digits[0]}.${digits.slice(1)}`);
    const power = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${mantissa}e${exponent < 0 ? "-" : "+"}${power}`;
  }
  if (exponent >= 0) {
    return sign + trimZeros(`${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`);
  }
  return sign + trimZeros(`0.${"0".repeat(-exponent - 1)}${digits}`);
}

/** Drops a fraction's trailing zeros, and its point if nothing is left after it. */
function trimZeros(fixed: string): string {
  return fixed.replace(/0+$/, "").replace(/\.$/, "");
}

/** `p` significant digits of |x| > 0 and the decimal exponent of the first, half-to-even. */
function roundedDigits(x: number, p: number): { digits: string; exponent: number } {
  const exact = exactDecimal(x);
  let exponent = exact.digits.length - 1 + exact.power;
  let kept = exact.digits.slice(0, p).padEnd(p, "0");
  const rest = exact.digits.slice(p);
  const last = Number(kept[p - 1]);
  const up =
    rest.length > 0 &&
    (rest[0]! > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1)));
  if (up) {
    const bumped = (BigInt(kept) + 1n).toString();
    if (bumped.length > p) exponent += 1;
    kept = bumped.slice(0, p);
  }
  return { digits: kept, exponent };
}

/** The exact decimal value of a positive finite double: digits × 10^power. */
function exactDecimal(x: number): { digits: string; power: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const binaryPower = biased === 0 ? -1074 : biased - 1075;
  // m × 2^-k = m × 5^k × 10^-k: exact in integers.
  let digits =
    binaryPower >= 0
      ? (mantissa << BigInt(binaryPower)).toString()
      : (mantissa * 5n ** BigInt(-binaryPower)).toString();
  let power = Math.min(binaryPower, 0);
  const trimmed = digits.replace(/0+$/, "");
  power += digits.length - trimmed.length;
  digits = trimmed;
  return { digits, power };
}
