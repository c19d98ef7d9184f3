// The Newport SMC100 (CC/PP) RS-232 protocol as data and pure functions: command strings
// out, reply lines in. No I/O here; smc100-exchanges.ts is the shell. See README.md.
import { HilError } from "../../src/core/index.js";

/** Line settings of the RS-232 port; commands and replies both end in CR LF. */
export const SMC100_LINE = {
  baud: 57600,
  dataBits: 8,
  parity: "none",
  stopBits: 1,
  terminator: "\r\n",
} as const;

/** Controller addresses on the internal RS-485 link; the RS-232 unit is usually 1. */
export const MIN_ADDRESS = 1;
export const MAX_ADDRESS = 31;

// ---------------------------------------------------------------------------------------
// Controller states (last two hex digits of TS)

export type StateGroup =
  "NOT_REFERENCED" | "CONFIGURATION" | "HOMING" | "MOVING" | "READY" | "DISABLE" | "JOGGING";

export interface ControllerState {
  /** The state byte, e.g. 0x33. */
  readonly code: number;
  /** As the manual names it, e.g. "READY from MOVING". */
  readonly name: string;
  readonly group: StateGroup;
}

const stateRows: ReadonlyArray<readonly [number, string, StateGroup]> = [
  [0x0a, "NOT REFERENCED from RESET", "NOT_REFERENCED"],
  [0x0b, "NOT REFERENCED from HOMING", "NOT_REFERENCED"],
  [0x0c, "NOT REFERENCED from CONFIGURATION", "NOT_REFERENCED"],
  [0x0d, "NOT REFERENCED from DISABLE", "NOT_REFERENCED"],
  [0x0e, "NOT REFERENCED from READY", "NOT_REFERENCED"],
  [0x0f, "NOT REFERENCED from MOVING", "NOT_REFERENCED"],
  [0x10, "NOT REFERENCED - ESP stage error", "NOT_REFERENCED"],
  [0x11, "NOT REFERENCED from JOGGING", "NOT_REFERENCED"],
  [0x14, "CONFIGURATION", "CONFIGURATION"],
  [0x1e, "HOMING commanded from RS-232", "HOMING"],
  [0x1f, "HOMING commanded by SMC-RC", "HOMING"],
  [0x28, "MOVING", "MOVING"],
  [0x32, "READY from HOMING", "READY"],
  [0x33, "READY from MOVING", "READY"],
  [0x34, "READY from DISABLE", "READY"],
  [0x35, "READY from JOGGING", "READY"],
  [0x3c, "DISABLE from READY", "DISABLE"],
  [0x3d, "DISABLE from MOVING", "DISABLE"],
  [0x3e, "DISABLE from JOGGING", "DISABLE"],
  [0x46, "JOGGING from READY", "JOGGING"],
  [0x47, "JOGGING from DISABLE", "JOGGING"],
];

/** Every controller state of the manual, by code. */
export const CONTROLLER_STATES: ReadonlyMap<number, ControllerState> = new Map(
  stateRows.map(([code, name, group]) => [code, { code, name, group }]),
);

/** The same states by name, e.g. "READY from MOVING" (the names are unique). */
export const CONTROLLER_STATES_BY_NAME: ReadonlyMap<string, ControllerState> = new Map(
  [...CONTROLLER_STATES.values()].map((state) => [state.name, state]),
);

// ---------------------------------------------------------------------------------------
// Positioner error word (first four hex digits of TS)

export type PositionerErrorName =
  | "negativeEndOfRun"
  | "positiveEndOfRun"
  | "peakCurrentLimit"
  | "rmsCurrentLimit"
  | "shortCircuit"
  | "followingError"
  | "homingTimeout"
  | "wrongEspStage"
  | "dcVoltageTooLow"
  | "outputPowerExceeded";

export interface PositionerErrorBit {
  readonly name: PositionerErrorName;
  readonly mask: number;
  readonly meaning: string;
}

