// The Keithley 6485 picoammeter's SCPI subset as data and pure functions: command strings
// out, reply lines in. No I/O here; keithley-6485.ts is the shell. See README.md.
import { HilError } from "../../src/core/index.js";

/**
 * Line settings of the RS-232 port. The instrument executes a command when CR arrives; it
 * ends replies with LF (the terminator InstrumentKit requires; it is selectable on the
 * front panel, see README.md).
 */
export const KEITHLEY6485_LINE = {
  baud: 9600,
  dataBits: 8,
  parity: "none",
  stopBits: 1,
  commandTerminator: "\r",
  replyTerminator: "\n",
} as const;

// ---------------------------------------------------------------------------------------
// Ranges, integration time, readings' sentinels

/** The current ranges, in A, lowest first; `RANG <A>` snaps to the lowest one >= the request. */
export const RANGES: readonly number[] = [2e-9, 20e-9, 200e-9, 2e-6, 20e-6, 200e-6, 2e-3, 20e-3];

/** The lowest range that holds `amps` (by magnitude), or undefined above 20 mA. */
export function rangeFor(amps: number): number | undefined {
  const magnitude = Math.abs(amps);
  // A relative slack, so 2e-9 computed as 1.9999999999e-9 or 2.0000000001e-9 stays on 2 nA.
  return RANGES.find((range) => magnitude <= range * (1 + 1e-9));
}

/** NPLC limits (power-line cycles of integration); the 50 Hz upper limit is unverified. */
export const NPLC_LIMITS = { min: 0.01, max60Hz: 6, max50Hz: 5 } as const;

/** What the instrument sends instead of a reading when the input is over range. */
export const OVERFLOW_READING = 9.9e37;
/** What it sends for invalid data (SCPI's NaN). */
export const INVALID_READING = 9.91e37;

/** True for ±9.9E37, told apart from 9.91E37 (relative tolerance 1e-4). */
export function isOverflowValue(value: number): boolean {
  return Math.abs(Math.abs(value) - OVERFLOW_READING) <= OVERFLOW_READING * 1e-4;
}

/** True for ±9.91E37. */
export function isInvalidValue(value: number): boolean {
  return Math.abs(Math.abs(value) - INVALID_READING) <= INVALID_READING * 1e-4;
}

/**
 * Conversions a READ? may take, in units of one integration (NPLC / line frequency): a
 * reading with autozero reference conversions and a few autorange steps. Our choice; the
 * manual gives no figure (see README.md).
 */
export const READ_CONVERSIONS = 10;

export interface ReadTimeoutOptions {
  /** Power-line cycles per conversion. */
  nplc: number;
  /** Mains frequency, Hz (50 or 60). */
  lineFrequency: number;
  /** Seconds for everything but the integration: the line, the instrument's parsing. */
  base: number;
}

/** Seconds to wait for a READ? reply: base + READ_CONVERSIONS × NPLC / line frequency. */
export function readTimeout({ nplc, lineFrequency, base }: ReadTimeoutOptions): number {
  if (!(nplc > 0) || !(lineFrequency > 0) || !(base > 0)) {
    throw new RangeError(
      `readTimeout needs positive nplc, lineFrequency and base, got ${nplc}, ${lineFrequency}, ${base}`,
    );
  }
  return base + (READ_CONVERSIONS * nplc) / lineFrequency;
}

// ---------------------------------------------------------------------------------------
// Status word of a reading (the STAT element)

export type StatusFlagName =
  | "overflow"
  | "filter"
  | "math"
  | "nullRel"
  | "limitTest"
  | "limit1Fail"
  | "limit2Fail"
  | "overvoltage"
  | "zeroCheck"
  | "zeroCorrect";

export interface StatusBit {
  readonly name: StatusFlagName;
  readonly mask: number;
  readonly meaning: string;
}

