// An emulated Newport SMC100 controller chain: up to 31 addresses, each an AxisModel on a
// Clock, speaking the RS-232 ASCII protocol over a ByteTransport. It follows the fact sheet
// (../shared/reference/instruments.md §1), not the driver; every choice where the sheet says
// "unverified" is listed in drivers/newport-smc100/README.md, the single source of truth.
import type { Clock } from "../../src/core/index.js";
import { realClock } from "../../src/core/index.js";
import { PendingTimers } from "./pending-timers.js";
import type { ByteTransport } from "../../src/transports/index.js";
import { LineFramer, LineTooLongError } from "../../src/transports/index.js";
import { AxisModel } from "../motion/axis-model.js";

export interface Smc100EmulatedAxisOptions {
  /** 1..31. */
  address: number;
  /** Where the stage is at power-up (default 0); homing (OR) goes to 0. */
  position?: number;
  /** VA, units/s (default 2). */
  velocity?: number;
  /** AC, units/s² (default 8). */
  acceleration?: number;
  /** SL and SR, the software limits (default [-25, 25]); SL <= 0 <= SR. */
  limits?: readonly [number, number];
  /** End-of-run switch positions; a move across one stops there (default none). */
  hardLimits?: { low: number; high: number };
  /** ID, the stage identifier (default "EMULATED_STAGE"). */
  id?: string;
}

export interface Smc100EmulatorOptions {
  /** The controller's end of the line: a pty's far side or one end of a memory pair. */
  transport: ByteTransport;
  clock?: Clock;
  /** Default: one controller at address 1. */
  axes?: readonly Smc100EmulatedAxisOptions[];
  /** The VE text after "nnVE " (default "SMC_CC - Controller-driver version 3.0.2"). */
  version?: string;
  /** Seconds RS keeps a controller deaf before it is NOT REFERENCED again (default 3). */
  resetDuration?: number;
  /** Seconds PW0 takes to save to flash, deaf meanwhile (default 5). */
  saveDuration?: number;
}

/** Controller state codes the emulator uses (TS's last byte). */
export const SMC100_STATES = {
  notReferencedFromReset: 0x0a,
  notReferencedFromHoming: 0x0b,
  notReferencedFromConfiguration: 0x0c,
  configuration: 0x14,
  homing: 0x1e,
  moving: 0x28,
  readyFromHoming: 0x32,
  readyFromMoving: 0x33,
  readyFromDisable: 0x34,
  disableFromReady: 0x3c,
  disableFromMoving: 0x3d,
} as const;

const S = SMC100_STATES;

type Group = "NOT_REFERENCED" | "CONFIGURATION" | "HOMING" | "MOVING" | "READY" | "DISABLE";

function groupOf(state: number): Group {
  if (state < 0x14) return "NOT_REFERENCED";
  if (state === 0x14) return "CONFIGURATION";
  if (state < 0x28) return "HOMING";
  if (state === 0x28) return "MOVING";
  if (state < 0x3c) return "READY";
  return "DISABLE";
}

/** The TE letter of a command refused in a state: H, I, J, K, L, M. */
const refusal: Record<Group, string> = {
  NOT_REFERENCED: "H",
  CONFIGURATION: "I",
  DISABLE: "J",
  READY: "K",
  HOMING: "L",
  MOVING: "M",
};

/** The TB texts: the fact sheet's meanings, capitalised (the controller's wording is unverified). */
const errorTexts: Readonly<Record<string, string>> = {
  "@": "No error",
  A: "Unknown message code or floating-point controller address",
  B: "Controller address not correct",
  C: "Parameter missing or out of range",
  D: "Command not allowed",
  E: "Home sequence already started",
  F: "ESP stage name unknown",
  G: "Displacement out of limits",
  H: "Command not allowed in NOT REFERENCED state",
  I: "Command not allowed in CONFIGURATION state",
  J: "Command not allowed in DISABLE state",
  K: "Command not allowed in READY state",
  L: "Command not allowed in HOMING state",
  M: "Command not allowed in MOVING state",
  N: "Current position out of software limit",
  S: "Communication time-out",
  U: "Error during EEPROM access",
  V: "Error during command execution",
  W: "Command not allowed for PP version",
  X: "Command not allowed for CC version",
};

