// The Lake Shore Model 336's command set as data and pure functions: request lines out, reply
// lines in. No I/O here; lakeshore-336.ts is the shell. Facts from
// ../shared/reference/instruments.md §2; the choices where it is silent are in README.md.
import { HilError } from "../../src/core/index.js";

/**
 * The line: USB is a virtual COM port at 57600 baud, 7 data bits, odd parity, 1 stop bit (a
 * real unit returns garbage at 8N1); Ethernet is raw TCP on port 7777. Commands end in LF
 * (as Lake Shore's own driver sends), replies in CR LF.
 */
export const LAKESHORE336_LINE = {
  baud: 57600,
  dataBits: 7,
  parity: "odd",
  stopBits: 1,
  tcpPort: 7777,
  commandTerminator: "\n",
  replyTerminator: "\r\n",
} as const;

/** Sensor inputs (the 3062 card's D1–D5 are not supported). */
export const INPUTS = ["A", "B", "C", "D"] as const;
export type Input = (typeof INPUTS)[number];

/** Control outputs: 1 and 2 are heaters, 3 and 4 analog (voltage) outputs. */
export const OUTPUTS = [1, 2, 3, 4] as const;
export type Output = (typeof OUTPUTS)[number];

/** Heater ranges of outputs 1 and 2, index = the RANGE value. */
export const HEATER_RANGES = ["Off", "Low", "Medium", "High"] as const;
export type HeaterRange = (typeof HEATER_RANGES)[number];

/** Ranges of the voltage outputs 3 and 4, index = the RANGE value. */
export const VOLTAGE_RANGES = ["Off", "On"] as const;
export type VoltageRange = (typeof VOLTAGE_RANGES)[number];

/** The range names an output takes: Off..High for a heater, Off/On for a voltage output. */
export function rangeChoices(output: Output): readonly string[] {
  return isHeater(output) ? HEATER_RANGES : VOLTAGE_RANGES;
}

export function isHeater(output: Output): boolean {
  return output === 1 || output === 2;
}

/** RAMP rate limits, K/min. */
export const RAMP_RATE_LIMITS = { min: 0.1, max: 100 } as const;

/** PID gain limits: P and I 0.1–1000, D 0–200 %. */
export const PID_LIMITS = {
  p: { min: 0.1, max: 1000 },
  i: { min: 0.1, max: 1000 },
  d: { min: 0, max: 200 },
} as const;

// ---------------------------------------------------------------------------------------
// Reading status (RDGST?)

/** RDGST? bits; 0 is a valid reading. While any is set, KRDG? is not a temperature. */
export const READING_STATUS_BITS = {
  invalid: 1,
  temperatureUnderRange: 16,
  temperatureOverRange: 32,
  sensorZero: 64,
  sensorOverRange: 128,
} as const;

export type ReadingStatusFlag = keyof typeof READING_STATUS_BITS;

/** The names of the bits set in an RDGST? value, e.g. ["temperatureOverRange"]. */
export function readingStatusFlags(status: number): ReadingStatusFlag[] {
  return (Object.keys(READING_STATUS_BITS) as ReadingStatusFlag[]).filter(
    (flag) => (status & READING_STATUS_BITS[flag]) !== 0,
  );
}

/** EPICS alarm severity of a reading: 3 (invalid) for bit 0, 2 (major) for any other, else 0. */
export function readingSeverity(status: number): 0 | 2 | 3 {
  if (status & READING_STATUS_BITS.invalid) return 3;
  return status === 0 ? 0 : 2;
}

// ---------------------------------------------------------------------------------------
// The Standard Event Status Register

/** *ESR? bits. A bad command gets no reply; it only sets one of the error bits. */
export const ESR_BITS = {
  operationComplete: 1,
  queryError: 4,
  deviceError: 8,
  executionError: 16,
  commandError: 32,
  powerOn: 128,
} as const;

/** The bits that mean a command was refused (OPC and PON are news, not errors). */
export const ESR_ERROR_MASK =
  ESR_BITS.queryError | ESR_BITS.deviceError | ESR_BITS.executionError | ESR_BITS.commandError;