/** The status word's bits (6487 manual's layout, unverified for 6485; bit 8 and 11..15 unused). */
export const STATUS_BITS: readonly StatusBit[] = [
  { name: "overflow", mask: 1 << 0, meaning: "overflow (reading over range)" },
  { name: "filter", mask: 1 << 1, meaning: "filter enabled" },
  { name: "math", mask: 1 << 2, meaning: "math (CALC1) enabled" },
  { name: "nullRel", mask: 1 << 3, meaning: "null/REL enabled" },
  { name: "limitTest", mask: 1 << 4, meaning: "limit test enabled" },
  { name: "limit1Fail", mask: 1 << 5, meaning: "limit 1 failed" },
  { name: "limit2Fail", mask: 1 << 6, meaning: "limit 2 failed" },
  { name: "overvoltage", mask: 1 << 7, meaning: "overvoltage on input" },
  { name: "zeroCheck", mask: 1 << 9, meaning: "zero check enabled" },
  { name: "zeroCorrect", mask: 1 << 10, meaning: "zero correct enabled" },
];

export type StatusFlags = Readonly<Record<StatusFlagName, boolean>>;

/** The flags of a status word, by name. */
export function statusFlags(word: number): StatusFlags {
  return Object.fromEntries(
    STATUS_BITS.map(({ name, mask }) => [name, (word & mask) !== 0]),
  ) as Record<StatusFlagName, boolean>;
}

/** The meanings of the bits set in a status word, e.g. ["filter enabled", "overvoltage on input"]. */
export function describeStatus(word: number): string[] {
  const known = STATUS_BITS.filter(({ mask }) => (word & mask) !== 0).map((b) => b.meaning);
  const all = STATUS_BITS.reduce((mask, bit) => mask | bit.mask, 0);
  const unknown = word & ~all;
  return unknown === 0 ? known : [...known, `unused bits 0x${unknown.toString(16).toUpperCase()}`];
}

// ---------------------------------------------------------------------------------------
// The SCPI error queue

/** The code SYST:ERR? gives for an empty queue. */
export const NO_ERROR = 0;

/** Entries the error queue holds; past them the last entry becomes -350 (Keithley: ~10). */
export const ERROR_QUEUE_DEPTH = 10;

/** SCPI-defined errors (SCPI-1999 vol. 2), with the messages instruments send. */
export const SCPI_ERRORS: ReadonlyMap<number, string> = new Map([
  [0, "No error"],
  [-100, "Command error"],
  [-101, "Invalid character"],
  [-102, "Syntax error"],
  [-103, "Invalid separator"],
  [-104, "Data type error"],
  [-108, "Parameter not allowed"],
  [-109, "Missing parameter"],
  [-113, "Undefined header"],
  [-114, "Header suffix out of range"],
  [-120, "Numeric data error"],
  [-200, "Execution error"],
  [-221, "Settings conflict"],
  [-222, "Data out of range"],
  [-224, "Illegal parameter value"],
  [-230, "Data corrupt or stale"],
  [-350, "Queue overflow"],
  [-363, "Input buffer overrun"],
  [-410, "Query INTERRUPTED"],
  [-420, "Query UNTERMINATED"],
  [-430, "Query DEADLOCKED"],
]);

export type ErrorClass = "none" | "command" | "execution" | "device" | "query" | "instrument";

/** The class of an error code: -1xx command, -2xx execution, -3xx device, -4xx query, +n instrument. */
export function errorClass(code: number): ErrorClass {
  if (code === 0) return "none";
  if (code > 0) return "instrument";
  if (code <= -100 && code > -200) return "command";
  if (code <= -200 && code > -300) return "execution";
  if (code <= -300 && code > -400) return "device";
  if (code <= -400 && code > -500) return "query";
  return "instrument";
}

/** The *ESR bit each class sets: CME 32, EXE 16, DDE 8, QYE 4 (instrument errors: DDE). */
export const ESR_BITS: Readonly<Record<ErrorClass, number>> = {
  none: 0,
  command: 32,
  execution: 16,
  device: 8,
  query: 4,
  instrument: 8,
};

/** One entry of the error queue. */
export interface ScpiErrorReport {
  readonly code: number;
  /** The instrument's text, without quotes, e.g. "Undefined header". */
  readonly message: string;
}