/** The line one controller prints when it comes out of RS (content unverified). */
export const SMC100_RESET_JUNK = "\x1b?\x7f";

const decimal = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Plain decimal, at most 6 decimals, no trailing zeros: "12.5", "-0.000012", "2". */
function formatValue(value: number): string {
  const text = value.toFixed(6).replace(/\.?0+$/, "");
  return text === "-0" ? "0" : text;
}

interface Settings {
  velocity: number;
  acceleration: number;
  low: number;
  high: number;
  id: string;
}

/** One controller: its state machine, settings (live and saved) and motion model. */
class EmulatedController {
  readonly address: number;
  state: number = S.notReferencedFromReset;
  /** What TE reports; every command but TE/TB overwrites it, TE clears it. */
  lastError = "@";
  /** Positioner error bits set by a fault; MM1, OR and RS clear them. */
  latchedErrors = 0;
  /** Commands arriving before this time go unheard (RS, PW0 in progress). */
  deafUntil = -Infinity;
  target: number;
  /** The last PR displacement, which PR? reports. */
  displacement = 0;
  axis: AxisModel;
  /** The state a motion (move, home, stop) ends in, while one is under way. */
  private endState: number | undefined;
  private live: Settings;
  private saved: Settings;
  private readonly hardLimits: { low: number; high: number } | undefined;

  constructor(options: Smc100EmulatedAxisOptions) {
    const { address, position = 0, velocity = 2, acceleration = 8 } = options;
    if (!Number.isInteger(address) || address < 1 || address > 31) {
      throw new RangeError(`SMC100 emulator: address must be 1..31, got ${address}`);
    }
    const [low, high] = options.limits ?? [-25, 25];
    if (!(low <= 0 && high >= 0)) {
      throw new RangeError(
        `SMC100 emulator: limits must have SL <= 0 <= SR, got [${low}, ${high}]`,
      );
    }
    this.address = address;
    this.hardLimits = options.hardLimits;
    this.saved = { velocity, acceleration, low, high, id: options.id ?? "EMULATED_STAGE" };
    this.live = { ...this.saved };
    this.target = position;
    this.axis = this.model(position);
  }

  get settings(): Readonly<Settings> {
    return this.live;
  }

  /** Applies what the clock has brought: a finished motion leaves its end state. */
  settle(now: number): void {
    if (this.endState === undefined || now < this.axis.arrivalTime) return;
    this.state = this.axis.stoppedByLimitAt(now) ? S.disableFromMoving : this.endState;
    this.endState = undefined;
  }

  errorWord(now: number): number {
    const { low, high } = this.axis.limitSwitchesAt(now);
    return this.latchedErrors | (low ? 0x0001 : 0) | (high ? 0x0002 : 0);
  }

  moveTo(target: number, now: number): void {
    this.target = target;
    this.axis.move(target, now);
    this.state = S.moving;
    this.endState = S.readyFromMoving;
  }

  home(now: number): void {
    this.target = 0;
    this.latchedErrors = 0;
    this.axis.move(0, now);
    this.state = S.homing;
    this.endState = S.readyFromHoming;
  }

  /** ST: decelerate; a move ends READY 33, a home search NOT REFERENCED 0B. */
  stop(now: number): void {
    if (this.endState === undefined) return;
    this.axis.stop(now);
    if (this.state === S.homing) this.endState = S.notReferencedFromHoming;
  }

  /** RS or a power cut: the motor stops where it is, live settings return to saved ones. */
  reset(now: number): void {
    this.live = { ...this.saved };
    this.axis = this.model(this.axis.positionAt(now));
    this.target = this.axis.positionAt(now);
    this.endState = undefined;
    this.state = S.notReferencedFromReset;
    this.latchedErrors = 0;
    this.lastError = "@";
  }

  /** A positioner fault: motion stops at once, the bits latch, a move ends DISABLE 3D. */
  fault(mask: number, now: number): void {
    const moving = this.endState !== undefined;
    this.axis = this.model(this.axis.positionAt(now));
    this.latchedErrors |= mask & 0x03ff;
    this.endState = undefined;
    if (moving)
      this.state = this.state === S.homing ? S.notReferencedFromHoming : S.disableFromMoving;
  }