const ESR_MEANINGS: ReadonlyArray<readonly [number, string]> = [
  [ESR_BITS.commandError, "command error: unknown mnemonic or bad syntax"],
  [ESR_BITS.executionError, "execution error: a parameter out of range"],
  [ESR_BITS.deviceError, "device-dependent error"],
  [ESR_BITS.queryError, "query error"],
];

/** What the error bits of an *ESR? value mean, e.g. ["execution error: a parameter out of range"]. */
export function describeEsr(esr: number): string[] {
  return ESR_MEANINGS.filter(([bit]) => (esr & bit) !== 0).map(([, meaning]) => meaning);
}

// ---------------------------------------------------------------------------------------
// Errors

export interface LakeShore336ErrorDetails {
  /** What went wrong, e.g. "was refused" or `gave "xyz", expected a temperature`. */
  readonly problem: string;
  /** The request line as sent, without terminator, e.g. "SETP 1,5000;*ESR?". */
  readonly command: string;
  /** The port, e.g. "tcp:192.168.1.36:7777"; the shell adds it. */
  readonly port?: string;
  readonly device?: string;
  /** The *ESR? value that came back with the request, when it shows an error. */
  readonly esr?: number;
}

/**
 * A request the 336 refused (its *ESR? error bits) or a reply that does not follow the
 * protocol. The message names the device, port and request:
 * `tc1 (Lake Shore 336 at tcp:10.0.0.3:7777): "RANGE 1,7;*ESR?" was refused: *ESR? 16 (execution error: a parameter out of range)`.
 */
export class LakeShore336Error extends HilError {
  readonly details: LakeShore336ErrorDetails;
  readonly command: string;
  readonly port: string | undefined;
  readonly esr: number | undefined;

  constructor(details: LakeShore336ErrorDetails, options?: ErrorOptions) {
    super("HIL_LAKESHORE", formatErrorMessage(details), options);
    this.details = details;
    this.command = details.command;
    this.port = details.port;
    this.esr = details.esr;
  }

  /** The same error, placed: the shell adds the port and device a pure parser cannot know. */
  placed(where: { port?: string; device?: string }): LakeShore336Error {
    return new LakeShore336Error({ ...this.details, ...where }, { cause: this.cause });
  }
}

function formatErrorMessage(d: LakeShore336ErrorDetails): string {
  const where = d.port === undefined ? "Lake Shore 336" : `Lake Shore 336 at ${d.port}`;
  const head = d.device === undefined ? where : `${d.device} (${where})`;
  const esr =
    d.esr === undefined ? "" : `: *ESR? ${d.esr} (${describeEsr(d.esr).join(", ") || "no error"})`;
  return `${head}: ${JSON.stringify(d.command)} ${d.problem}${esr}`;
}

function badReply(command: string, reply: string, expected: string): LakeShore336Error {
  return new LakeShore336Error({
    command,
    problem: `gave ${JSON.stringify(reply)}, expected ${expected}`,
  });
}

// ---------------------------------------------------------------------------------------
// Commands

export function checkInput(input: string): Input {
  if (!(INPUTS as readonly string[]).includes(input)) {
    throw new RangeError(`input must be one of ${INPUTS.join(", ")}, got ${JSON.stringify(input)}`);
  }
  return input as Input;
}

export function checkOutput(output: number): Output {
  if (!(OUTPUTS as readonly number[]).includes(output)) {
    throw new RangeError(`output must be one of ${OUTPUTS.join(", ")}, got ${output}`);
  }
  return output as Output;
}

/** A parameter as the 336 takes it: plain decimal, at most 4 decimals, never an exponent. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`a 336 number must be finite, got ${value}`);
  const text = value.toFixed(4).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}

function inRange(what: string, value: number, { min, max }: { min: number; max: number }): void {
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${what} must be within ${min}..${max}, got ${value}`);
  }
}

/** The three PID gains: P and I 0.1–1000, D 0–200 %. */
export interface PidGains {
  readonly p: number;
  readonly i: number;
  readonly d: number;
}

