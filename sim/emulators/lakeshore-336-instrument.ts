// The inside of an emulated Lake Shore Model 336: two heater loops on thermal models, the
// settings of all four outputs, the event status register, and what one request line does to
// them. Line handling lives in lakeshore-336-emulator.ts. It follows the fact sheet
// (../shared/reference/instruments.md §2), not the driver; the choices where the sheet is
// silent are listed in drivers/lakeshore-336/README.md.
import type { Clock } from "../../src/core/index.js";
import type { PidControllerOptions } from "../thermal/pid-controller.js";
import { ThermalLoop } from "../thermal/thermal-loop.js";

/** *ESR? bits the emulator sets. */
const CME = 32;
const EXE = 16;
const PON = 128;

const INPUTS = ["A", "B", "C", "D"] as const;
/** Fraction of full heater power of each range Off, Low, Medium, High: a decade apart. */
const RANGE_POWER = [0, 0.01, 0.1, 1] as const;

export interface LakeShore336Physics {
  /** The cold stage's temperature with the heaters off, K (default 77). */
  ambient?: number;
  /** Kelvin above ambient at full output on High (default 300). */
  heaterGain?: number;
  /** Time constant of each stage, s (default 30). */
  timeConstant?: number;
  /** Control period, s (default 0.05). */
  dt?: number;
  /** The range outputs 1 and 2 start in, 0..3 (default 3, High). */
  range?: number;
}

interface Gains {
  p: number;
  i: number;
  d: number;
}

interface OutputState {
  setpoint: number;
  rampOn: boolean;
  rampRate: number;
  range: number;
  pid: Gains;
  /** Outputs 1 and 2 heat a stage; 3 and 4 only hold settings. */
  readonly loop: ThermalLoop | undefined;
}

/** A query's reply, or the *ESR? bit a refused command sets (a set command has neither). */
interface Outcome {
  readonly reply?: string;
  readonly error?: number;
}

const DEFAULT_PID: Gains = { p: 50, i: 20, d: 0 };

/**
 * The emulator's reading of the gains: output fraction = P/100 per K of error, plus I/60
 * repeats per second of its integral, plus D/100 seconds of its rate (README.md).
 */
function pidOptions({ p, i, d }: Gains): PidControllerOptions {
  const kp = p / 100;
  return { kp, ki: (kp * i) / 60, kd: (kp * d) / 100 };
}

export class LakeShore336Instrument {
  readonly clock: Clock;
  readonly ambient: number;
  readonly identity: string;
  private esr = PON;
  /** RDGST? bits per input, set by a test to stand for a sensor fault. */
  private readonly readingStatus = new Map<string, number>();
  private readonly outputs: OutputState[];
  private readonly initialRange: number;

  constructor(clock: Clock, physics: LakeShore336Physics, identity: string) {
    const { ambient = 77, heaterGain = 300, timeConstant = 30, dt = 0.05, range = 3 } = physics;
    if (!Number.isInteger(range) || range < 0 || range > 3) {
      throw new RangeError(`range must be 0..3, got ${range}`);
    }
    this.clock = clock;
    this.ambient = ambient;
    this.identity = identity;
    this.initialRange = range;
    const loop = (): ThermalLoop =>
      new ThermalLoop({
        plant: { ambient, gain: heaterGain, timeConstant },
        pid: pidOptions(DEFAULT_PID),
        dt,
        startTime: clock.now(),
        heaterScale: RANGE_POWER[range],
      });
    this.outputs = [1, 2, 3, 4].map((n) => ({
      setpoint: ambient,
      rampOn: false,
      rampRate: 10,
      range: n <= 2 ? range : 0,
      pid: { ...DEFAULT_PID },
      loop: n <= 2 ? loop() : undefined,
    }));
  }

  /** The event status register as it stands (reading it with *ESR? clears it). */
  get eventStatus(): number {
    return this.esr;
  }

  /** Kelvin at an input now: A is heated by output 1, B by output 2, C and D sit at ambient. */
  temperature(input: string): number {
    const index = INPUTS.indexOf(input as (typeof INPUTS)[number]);
    if (index < 0) throw new RangeError(`no input ${input}`);
    const loop = this.outputs[index]?.loop;
    return loop ? loop.temperatureAt(this.clock.now()) : this.ambient;
  }