/** `-113 "Undefined header"`. */
export function formatScpiError({ code, message }: ScpiErrorReport): string {
  return `${code} ${JSON.stringify(message)}`;
}

// ---------------------------------------------------------------------------------------
// Errors

export interface Keithley6485ErrorDetails {
  /** What went wrong, e.g. "was refused" or `gave "xyz", expected a reading`. */
  readonly problem: string;
  /** The command as sent, without terminator, e.g. "NPLC 7". */
  readonly command: string;
  /** The port, e.g. "serial:/dev/ttyUSB1"; added by the shell, pure parsers do not know it. */
  readonly port?: string;
  /** The device, e.g. "det". */
  readonly device?: string;
  /** What SYST:ERR? said about it, oldest first. */
  readonly errors?: readonly ScpiErrorReport[];
}

/**
 * A failure the 6485 reported through its error queue, or a reply that does not follow the
 * protocol. The message names the device, port, command and each error's code and text:
 * `det (Keithley 6485 at serial:/dev/ttyUSB1): "NPLC 7" was refused: -222 "Data out of range"`.
 */
export class Keithley6485Error extends HilError {
  readonly details: Keithley6485ErrorDetails;
  readonly command: string;
  readonly port: string | undefined;
  readonly errors: readonly ScpiErrorReport[];
  /** The first error's SCPI code, e.g. -222. */
  readonly errorCode: number | undefined;
  /** The first error's text, e.g. "Data out of range". */
  readonly errorMessage: string | undefined;

  constructor(details: Keithley6485ErrorDetails, options?: ErrorOptions) {
    super("HIL_KEITHLEY", formatErrorMessage(details), options);
    this.details = details;
    this.command = details.command;
    this.port = details.port;
    this.errors = details.errors ?? [];
    this.errorCode = this.errors[0]?.code;
    this.errorMessage = this.errors[0]?.message;
  }

  /** The same error, placed: the shell adds the port and device a pure parser cannot know. */
  placed(where: { port?: string; device?: string }): Keithley6485Error {
    return new Keithley6485Error({ ...this.details, ...where }, { cause: this.cause });
  }
}

function formatErrorMessage(d: Keithley6485ErrorDetails): string {
  const where = d.port === undefined ? "Keithley 6485" : `Keithley 6485 at ${d.port}`;
  const head = d.device === undefined ? where : `${d.device} (${where})`;
  const errors = d.errors?.length ? `: ${d.errors.map(formatScpiError).join(", ")}` : "";
  return `${head}: ${JSON.stringify(d.command)} ${d.problem}${errors}`;
}

// ---------------------------------------------------------------------------------------
// Commands

/** The data elements FORM:ELEM can select; UNIT adds the `A` suffix to the reading. */
export type DataElement = "READ" | "UNIT" | "TIME" | "STAT";

/** What the driver selects at connect, and what the instrument sends after *RST. */
export const DATA_ELEMENTS: readonly DataElement[] = ["READ", "UNIT", "TIME", "STAT"];

export type CommandKey =
  | "identify"
  | "reset"
  | "clear"
  | "zeroCheck"
  | "zeroCorrect"
  | "acquireZero"
  | "range"
  | "autorange"
  | "nplc"
  | "read"
  | "measure"
  | "fetch"
  | "initiate"
  | "formatElements"
  | "nextError"
  | "resetTime";

/**
 * How a command is used: "query" always ends in `?` and replies one line; "action" is sent
 * bare and says nothing; "settable" is `HEADER <value>` (silent) or `HEADER?` (one line).
 */
export type CommandForm = "query" | "action" | "settable";

export interface CommandSpec {
  readonly key: CommandKey;
  /** The short form the driver sends, e.g. "RANG:AUTO". */
  readonly header: string;
  /** The manual's long form, optional nodes in brackets. */
  readonly long: string;
  readonly form: CommandForm;
  /** The parameter of a set: a boolean is sent ON/OFF, a number in SCPI NRf. */
  readonly parameter?: "boolean" | "number" | "elements";
  readonly meaning: string;
}

const commandRows: ReadonlyArray<
  readonly [CommandKey, string, string, CommandForm, CommandSpec["parameter"], string]