/** Bits 0..9 of the error word; bits 10..15 are unused. */
export const POSITIONER_ERRORS: readonly PositionerErrorBit[] = [
  { name: "negativeEndOfRun", mask: 0x0001, meaning: "negative end of run" },
  { name: "positiveEndOfRun", mask: 0x0002, meaning: "positive end of run" },
  { name: "peakCurrentLimit", mask: 0x0004, meaning: "peak current limit" },
  { name: "rmsCurrentLimit", mask: 0x0008, meaning: "RMS current limit" },
  { name: "shortCircuit", mask: 0x0010, meaning: "short circuit detection" },
  { name: "followingError", mask: 0x0020, meaning: "following error" },
  { name: "homingTimeout", mask: 0x0040, meaning: "homing time-out" },
  { name: "wrongEspStage", mask: 0x0080, meaning: "wrong ESP stage" },
  { name: "dcVoltageTooLow", mask: 0x0100, meaning: "DC voltage too low" },
  { name: "outputPowerExceeded", mask: 0x0200, meaning: "80 W output power exceeded" },
];

export type PositionerErrors = Readonly<Record<PositionerErrorName, boolean>>;

/** The flags of an error word, by name. */
export function positionerErrors(word: number): PositionerErrors {
  return Object.fromEntries(
    POSITIONER_ERRORS.map(({ name, mask }) => [name, (word & mask) !== 0]),
  ) as Record<PositionerErrorName, boolean>;
}

/** The meanings of the bits set in an error word, e.g. ["positive end of run"]. */
export function describePositionerErrors(word: number): string[] {
  const known = POSITIONER_ERRORS.filter(({ mask }) => (word & mask) !== 0).map((b) => b.meaning);
  const unknown = word & ~0x03ff;
  return unknown === 0 ? known : [...known, `unused bits 0x${hex(unknown, 4)}`];
}

// ---------------------------------------------------------------------------------------
// Command error letters (TE, TB)

/** What each TE letter means. */
export const COMMAND_ERRORS: ReadonlyMap<string, string> = new Map([
  ["@", "no error"],
  ["A", "unknown message code or floating-point controller address"],
  ["B", "controller address not correct"],
  ["C", "parameter missing or out of range"],
  ["D", "command not allowed"],
  ["E", "home sequence already started"],
  ["F", "ESP stage name unknown"],
  ["G", "displacement out of limits"],
  ["H", "command not allowed in NOT REFERENCED state"],
  ["I", "command not allowed in CONFIGURATION state"],
  ["J", "command not allowed in DISABLE state"],
  ["K", "command not allowed in READY state"],
  ["L", "command not allowed in HOMING state"],
  ["M", "command not allowed in MOVING state"],
  ["N", "current position out of software limit"],
  ["S", "communication time-out"],
  ["U", "error during EEPROM access"],
  ["V", "error during command execution"],
  ["W", "command not allowed for PP version"],
  ["X", "command not allowed for CC version"],
]);

/** The letter TE gives when the last command was accepted. */
export const NO_ERROR = "@";

export function describeCommandError(letter: string): string {
  return COMMAND_ERRORS.get(letter) ?? `unknown error letter ${JSON.stringify(letter)}`;
}

// ---------------------------------------------------------------------------------------
// Errors

export interface Smc100ErrorDetails {
  /** What went wrong, e.g. "was refused" or `gave "xyz", expected "1TP<number>"`. */
  readonly problem: string;
  readonly address: number;
  /** The command as sent, without terminator, e.g. "1PA12.5". */
  readonly command: string;
  /** The port, e.g. "serial:/dev/ttyUSB0"; added by the shell, pure parsers do not know it. */
  readonly port?: string;
  /** The device, e.g. "m1". */
  readonly device?: string;
  /** The TE letter that reported the failure. */
  readonly letter?: string;
}

/**
 * A failure the SMC100 reported (a TE letter, a positioner error, a fault state) or a reply
 * that does not follow the protocol. The message names the device, port, address, command
 * and, for a TE letter, the letter and its meaning.
 */