  /**
   * Makes an input's RDGST? report `bits` (0 clears): while any is set, KRDG? sends +0.0000,
   * as the fact sheet says a 336 typically does. The stage itself goes on as before.
   */
  setReadingStatus(input: string, bits: number): void {
    if (!(INPUTS as readonly string[]).includes(input)) throw new RangeError(`no input ${input}`);
    if (!Number.isInteger(bits) || bits < 0 || bits > 255) {
      throw new RangeError(`reading status must be 0..255, got ${bits}`);
    }
    this.readingStatus.set(input, bits);
  }

  /** An output's settings (a copy), for tests. */
  settings(output: number): Omit<OutputState, "loop"> {
    const { setpoint, rampOn, rampRate, range, pid } = this.output(output);
    return { setpoint, rampOn, rampRate, range, pid: { ...pid } };
  }

  /** Heater output now, % of the range (0 when the range is Off). */
  heater(output: number): number {
    const state = this.output(output);
    if (!state.loop || state.range === 0) return 0;
    return 100 * state.loop.heaterOutputAt(this.clock.now());
  }

  /** Runs one request line; returns the reply line, or undefined when nothing is asked. */
  execute(line: string): string | undefined {
    const replies: string[] = [];
    for (const part of line.split(";")) {
      const outcome = this.command(part.trim());
      if (outcome.error !== undefined) this.esr |= outcome.error;
      else if (outcome.reply !== undefined) replies.push(outcome.reply);
    }
    return replies.length > 0 ? replies.join(";") : undefined;
  }

  /** A line the instrument could not take (too long): a command error. */
  refuseLine(): void {
    this.esr |= CME;
  }

  private output(n: number): OutputState {
    const state = this.outputs[n - 1];
    if (!state) throw new RangeError(`no output ${n}`);
    return state;
  }

  private command(text: string): Outcome {
    const match = /^(\*?[A-Za-z]+)(\?)?(?:\s+(.*))?$/.exec(text);
    if (!match) return { error: CME };
    const [, mnemonic = "", question, rest] = match;
    const args = rest === undefined ? [] : rest.split(",").map((a) => a.trim());
    const handler = this.handlers()[`${mnemonic.toUpperCase()}${question ?? ""}`];
    return handler ? handler(args) : { error: CME };
  }