> = [
  ["identify", "*IDN", "*IDN", "query", undefined, "identification string"],
  ["reset", "*RST", "*RST", "action", undefined, "reset to defaults"],
  ["clear", "*CLS", "*CLS", "action", undefined, "clear the error queue and event registers"],
  [
    "zeroCheck",
    "SYST:ZCH",
    "SYSTem:ZCHeck[:STATe]",
    "settable",
    "boolean",
    "zero check: input shunted; OFF to measure",
  ],
  [
    "zeroCorrect",
    "SYST:ZCOR",
    "SYSTem:ZCORrect[:STATe]",
    "settable",
    "boolean",
    "subtract the acquired zero",
  ],
  ["acquireZero", "SYST:ZCOR:ACQ", "SYSTem:ZCORrect:ACQuire", "action", undefined, "acquire zero"],
  [
    "range",
    "RANG",
    "[SENSe[:CURRent[:DC]]]:RANGe[:UPPer]",
    "settable",
    "number",
    "manual range, A",
  ],
  [
    "autorange",
    "RANG:AUTO",
    "[SENSe[:CURRent[:DC]]]:RANGe:AUTO",
    "settable",
    "boolean",
    "autorange",
  ],
  [
    "nplc",
    "NPLC",
    "[SENSe[:CURRent[:DC]]]:NPLCycles",
    "settable",
    "number",
    "integration time, power-line cycles",
  ],
  ["read", "READ", "READ", "query", undefined, "trigger and return a reading (INIT + FETC?)"],
  ["measure", "MEAS", "MEASure[:CURRent[:DC]]", "query", undefined, "configure and READ?"],
  ["fetch", "FETC", "FETCh", "query", undefined, "the latest reading, without triggering"],
  ["initiate", "INIT", "INITiate[:IMMediate]", "action", undefined, "start the trigger model"],
  [
    "formatElements",
    "FORM:ELEM",
    "FORMat:ELEMents",
    "settable",
    "elements",
    "elements of the data string",
  ],
  ["nextError", "SYST:ERR", "SYSTem:ERRor[:NEXT]", "query", undefined, "oldest error in the queue"],
  ["resetTime", "SYST:TIME:RES", "SYSTem:TIME:RESet", "action", undefined, "reset the timestamp"],
];

/** The commands this driver uses, by key. */
export const COMMANDS: ReadonlyMap<CommandKey, CommandSpec> = new Map(
  commandRows.map(([key, header, long, form, parameter, meaning]) => [
    key,
    { key, header, long, form, meaning, ...(parameter === undefined ? {} : { parameter }) },
  ]),
);

/** A number as SCPI NRf: JavaScript's shortest form, exponent upper case: 2E-9, 0.01, 20. */
export function formatScpiNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`SCPI number must be finite, got ${value}`);
  return String(value).toUpperCase();
}

function header(key: CommandKey): string {
  return COMMANDS.get(key)!.header;
}

function settableBoolean(key: CommandKey) {
  return (on?: boolean): string =>
    on === undefined ? `${header(key)}?` : `${header(key)} ${on ? "ON" : "OFF"}`;
}

function settableNumber(key: CommandKey) {
  return (value?: number): string =>
    value === undefined ? `${header(key)}?` : `${header(key)} ${formatScpiNumber(value)}`;
}

/**
 * Command builders, without terminator (the channel adds CR). A settable command given no
 * value builds its query: `commands.nplc()` → "NPLC?", `commands.nplc(1)` → "NPLC 1".
 */
export const commands = {
  identify: (): string => "*IDN?",
  reset: (): string => "*RST",
  clear: (): string => "*CLS",
  zeroCheck: settableBoolean("zeroCheck"),
  zeroCorrect: settableBoolean("zeroCorrect"),
  acquireZero: (): string => header("acquireZero"),
  range: settableNumber("range"),
  autorange: settableBoolean("autorange"),
  nplc: settableNumber("nplc"),
  read: (): string => "READ?",
  measure: (): string => "MEAS?",
  fetch: (): string => "FETC?",
  initiate: (): string => "INIT",
  formatElements: (elements?: readonly DataElement[]): string => {
    if (elements === undefined) return "FORM:ELEM?";
    if (elements.length === 0 || !elements.includes("READ")) {
      throw new RangeError(`FORM:ELEM needs READ among the elements, got [${elements.join(", ")}]`);
    }
    return `FORM:ELEM ${elements.join(",")}`;
  },
  nextError: (): string => "SYST:ERR?",
  resetTime: (): string => "SYST:TIME:RES",
} as const;