export class Smc100Error extends HilError {
  readonly details: Smc100ErrorDetails;
  readonly address: number;
  readonly command: string;
  readonly port: string | undefined;
  readonly letter: string | undefined;
  readonly meaning: string | undefined;

  constructor(details: Smc100ErrorDetails, options?: ErrorOptions) {
    super("HIL_SMC100", formatErrorMessage(details), options);
    this.details = details;
    this.address = details.address;
    this.command = details.command;
    this.port = details.port;
    this.letter = details.letter;
    this.meaning = details.letter === undefined ? undefined : describeCommandError(details.letter);
  }

  /** The same error, placed: the shell adds the port and device a pure parser cannot know. */
  placed(where: { port?: string; device?: string }): Smc100Error {
    return new Smc100Error({ ...this.details, ...where }, { cause: this.cause });
  }
}

function formatErrorMessage(d: Smc100ErrorDetails): string {
  const where = [d.port === undefined ? "SMC100" : `SMC100 at ${d.port}`, `address ${d.address}`];
  const head = d.device === undefined ? where.join(", ") : `${d.device} (${where.join(", ")})`;
  const letter =
    d.letter === undefined ? "" : `: TE ${d.letter} (${describeCommandError(d.letter)})`;
  return `${head}: ${JSON.stringify(d.command)} ${d.problem}${letter}`;
}

// ---------------------------------------------------------------------------------------
// Commands

export type Mnemonic =
  | "PA"
  | "PR"
  | "TP"
  | "TS"
  | "ST"
  | "VA"
  | "AC"
  | "OR"
  | "RS"
  | "SL"
  | "SR"
  | "TE"
  | "TB"
  | "ID"
  | "VE"
  | "PW"
  | "MM";

/** What the controller says back: a query echoes `<nn><CC>` then the value; a set says nothing. */
export type CommandForm =
  /** `nnCC<value>` sets silently, `nnCC?` replies `nnCC<value>`. */
  | "settable"
  /** `nnCC` replies `nnCC<value>`. */
  | "get"
  /** `nnCC` or `nnCC<arg>` acts silently. */
  | "action";

export interface CommandSpec {
  readonly mnemonic: Mnemonic;
  readonly form: CommandForm;
  readonly meaning: string;
}

const commandRows: ReadonlyArray<readonly [Mnemonic, CommandForm, string]> = [
  ["PA", "settable", "move absolute; ? gives the target"],
  ["PR", "settable", "move relative"],
  ["TP", "get", "current position"],
  ["TS", "get", "positioner errors and controller state"],
  ["ST", "action", "stop motion; without address, every axis"],
  ["VA", "settable", "velocity, units/s"],
  ["AC", "settable", "acceleration, units/s²"],
  ["OR", "action", "home search"],
  ["RS", "action", "reset, as at power-up"],
  ["SL", "settable", "negative software limit (<= 0)"],
  ["SR", "settable", "positive software limit (>= 0)"],
  ["TE", "get", "last command error letter"],
  ["TB", "get", "command error string"],
  ["ID", "settable", "stage identifier"],
  ["VE", "get", "firmware version"],
  ["PW", "action", "enter (1) or leave (0) CONFIGURATION"],
  ["MM", "action", "enter (0) or leave (1) DISABLE"],
];

/** The commands this driver uses, by mnemonic. */
export const COMMANDS: ReadonlyMap<Mnemonic, CommandSpec> = new Map(
  commandRows.map(([mnemonic, form, meaning]) => [mnemonic, { mnemonic, form, meaning }]),
);

/** Throws a RangeError unless `address` is an integer 1..31. */
export function checkAddress(address: number): number {
  if (!Number.isInteger(address) || address < MIN_ADDRESS || address > MAX_ADDRESS) {
    throw new RangeError(
      `SMC100 address must be an integer ${MIN_ADDRESS}..${MAX_ADDRESS}, got ${address}`,
    );
  }
  return address;
}

/**
 * A number as the controller reads it: plain decimal, never an exponent, at most 6
 * decimals (the resolution its replies carry), no trailing zeros: 12.5, -0.000012, 2.
 */