  set(key: "velocity" | "acceleration" | "low" | "high", value: number): void {
    this.live[key] = value;
    if (key === "velocity") this.axis.maxVelocity = value;
    if (key === "acceleration") this.axis.acceleration = value;
  }

  setId(id: string): void {
    this.live.id = id;
  }

  save(): void {
    this.saved = { ...this.live };
  }

  private model(position: number): AxisModel {
    return new AxisModel({
      position,
      maxVelocity: this.live.velocity,
      acceleration: this.live.acceleration,
      hardLimits: this.hardLimits,
    });
  }
}

/** What a handled command gives: a reply line (for queries) and the TE letter it leaves. */
interface Outcome {
  reply?: string;
  error: string;
}

const ok: Outcome = { error: "@" };
const fail = (error: string): Outcome => ({ error });

/**
 * SMC100 controllers on one RS-232 line. Commands in, replies out, set commands silent,
 * errors only through TE; motion on AxisModels, evaluated when asked, so a VirtualClock
 * makes a 10 s move instant. Fault hooks for tests: injectGarbage, dropNextReply,
 * delayReplies, cutPower, injectPositionerError.
 */
export class Smc100Emulator {
  readonly transport: ByteTransport;
  readonly clock: Clock;
  /** Every line received, in order, as sent (for tests). */
  readonly received: string[] = [];
  private readonly controllers = new Map<number, EmulatedController>();
  private readonly first: EmulatedController;
  private readonly version: string;
  private readonly resetDuration: number;
  private readonly saveDuration: number;
  /** Input lines end in CR LF; a runaway line past 256 bytes is dropped, as a small buffer would. */
  private readonly framer = new LineFramer({ terminator: "\r\n", maxLength: 256 });
  private dropReplies = 0;
  private replyDelay = 0;
  private readonly timers: PendingTimers;
  private stopListening: Array<() => void> = [];

  constructor(options: Smc100EmulatorOptions) {
    const { transport, clock = realClock, axes = [{ address: 1 }] } = options;
    this.transport = transport;
    this.clock = clock;
    this.timers = new PendingTimers(clock);
    this.version = options.version ?? "SMC_CC - Controller-driver version 3.0.2";
    this.resetDuration = options.resetDuration ?? 3;
    this.saveDuration = options.saveDuration ?? 5;
    for (const axis of axes) {
      if (this.controllers.has(axis.address)) {
        throw new RangeError(`SMC100 emulator: address ${axis.address} given twice`);
      }
      this.controllers.set(axis.address, new EmulatedController(axis));
    }
    const first = this.controllers.values().next().value;
    if (!first) throw new RangeError("SMC100 emulator: needs at least one axis");
    this.first = first;
  }

  /** Opens the transport if needed and starts answering. */
  async start(): Promise<void> {
    if (!this.transport.isOpen) await this.transport.open();
    this.stopListening.push(
      this.transport.onData((chunk) => this.receive(chunk)),
      this.transport.onClose(() => this.cancelTimers()),
    );
  }

  /** Stops answering and closes the transport. */
  async close(): Promise<void> {
    for (const stop of this.stopListening.splice(0)) stop();
    this.cancelTimers();
    if (this.transport.isOpen) await this.transport.close();
  }

  // ---- inspection, for tests --------------------------------------------------------

  /** The controller state byte at `address` now. */
  stateOf(address = this.first.address): number {
    const controller = this.controller(address);
    controller.settle(this.clock.now());
    return controller.state;
  }

  /** The true position at `address` now. */
  positionOf(address = this.first.address): number {
    return this.controller(address).axis.positionAt(this.clock.now());
  }

  // ---- fault injection --------------------------------------------------------------

  /** Sends a line nobody asked for, e.g. line noise. */
  injectGarbage(text = "#~?!"): void {
    this.send(`${text}\r\n`, 0);
  }

  /** The next reply is lost on the wire. */
  dropNextReply(): void {
    this.dropReplies++;
  }