// ---------------------------------------------------------------------------------------
// Replies

/** A parse failure of a reply to `command`, with no port yet (the shell places it). */
function badReply(command: string, reply: string, expected: string): Keithley6485Error {
  return new Keithley6485Error({
    command,
    problem: `gave ${JSON.stringify(reply)}, expected ${expected}`,
  });
}

const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const readingField = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(A|AMP|AMPS)?$/i;

/** One reading of a READ?/FETC?/MEAS? reply. */
export interface Keithley6485Reading {
  /** The reading as sent, in A: ±9.9E37 on overflow, 9.91E37 for invalid data. */
  readonly current: number;
  /** The reading was over range: ±9.9E37, or the status word's overflow bit. */
  readonly overflow: boolean;
  /** The instrument sent 9.91E37 (SCPI's NaN). */
  readonly invalid: boolean;
  /** Seconds since power-on or SYST:TIME:RES (wraps after 99,999.99 s), when TIME is selected. */
  readonly timestamp?: number;
  /** The 16-bit status word, when STAT is selected. */
  readonly status?: number;
  readonly flags?: StatusFlags;
}

/**
 * Every reading of a READ?/FETC?/MEAS? reply: fields split on `,` and trimmed (spaces after
 * commas tolerated), one group of fields per reading in the order of `elements` (UNIT is
 * not a field: it is the `A` after the reading, accepted whether or not it is selected).
 * Throws a Keithley6485Error for anything else.
 */
export function parseReadings(
  reply: string,
  elements: readonly DataElement[] = DATA_ELEMENTS,
  command = "READ?",
): Keithley6485Reading[] {
  const fields = elements.filter((e) => e !== "UNIT");
  if (!fields.includes("READ")) throw new RangeError("parseReadings needs READ among the elements");
  const shape = `${fields.length} field(s) per reading (${fields.join(",")})`;
  const parts = reply
    .trim()
    .split(",")
    .map((part) => part.trim());
  if (parts.length % fields.length !== 0 || parts[0] === "") {
    throw badReply(command, reply, shape);
  }
  const readings: Keithley6485Reading[] = [];
  for (let start = 0; start < parts.length; start += fields.length) {
    let current = Number.NaN;
    let timestamp: number | undefined;
    let status: number | undefined;
    for (let i = 0; i < fields.length; i++) {
      const text = parts[start + i]!;
      const field = fields[i]!;
      if (field === "READ") {
        const match = readingField.exec(text);
        if (!match) throw badReply(command, reply, `a reading like +1.234567E-09A, not "${text}"`);
        current = Number(match[1]);
      } else {
        if (!decimal.test(text)) {
          throw badReply(command, reply, `a number for ${field}, not "${text}"`);
        }
        const value = Number(text);
        if (field === "TIME") timestamp = value;
        else {
          if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
            throw badReply(command, reply, `a 16-bit status word, not "${text}"`);
          }
          status = value;
        }
      }
    }
    const flags = status === undefined ? undefined : statusFlags(status);
    readings.push({
      current,
      overflow: isOverflowValue(current) || (flags?.overflow ?? false),
      invalid: isInvalidValue(current),
      ...(timestamp === undefined ? {} : { timestamp }),
      ...(status === undefined ? {} : { status, flags }),
    });
  }
  return readings;
}

/** The one reading of a READ?/FETC?/MEAS? reply; several (a trigger count > 1) is an error. */
export function parseReading(
  reply: string,
  elements: readonly DataElement[] = DATA_ELEMENTS,
  command = "READ?",
): Keithley6485Reading {
  const readings = parseReadings(reply, elements, command);
  if (readings.length !== 1) {
    throw badReply(command, reply, `one reading, not ${readings.length}`);
  }
  return readings[0]!;
}