export function formatNumber(value: number): string {
  if (!(Math.abs(value) < 1e15)) {
    throw new RangeError(`SMC100 parameter must be a finite number below 1e15, got ${value}`);
  }
  const text = value.toFixed(6).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}

function line(address: number, mnemonic: Mnemonic, parameter = ""): string {
  return `${checkAddress(address)}${mnemonic}${parameter}`;
}

/** `nnCC<value>` to set, `nnCC?` to query when value is undefined. */
function settable(mnemonic: Mnemonic) {
  return (address: number, value?: number): string =>
    line(address, mnemonic, value === undefined ? "?" : formatNumber(value));
}

function flag(mnemonic: Mnemonic) {
  return (address: number, on: 0 | 1): string => {
    if (on !== 0 && on !== 1) throw new RangeError(`${mnemonic} takes 0 or 1, got ${String(on)}`);
    return line(address, mnemonic, String(on));
  };
}

/**
 * Command builders, without the CR LF terminator (the channel adds it). A settable command
 * given no value builds its query: `commands.VA(1)` → "1VA?", `commands.VA(1, 2)` → "1VA2".
 */
export const commands = {
  PA: settable("PA"),
  PR: settable("PR"),
  VA: settable("VA"),
  AC: settable("AC"),
  SL: settable("SL"),
  SR: settable("SR"),
  TP: (address: number): string => line(address, "TP"),
  TS: (address: number): string => line(address, "TS"),
  TE: (address: number): string => line(address, "TE"),
  VE: (address: number): string => line(address, "VE"),
  OR: (address: number): string => line(address, "OR"),
  RS: (address: number): string => line(address, "RS"),
  /** Without an address: the global stop every unit on the link obeys. */
  ST: (address?: number): string => (address === undefined ? "ST" : line(address, "ST")),
  /** Without a letter: the last command error as a string. */
  TB: (address: number, letter?: string): string => {
    if (letter !== undefined && !COMMAND_ERRORS.has(letter)) {
      throw new RangeError(`TB takes an error letter (@, A..X), got ${JSON.stringify(letter)}`);
    }
    return line(address, "TB", letter);
  },
  /** Without a name: the query "nnID?". Setting is only allowed in CONFIGURATION. */
  ID: (address: number, name?: string): string => {
    if (name !== undefined && !/^[\x21-\x7e][\x20-\x7e]{0,30}$/.test(name)) {
      throw new RangeError(`ID takes 1..31 printable characters, got ${JSON.stringify(name)}`);
    }
    return line(address, "ID", name ?? "?");
  },
  PW: flag("PW"),
  MM: flag("MM"),
} as const;

// ---------------------------------------------------------------------------------------
// Replies

/** A NUL byte in the stream: the motor power supply was cut and restored (hvl_ccb). */
export function hasPowerCutMarker(reply: string): boolean {
  return reply.includes("\0");
}

/**
 * Why a reply is not the answer to `<address><mnemonic>`, or undefined when it is: the
 * channel's validate hook, so line noise and late replies are retried, not parsed. A line
 * with a NUL byte passes, so the parser can report the power cut instead of a retry hiding it.
 */
export function echoProblem(
  reply: string,
  address: number,
  mnemonic: Mnemonic,
): string | undefined {
  if (hasPowerCutMarker(reply) || echoPrefix(address, mnemonic).test(reply.trim()))
    return undefined;
  return `expected a reply starting with ${JSON.stringify(`${address}${mnemonic}`)}`;
}

function echoPrefix(address: number, mnemonic: Mnemonic): RegExp {
  return new RegExp(`^0*${address}${mnemonic}`, "i");
}

/**
 * The payload of a reply after its echoed `<nn><CC>` prefix, trimmed, e.g. "12.5" from
 * "1TP12.5". Throws an Smc100Error when the reply is someone else's or was cut by a NUL.
 */