/** The ramp of an output's setpoint: on or off, and its rate in K/min. */
export interface RampSetting {
  readonly on: boolean;
  readonly rate: number;
}

/**
 * Command builders, without terminator. A setting given no value builds its query:
 * `commands.setpoint(1)` → "SETP? 1", `commands.setpoint(1, 100)` → "SETP 1,100".
 */
export const commands = {
  identify: (): string => "*IDN?",
  clear: (): string => "*CLS",
  eventStatus: (): string => "*ESR?",
  kelvin: (input: Input): string => `KRDG? ${checkInput(input)}`,
  readingStatus: (input: Input): string => `RDGST? ${checkInput(input)}`,
  setpoint: (output: Output, kelvin?: number): string =>
    kelvin === undefined
      ? `SETP? ${checkOutput(output)}`
      : `SETP ${checkOutput(output)},${formatNumber(kelvin)}`,
  ramp: (output: Output, setting?: RampSetting): string => {
    checkOutput(output);
    if (setting === undefined) return `RAMP? ${output}`;
    inRange("ramp rate (K/min)", setting.rate, RAMP_RATE_LIMITS);
    return `RAMP ${output},${setting.on ? 1 : 0},${formatNumber(setting.rate)}`;
  },
  rampStatus: (output: Output): string => `RAMPST? ${checkOutput(output)}`,
  range: (output: Output, range?: number): string => {
    checkOutput(output);
    if (range === undefined) return `RANGE? ${output}`;
    const top = rangeChoices(output).length - 1;
    if (!Number.isInteger(range) || range < 0 || range > top) {
      throw new RangeError(
        `range of output ${output} must be a whole number 0..${top}, got ${range}`,
      );
    }
    return `RANGE ${output},${range}`;
  },
  heater: (output: Output): string => {
    if (!isHeater(checkOutput(output))) {
      throw new RangeError(`HTR? is for the heater outputs 1 and 2, not ${output}`);
    }
    return `HTR? ${output}`;
  },
  analogOutput: (output: Output): string => {
    if (isHeater(checkOutput(output))) {
      throw new RangeError(`AOUT? is for the analog outputs 3 and 4, not ${output}`);
    }
    return `AOUT? ${output}`;
  },
  pid: (output: Output, gains?: PidGains): string => {
    checkOutput(output);
    if (gains === undefined) return `PID? ${output}`;
    inRange("P", gains.p, PID_LIMITS.p);
    inRange("I", gains.i, PID_LIMITS.i);
    inRange("D", gains.d, PID_LIMITS.d);
    return `PID ${output},${formatNumber(gains.p)},${formatNumber(gains.i)},${formatNumber(gains.d)}`;
  },
} as const;

/**
 * One request line: the commands joined by `;`, then `*ESR?`, so that every request gets a
 * reply and a refused command shows in it (a bad command alone gets no reply at all).
 * `checkedRequest(["SETP 1,100"])` → "SETP 1,100;*ESR?".
 */
export function checkedRequest(parts: readonly string[]): string {
  if (parts.length === 0) throw new RangeError("a request needs at least one command");
  return [...parts, commands.eventStatus()].join(";");
}

/** How many replies a request's commands give: one per query. */
export function repliesOf(parts: readonly string[]): number {
  return parts.filter((part) => /^\*?[A-Za-z]+\?/.test(part)).length;
}

// ---------------------------------------------------------------------------------------
// Replies

const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
const integer = /^\d+$/;

/** A checked request's reply: the queries' replies and the *ESR? value. */
export interface CheckedReply {
  readonly replies: readonly string[];
  readonly esr: number;
}

/**
 * Splits the reply of `checkedRequest(parts)` on `;`: the last field is *ESR?. Error bits
 * there throw "was refused" (a refused query sends nothing, so the fields may be fewer);
 * otherwise there must be one field per query.
 */