  /** Every reply from now on leaves `seconds` late on the emulator's clock (0 to end). */
  delayReplies(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`delayReplies: seconds must be >= 0, got ${seconds}`);
    this.replyDelay = seconds;
  }

  /**
   * The controllers lose power and come back: motion stops where it is, every address is
   * NOT REFERENCED from RESET with its saved settings, and a NUL byte goes down the line.
   */
  cutPower(): void {
    const now = this.clock.now();
    for (const controller of this.controllers.values()) controller.reset(now);
    this.send("\0", 0);
  }

  /** A positioner fault (TS error bits, e.g. 0x0020 following error) at `address`. */
  injectPositionerError(mask: number, address = this.first.address): void {
    this.controller(address).fault(mask, this.clock.now());
  }

  // ---- the line ---------------------------------------------------------------------

  private receive(chunk: Uint8Array): void {
    let lines: readonly string[];
    try {
      lines = this.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      lines = error.lines;
    }
    for (const line of lines) {
      this.received.push(line);
      this.handle(line);
    }
  }

  private handle(line: string): void {
    const now = this.clock.now();
    const match = /^\s*([0-9.]*)([A-Za-z]{2})(.*?)\s*$/.exec(line);
    if (!match) {
      this.first.lastError = "A";
      return;
    }
    const [, addressText = "", rawMnemonic = "", parameter = ""] = match;
    const mnemonic = rawMnemonic.toUpperCase();
    if (addressText === "") {
      if (mnemonic === "ST" && parameter === "") {
        for (const controller of this.controllers.values()) this.stopAxis(controller, now);
      } else {
        this.first.lastError = "A";
      }
      return;
    }
    if (!/^\d+$/.test(addressText)) {
      this.first.lastError = "A";
      return;
    }
    const address = Number(addressText);
    if (address < 1 || address > 31) {
      this.first.lastError = "B";
      return;
    }
    const controller = this.controllers.get(address);
    if (!controller || now < controller.deafUntil) return; // nobody listening
    controller.settle(now);
    const outcome = this.execute(controller, mnemonic, parameter, now);
    if (mnemonic !== "TE" && mnemonic !== "TB") controller.lastError = outcome.error;
    if (outcome.reply !== undefined) this.reply(`${address}${mnemonic}${outcome.reply}`);
  }

  private execute(c: EmulatedController, mnemonic: string, param: string, now: number): Outcome {
    const group = groupOf(c.state);
    const none = (result: () => Outcome): Outcome => (param === "" ? result() : fail("C"));
    switch (mnemonic) {
      case "TP":
        return none(() => ({ reply: formatValue(c.axis.readbackAt(now)), error: "@" }));
      case "TS":
        return none(() => ({ reply: this.status(c, now), error: "@" }));
      case "TE":
        return none(() => {
          const letter = c.lastError;
          c.lastError = "@";
          return { reply: letter, error: "@" };
        });
      case "TB": {
        const letter = param === "" ? c.lastError : param.toUpperCase();
        const text = errorTexts[letter];
        if (text === undefined) return fail("C");
        if (param === "") c.lastError = "@";
        return { reply: `${letter} ${text}`, error: "@" };
      }
      case "VE":
        return none(() => ({ reply: ` ${this.version}`, error: "@" }));
      case "ID":
        if (param === "?") return { reply: c.settings.id, error: "@" };
        if (param === "" || param.length > 31) return fail("C");
        if (group !== "CONFIGURATION") return fail(refusal[group]);
        c.setId(param);
        return ok;
      case "PA":
      case "PR":
        return this.move(c, mnemonic, param, now);
      case "VA":
      case "AC":
      case "SL":
      case "SR":
        return this.setting(c, mnemonic, param);
      case "ST":
        return none(() => (this.stopAxis(c, now), ok));
      case "OR":
        return none(() => {
          if (group === "HOMING") return fail("E");
          if (group !== "NOT_REFERENCED") return fail(refusal[group]);
          c.home(now);
          return ok;
        });
      case "RS":
        return none(() => {
          c.reset(now);
          c.deafUntil = now + this.resetDuration;
          this.timers.later(this.resetDuration, () => this.send(`${SMC100_RESET_JUNK}\r\n`, 0));
          return ok;
        });
      case "PW":
        return this.configuration(c, param, now);
      case "MM":
        return this.disable(c, param);
      default:
        return fail("A");
    }
  }

  private status(c: EmulatedController, now: number): string {
    const hex = (value: number, digits: number): string =>
      value.toString(16).toUpperCase().padStart(digits, "0");
    return `${hex(c.errorWord(now), 4)}${hex(c.state, 2)}`;
  }

  /** PA/PR: query, or move within SL..SR (PA out of range: C; PR out of range: G). */
  private move(c: EmulatedController, mnemonic: "PA" | "PR", param: string, now: number): Outcome {
    if (param === "?") {
      const value = mnemonic === "PA" ? c.target : c.displacement;
      return { reply: formatValue(value), error: "@" };
    }
    if (!decimal.test(param)) return fail("C");
    const group = groupOf(c.state);
    if (group !== "READY") return fail(refusal[group]);
    const value = Number(param);
    const target = mnemonic === "PA" ? value : c.axis.positionAt(now) + value;
    const { low, high } = c.settings;
    if (target < low || target > high) return fail(mnemonic === "PA" ? "C" : "G");
    if (mnemonic === "PR") c.displacement = value;
    c.moveTo(target, now);
    return ok;
  }

  /** VA/AC (> 0) and SL (<= 0) / SR (>= 0): query in any state, set in CONFIG or READY. */
  private setting(c: EmulatedController, mnemonic: string, param: string): Outcome {
    const key = ({ VA: "velocity", AC: "acceleration", SL: "low", SR: "high" } as const)[
      mnemonic as "VA" | "AC" | "SL" | "SR"
    ];
    if (param === "?") return { reply: formatValue(c.settings[key]), error: "@" };
    if (!decimal.test(param)) return fail("C");
    const value = Number(param);
    const fits =
      key === "low" ? value <= 0 : key === "high" ? value >= 0 : value > 0 && value < 1e12;
    if (!fits) return fail("C");
    const group = groupOf(c.state);
    if (group !== "CONFIGURATION" && group !== "READY") return fail(refusal[group]);
    c.set(key, value);
    return ok;
  }

  /** PW1: NOT REF → CONFIGURATION; PW0: save (deaf for saveDuration) → NOT REF 0C. */
  private configuration(c: EmulatedController, param: string, now: number): Outcome {
    const group = groupOf(c.state);
    if (param === "1") {
      if (group !== "NOT_REFERENCED") return fail(refusal[group]);
      c.state = S.configuration;
      return ok;
    }
    if (param === "0") {
      if (group !== "CONFIGURATION") return fail(refusal[group]);
      c.save();
      c.state = S.notReferencedFromConfiguration;
      c.deafUntil = now + this.saveDuration;
      return ok;
    }
    return fail("C");
  }

  /** MM0: READY → DISABLE 3C; MM1: DISABLE → READY 34, clearing latched faults. */
  private disable(c: EmulatedController, param: string): Outcome {
    const group = groupOf(c.state);
    if (param === "0") {
      if (group === "DISABLE") return ok;
      if (group !== "READY") return fail(refusal[group]);
      c.state = S.disableFromReady;
      return ok;
    }
    if (param === "1") {
      if (group === "READY") return ok;
      if (group !== "DISABLE") return fail(refusal[group]);
      c.latchedErrors = 0;
      c.state = S.readyFromDisable;
      return ok;
    }
    return fail("C");
  }

  private stopAxis(c: EmulatedController, now: number): void {
    c.settle(now);
    c.stop(now);
  }

  private controller(address: number): EmulatedController {
    const controller = this.controllers.get(address);
    if (!controller) throw new RangeError(`SMC100 emulator: no controller at address ${address}`);
    return controller;
  }

  private reply(line: string): void {
    if (this.dropReplies > 0) {
      this.dropReplies--;
      return;
    }
    this.send(`${line}\r\n`, this.replyDelay);
  }

  private send(text: string, delay: number): void {
    const write = (): void => {
      if (!this.transport.isOpen) return;
      this.transport.write(Buffer.from(text, "latin1")).catch(() => undefined);
    };
    if (delay > 0) this.timers.later(delay, write);
    else write();
  }

  private cancelTimers(): void {
    this.timers.cancelAll();
  }
}