/** A SYST:ERR? reply: `-113,"Undefined header"` → {code: -113, message: "Undefined header"}. */
export function parseErrorReply(reply: string): ScpiErrorReport {
  const match = /^\s*([+-]?\d+)\s*,\s*(.*?)\s*$/.exec(reply);
  if (!match) throw badReply(commands.nextError(), reply, `<code>,"<message>"`);
  const quoted = /^"(.*)"$/.exec(match[2]!);
  return { code: Number(match[1]), message: quoted ? quoted[1]! : match[2]! };
}

/** A number reply (RANG?, NPLC?): `2.000000E-09`. */
export function parseNumberReply(reply: string, command: string): number {
  const text = reply.trim();
  if (!decimal.test(text)) throw badReply(command, reply, "a number");
  return Number(text);
}

/** A boolean reply (RANG:AUTO?, SYST:ZCH?, SYST:ZCOR?): `1`/`0` (ON/OFF tolerated). */
export function parseBooleanReply(reply: string, command: string): boolean {
  const text = reply.trim().toUpperCase();
  if (text === "1" || text === "ON") return true;
  if (text === "0" || text === "OFF") return false;
  throw badReply(command, reply, "1 or 0");
}

/** What *IDN? says: `KEITHLEY INSTRUMENTS INC.,MODEL 6485,<serial>,<firmware>`. */
export interface Keithley6485Identity {
  readonly manufacturer: string;
  readonly model: string;
  readonly serial: string;
  readonly firmware: string;
}

/** The four comma-separated fields of an *IDN? reply, trimmed; throws if there are fewer than 2. */
export function parseIdentity(reply: string): Keithley6485Identity {
  const parts = reply
    .trim()
    .split(",")
    .map((part) => part.trim());
  if (parts.length < 2 || parts[0] === "" || parts[1] === "") {
    throw badReply(commands.identify(), reply, "<manufacturer>,<model>,<serial>,<firmware>");
  }
  const [manufacturer = "", model = "", serial = "", ...firmware] = parts;
  return { manufacturer, model, serial, firmware: firmware.join(",") };
}

/** True when the identity names a Keithley and model 6485. */
export function isKeithley6485(identity: Keithley6485Identity): boolean {
  return /KEITHLEY/i.test(identity.manufacturer) && /(^|\D)6485(\D|$)/.test(identity.model);
}

// ---- validate hooks: why a line is not the reply, or undefined when it is --------------

function problemOf(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    return error instanceof Keithley6485Error ? error.details.problem : String(error);
  }
}

/** The channel's validate hook for READ?/FETC?/MEAS?. */
export function readingProblem(
  reply: string,
  elements: readonly DataElement[] = DATA_ELEMENTS,
): string | undefined {
  return problemOf(() => parseReading(reply, elements));
}

/** The channel's validate hook for SYST:ERR?. */
export function errorReplyProblem(reply: string): string | undefined {
  return problemOf(() => parseErrorReply(reply));
}

/** The channel's validate hook for number queries. */
export function numberProblem(reply: string): string | undefined {
  return problemOf(() => parseNumberReply(reply, "?"));
}

/** The channel's validate hook for boolean queries. */
export function booleanProblem(reply: string): string | undefined {
  return problemOf(() => parseBooleanReply(reply, "?"));
}

/** The channel's validate hook for *IDN?. */
export function identityProblem(reply: string): string | undefined {
  return problemOf(() => parseIdentity(reply));
}

/**
 * EPICS alarm severity of a reading: 3 (invalid) for 9.91E37, 2 (major) for an overflow or
 * overvoltage, 1 (minor) when zero check shunts the input, 0 otherwise.
 */
export function alarmSeverity(reading: Keithley6485Reading): 0 | 1 | 2 | 3 {
  if (reading.invalid) return 3;
  if (reading.overflow || reading.flags?.overvoltage) return 2;
  if (reading.flags?.zeroCheck) return 1;
  return 0;
}