export function parseCheckedReply(parts: readonly string[], reply: string): CheckedReply {
  const command = checkedRequest(parts);
  const fields = reply.trim().split(";");
  const last = fields.at(-1)!.trim();
  if (!integer.test(last) || Number(last) > 255) {
    throw badReply(command, reply, "replies ending in the *ESR? value (0..255)");
  }
  const esr = Number(last);
  if ((esr & ESR_ERROR_MASK) !== 0) {
    throw new LakeShore336Error({ command, problem: "was refused", esr });
  }
  const replies = fields.slice(0, -1).map((field) => field.trim());
  const expected = repliesOf(parts);
  if (replies.length !== expected) {
    throw badReply(command, reply, `${expected} repl${expected === 1 ? "y" : "ies"} and *ESR?`);
  }
  return { replies, esr };
}

/** The channel's validate hook: a line that cannot be a checked reply is rejected (and retried). */
export function checkedReplyProblem(reply: string): string | undefined {
  const last = reply.trim().split(";").at(-1)!.trim();
  return integer.test(last) && Number(last) <= 255
    ? undefined
    : "not a reply ending in the *ESR? value";
}

/** A signed fixed-point number: `+273.150`, `-012.345`, `+056.7`. */
export function parseNumber(reply: string, command: string, what = "a number"): number {
  const text = reply.trim();
  if (!decimal.test(text)) throw badReply(command, reply, what);
  return Number(text);
}

/** KRDG?: kelvin, e.g. `+273.150`. */
export function parseKelvin(reply: string, command = "KRDG?"): number {
  return parseNumber(reply, command, "a temperature like +273.150");
}

/** A bare whole number within 0..max: `0`, `3`, `000`. */
export function parseInteger(reply: string, command: string, max: number): number {
  const text = reply.trim();
  if (!integer.test(text) || Number(text) > max) {
    throw badReply(command, reply, `a whole number 0..${max}`);
  }
  return Number(text);
}

/** RDGST?: the status bits, zero-padded to 3 digits (`000`, `032`). */
export function parseReadingStatus(reply: string, command = "RDGST?"): number {
  return parseInteger(reply, command, 255);
}

/** RAMPST?: 1 while the setpoint ramps. */
export function parseRampStatus(reply: string, command = "RAMPST?"): boolean {
  return parseInteger(reply, command, 1) === 1;
}

/** RAMP?: `1,+10.0` → {on: true, rate: 10}. */
export function parseRamp(reply: string, command = "RAMP?"): RampSetting {
  const [on, rate, ...rest] = reply.split(",").map((field) => field.trim());
  if (rest.length > 0 || (on !== "0" && on !== "1") || rate === undefined || !decimal.test(rate)) {
    throw badReply(command, reply, "<0|1>,<rate>");
  }
  return { on: on === "1", rate: Number(rate) };
}

/** PID?: `+50.0,+20.0,+0` → {p: 50, i: 20, d: 0}. */
export function parsePid(reply: string, command = "PID?"): PidGains {
  const fields = reply.split(",").map((field) => field.trim());
  if (fields.length !== 3 || !fields.every((field) => decimal.test(field))) {
    throw badReply(command, reply, "<P>,<I>,<D>");
  }
  const [p, i, d] = fields.map(Number) as [number, number, number];
  return { p, i, d };
}

/** What *IDN? says: `LSCI,MODEL336,1234567/1234567,2.9`. */
export interface LakeShore336Identity {
  readonly manufacturer: string;
  readonly model: string;
  /** `<serial>/<option card serial>`. */
  readonly serial: string;
  readonly firmware: string;
}

export function parseIdentity(reply: string, command = "*IDN?"): LakeShore336Identity {
  const fields = reply.split(",").map((field) => field.trim());
  if (fields.length !== 4 || fields.some((field) => field === "")) {
    throw badReply(command, reply, "<manufacturer>,<model>,<serial>,<firmware>");
  }
  const [manufacturer, model, serial, firmware] = fields as [string, string, string, string];
  return { manufacturer, model, serial, firmware };
}

/** True for Lake Shore (LSCI) and model 336. */
export function isModel336(identity: LakeShore336Identity): boolean {
  return identity.manufacturer === "LSCI" && /^MODEL\s*336$/i.test(identity.model);
}