export function stripEcho(reply: string, address: number, mnemonic: Mnemonic): string {
  const command = `${address}${mnemonic}`;
  if (hasPowerCutMarker(reply)) {
    throw new Smc100Error({
      address,
      command,
      problem: `got a NUL byte in ${JSON.stringify(reply)}: the motor power supply was cut`,
    });
  }
  const text = reply.trim();
  const match = echoPrefix(address, mnemonic).exec(text);
  if (!match) {
    throw new Smc100Error({
      address,
      command,
      problem: `got ${JSON.stringify(reply)}, expected a reply starting with ${JSON.stringify(command)}`,
    });
  }
  return text.slice(match[0].length).trim();
}

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number of a `<nn><CC><number>` reply: TP, and the queries PA?, VA?, AC?, SL?, SR?. */
export function parseNumberReply(reply: string, address: number, mnemonic: Mnemonic): number {
  const payload = stripEcho(reply, address, mnemonic);
  if (!decimal.test(payload)) {
    throw new Smc100Error({
      address,
      command: `${address}${mnemonic}`,
      problem: `got ${JSON.stringify(reply)}, expected a number after ${address}${mnemonic}`,
    });
  }
  return Number(payload);
}

/** The text of a `<nn><CC><text>` reply: ID?, VE. */
export function parseTextReply(reply: string, address: number, mnemonic: Mnemonic): string {
  return stripEcho(reply, address, mnemonic);
}

export interface Smc100Status {
  /** The 16-bit positioner error word. */
  readonly errorWord: number;
  readonly errors: PositionerErrors;
  readonly state: ControllerState;
}

/** A TS reply: `1TS00000A` → no errors, NOT REFERENCED from RESET. */
export function parseStatusReply(reply: string, address: number): Smc100Status {
  const payload = stripEcho(reply, address, "TS");
  const bad = (why: string): Smc100Error =>
    new Smc100Error({
      address,
      command: `${address}TS`,
      problem: `got ${JSON.stringify(reply)}: ${why}`,
    });
  if (!/^[0-9a-f]{6}$/i.test(payload)) throw bad("expected 4 hex digits of errors and 2 of state");
  const errorWord = parseInt(payload.slice(0, 4), 16);
  const code = parseInt(payload.slice(4), 16);
  const state = CONTROLLER_STATES.get(code);
  if (!state) throw bad(`unknown controller state 0x${hex(code, 2)}`);
  return { errorWord, errors: positionerErrors(errorWord), state };
}

export interface CommandErrorReport {
  readonly letter: string;
  readonly meaning: string;
}

/** A TE reply: `1TE@` → no error, `1TEC` → parameter missing or out of range. */
export function parseErrorReply(reply: string, address: number): CommandErrorReport {
  const letter = stripEcho(reply, address, "TE");
  if (!/^[@A-Z]$/.test(letter)) {
    throw new Smc100Error({
      address,
      command: `${address}TE`,
      problem: `got ${JSON.stringify(reply)}, expected one error letter (@, A..X)`,
    });
  }
  return { letter, meaning: describeCommandError(letter) };
}

export interface ErrorStringReport {
  readonly letter: string;
  /** The controller's own wording, e.g. "Parameter missing or out of range". */
  readonly text: string;
}

/** A TB reply: `1TBC Parameter missing or out of range` → letter C and its text. */
export function parseErrorStringReply(reply: string, address: number): ErrorStringReport {
  const payload = stripEcho(reply, address, "TB");
  const match = /^([@A-Z])\s*(.*)$/.exec(payload);
  if (!match) {
    throw new Smc100Error({
      address,
      command: `${address}TB`,
      problem: `got ${JSON.stringify(reply)}, expected an error letter and its text`,
    });
  }
  return { letter: match[1]!, text: match[2]! };
}

/** True for the READY states 32..35, where a move has ended in position. */
export function isReady(state: ControllerState): boolean {
  return state.group === "READY";
}

/** An uppercase hex string of `digits` digits. */
function hex(value: number, digits: number): string {
  return value.toString(16).toUpperCase().padStart(digits, "0");
}