  private handlers(): Record<string, (args: string[]) => Outcome> {
    const none =
      (reply: () => string | undefined) =>
      (args: string[]): Outcome =>
        args.length > 0 ? { error: CME } : { reply: reply() };
    /** A query or command on one output, `args[0]`, with `count` more arguments. */
    const onOutput =
      (count: number, run: (state: OutputState, n: number, rest: string[]) => Outcome) =>
      (args: string[]): Outcome => {
        if (args.length !== count + 1 || !/^[1-4]$/.test(args[0]!)) return { error: CME };
        const n = Number(args[0]);
        return run(this.output(n), n, args.slice(1));
      };
    const now = (): number => this.clock.now();
    return {
      "*IDN?": none(() => this.identity),
      "*OPC?": none(() => "1"),
      "*ESR?": none(() => {
        const value = this.esr;
        this.esr = 0;
        return String(value);
      }),
      "*CLS": none(() => void (this.esr = 0)),
      "*RST": none(() => void this.reset()),
      "KRDG?": (args) => {
        if (args.length !== 1) return { error: CME };
        const [input = ""] = args;
        if (input === "0") return { reply: INPUTS.map((i) => this.kelvinReply(i)).join(",") };
        const upper = input.toUpperCase();
        if (!(INPUTS as readonly string[]).includes(upper)) return { error: EXE };
        return { reply: this.kelvinReply(upper) };
      },
      "RDGST?": (args) => {
        if (args.length !== 1) return { error: CME };
        const upper = args[0]!.toUpperCase();
        if (!(INPUTS as readonly string[]).includes(upper)) return { error: EXE };
        return { reply: String(this.readingStatus.get(upper) ?? 0).padStart(3, "0") };
      },
      "SETP?": onOutput(0, (state) => ({ reply: signed(state.setpoint, 3) })),
      SETP: onOutput(1, (state, _n, [value]) => {
        const kelvin = number(value);
        if (kelvin === undefined) return { error: CME };
        if (kelvin < 0) return { error: EXE };
        state.setpoint = kelvin;
        state.loop?.setSetpoint(kelvin, now());
        return {};
      }),
      "RAMP?": onOutput(0, (state) => ({
        reply: `${state.rampOn ? 1 : 0},${signed(state.rampRate, 1)}`,
      })),
      RAMP: onOutput(2, (state, _n, [on, rate]) => {
        const speed = number(rate);
        if ((on !== "0" && on !== "1") || speed === undefined) return { error: CME };
        if (speed < 0.1 || speed > 100) return { error: EXE };
        state.rampOn = on === "1";
        state.rampRate = speed;
        if (state.loop) {
          // Follow the new rate from the ramp's present point, as the instrument ramps on.
          state.loop.advanceTo(now());
          state.loop.rampRate = state.rampOn ? speed / 60 : 0;
        }
        return {};
      }),
      "RAMPST?": onOutput(0, (state) => {
        state.loop?.advanceTo(now());
        return { reply: state.rampOn && state.loop?.isRamping ? "1" : "0" };
      }),
      "RANGE?": onOutput(0, (state) => ({ reply: String(state.range) })),
      RANGE: onOutput(1, (state, n, [value]) => {
        if (!/^\d$/.test(value!)) return { error: CME };
        const range = Number(value);
        if (range > (n <= 2 ? 3 : 1)) return { error: EXE };
        state.range = range;
        if (state.loop) {
          state.loop.advanceTo(now());
          state.loop.heaterScale = RANGE_POWER[range]!;
        }
        return {};
      }),
      "HTR?": onOutput(0, (_state, n) =>
        n <= 2 ? { reply: percent(this.heater(n)) } : { error: EXE },
      ),
      // The analog outputs drive nothing here: they read 0 %.
      "AOUT?": onOutput(0, (_state, n) => (n > 2 ? { reply: percent(0) } : { error: EXE })),
      "PID?": onOutput(0, ({ pid }) => ({
        reply: `${signed(pid.p, 1)},${signed(pid.i, 1)},${signed(pid.d, 0)}`,
      })),
      PID: onOutput(3, (state, _n, values) => {
        const [p, i, d] = values.map(number);
        if (p === undefined || i === undefined || d === undefined) return { error: CME };
        if (p < 0.1 || p > 1000 || i < 0.1 || i > 1000 || d < 0 || d > 200) return { error: EXE };
        state.pid = { p, i, d };
        if (state.loop) {
          state.loop.advanceTo(now());
          state.loop.setPid(pidOptions(state.pid));
        }
        return {};
      }),
    };
  }

  private kelvinReply(input: string): string {
    return this.readingStatus.get(input) ? "+0.0000" : reading(this.temperature(input));
  }

  /** *RST: setpoints to ambient, ramps off, ranges and gains as at power-up. */
  private reset(): void {
    const t = this.clock.now();
    this.outputs.forEach((state, index) => {
      state.setpoint = this.ambient;
      state.rampOn = false;
      state.rampRate = 10;
      state.range = index < 2 ? this.initialRange : 0;
      state.pid = { ...DEFAULT_PID };
      if (state.loop) {
        state.loop.advanceTo(t);
        state.loop.rampRate = 0;
        state.loop.setSetpoint(this.ambient, t);
        state.loop.heaterScale = RANGE_POWER[state.range]!;
        state.loop.setPid(pidOptions(state.pid));
      }
    });
  }
}

const plain = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

function number(text: string | undefined): number | undefined {
  return text !== undefined && plain.test(text) ? Number(text) : undefined;
}

/** `+100.000`: explicit sign, fixed decimals. */
function signed(value: number, decimals: number): string {
  return `${value < 0 ? "-" : "+"}${Math.abs(value).toFixed(decimals)}`;
}

/** A reading with 6 significant digits and a sign: `+273.150`, `+77.0000`, `+4.20000`. */
function reading(kelvin: number): string {
  const digits = Math.max(1, Math.floor(Math.log10(Math.max(Math.abs(kelvin), 1))) + 1);
  return signed(kelvin, Math.max(0, 6 - digits));
}

/** `+056.7`: heater %, as `+nnn.n`. */
function percent(value: number): string {
  return `+${Math.abs(value).toFixed(1).padStart(5, "0")}`;
}
