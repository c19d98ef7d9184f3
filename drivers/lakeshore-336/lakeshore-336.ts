import type {
  Clock,
  ConnectOptions,
  Location,
  SignalR,
  SignalRW,
  Settling,
  StopOptions,
  TemperatureController,
} from "../../src/core/index.js";
import {
  DatatypeError,
  Device,
  MoveInterruptedError,
  NotConnectedError,
  Settler,
  Status,
  datatype,
  realClock,
  setMockValue,
  softSignalRW,
} from "../../src/core/index.js";
import type { LakeShore336Channel } from "./lakeshore-336-channel.js";
import { LakeShore336Exchanges } from "./lakeshore-336-exchanges.js";
import type { LakeShore336Signals } from "./lakeshore-336-signals.js";
import { lakeshore336Signals } from "./lakeshore-336-signals.js";
import type { HeaterRange, Input, LakeShore336Identity, Output, VoltageRange } from "./protocol.js";
import { checkInput, checkOutput, rangeChoices } from "./protocol.js";

export interface LakeShore336Options {
  name: string;
  channel: LakeShore336Channel;
  /** Timestamps readings and paces settling (default the real clock). */
  clock?: Clock;
  /** The sensor input read as the temperature (default "A"). */
  input?: Input;
  /** The control output whose setpoint set() writes (default 1). */
  output?: Output;
  /** Written at connect, if given: the output's range (a heater's Off..High, or Off/On). */
  range?: HeaterRange | VoltageRange;
  /** A set() is done once the temperature stays within this many K... (default 0.1) */
  tolerance?: number;
  /** ...for this many seconds (default 5). */
  settleTime?: number;
  /** Seconds between reads while settling (default 0.5). */
  pollPeriod?: number;
}

/**
 * One control loop of a Lake Shore Model 336 (an input and the output that heats it) over a
 * request channel, TCP or serial. `set(T)` writes SETP and completes once KRDG? has stayed
 * within `tolerance` of T for `settleTime`, reading it every `pollPeriod` on the clock. Every
 * request carries `;*ESR?`, so a refused command fails with a LakeShore336Error naming the
 * device, port and request. See README.md for the protocol as implemented.
 */
export class LakeShore336 extends Device implements TemperatureController {
  /** KRDG? of the input, K: hinted, the primary field. */
  readonly temperature: SignalR<number>;
  /** SETP of the output, K. */
  readonly setpoint: SignalRW<number>;
  /** HTR? (AOUT? on outputs 3 and 4), %. */
  readonly heater: SignalR<number>;
  /** RAMP rate, K/min as the instrument takes it; 0 when the ramp is off. */
  readonly rampRate: SignalRW<number>;
  /** RAMPST?: the setpoint is still ramping. */
  readonly ramping: SignalR<boolean>;
  /** RANGE of the output. */
  readonly range: SignalRW<string>;
  /** PID gains P, I and D (%). */
  readonly proportional: SignalRW<number>;
  readonly integral: SignalRW<number>;
  readonly derivative: SignalRW<number>;
  readonly tolerance: SignalRW<number>;
  readonly settleTime: SignalRW<number>;
  readonly input: Input;
  readonly output: Output;
  readonly clock: Clock;
  private readonly exchanges: LakeShore336Exchanges;
  private readonly signals: LakeShore336Signals;
  private readonly initialRange: string | undefined;
  private readonly settler: Settler;

  constructor(options: LakeShore336Options) {
    super({ name: options.name });
    const { channel, clock = realClock, pollPeriod = 0.5 } = options;
    this.input = checkInput(options.input ?? "A");
    this.output = checkOutput(options.output ?? 1);
    if (options.range !== undefined && !rangeChoices(this.output).includes(options.range)) {
      throw new RangeError(
        `${options.name}: range of output ${this.output} must be one of ` +
          `${rangeChoices(this.output).join(", ")}, got ${JSON.stringify(options.range)}`,
      );
    }
    if (!(pollPeriod > 0)) throw new RangeError(`${options.name}: pollPeriod must be > 0`);
    this.initialRange = options.range;
    this.clock = clock;
    this.exchanges = new LakeShore336Exchanges(channel, () => this.name);
    const s = lakeshore336Signals(this.exchanges, {
      clock,
      input: this.input,
      output: this.output,
    });
    this.signals = s;
    this.temperature = this.add("temperature", s.temperature, { primary: true, kind: "hinted" });
    this.setpoint = this.add("setpoint", s.setpoint, { kind: "normal" });
    this.heater = this.add("heater", s.heater, { kind: "normal" });
    this.ramping = this.add("ramping", s.ramping, { kind: "normal" });
    this.rampRate = this.add("ramp_rate", s.rampRate, { kind: "config" });
    this.range = this.add("range", s.range, { kind: "config" });
    this.proportional = this.add("proportional", s.proportional, { kind: "config" });
    this.integral = this.add("integral", s.integral, { kind: "config" });
    this.derivative = this.add("derivative", s.derivative, { kind: "config" });
    const kelvin = { clock, units: "K", precision: 3 };
    this.tolerance = this.add(
      "tolerance",
      softSignalRW(datatype.float, options.tolerance ?? 0.1, kelvin),
      { kind: "config" },
    );
    this.settleTime = this.add(
      "settle_time",
      softSignalRW(datatype.float, options.settleTime ?? 5, { clock, units: "s" }),
      { kind: "config" },
    );
    this.settler = new Settler({
      device: this,
      clock,
      pollPeriod,
      temperature: { query: () => this.temperature.get() },
      tolerance: this.tolerance,
      settleTime: this.settleTime,
    });
  }

  /** What *IDN? said at connect. */
  get info(): LakeShore336Identity | undefined {
    return this.exchanges.info;
  }

  /**
   * Opens the channel, `*CLS;*IDN?;*ESR?` (a reply that is not a 336 fails), writes the
   * configured range, then reads every signal. Fails with a NotConnectedError whose cause
   * names the port and request. With `mock`, opens nothing: the mocked range is the
   * configured one.
   */
  override async connect(options: ConnectOptions = {}): Promise<void> {
    await super.connect(options);
    if (this.connectedAsMock) {
      if (this.initialRange !== undefined) setMockValue(this.range, this.initialRange);
      return;
    }
    const { timeout = 10 } = options;
    try {
      await this.withinTimeout(this.introduce(), timeout);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      throw new NotConnectedError(this.name, new Map([[this.name, cause]]));
    }
  }

  /** Closes the channel, which other loops of the same instrument may share. */
  override async disconnect(): Promise<void> {
    await super.disconnect();
    if (!this.connectedAsMock) await this.exchanges.close();
  }

  /** Writes SETP and completes once the temperature has settled at `target` K. */
  set(target: number, { timeout }: { timeout?: number } = {}): Status {
    const name = `${this.name} to ${target} K`;
    const status = new Status({ name, clock: this.clock, timeout, units: "K", precision: 3 });
    if (!Number.isFinite(target)) {
      status.fail(new DatatypeError(this.name, "a finite temperature", target));
      return status;
    }
    this.settler.interrupt(`was superseded by a set to ${target} K`);
    const settling = this.settler.begin(status, target);
    void this.start(settling).catch((error: unknown) => this.settler.fail(settling, error));
    return status;
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.setpoint.get(), this.temperature.get()]);
    return { setpoint, readback };
  }

  /**
   * Holds the temperature where it is now (written as the setpoint: a 336 tells the target,
   * not where a ramp has got to), ending any set() in progress.
   */
  async stop({ success = false }: StopOptions = {}): Promise<void> {
    const settling = this.settler.take();
    const temperature = await this.temperature.get();
    await this.setpoint.set(temperature);
    if (!settling) return;
    if (success) settling.status.finish();
    else {
      settling.status.fail(
        new MoveInterruptedError(this.name, settling.target, temperature, "was stopped"),
      );
    }
  }

  private async introduce(): Promise<void> {
    await this.exchanges.open();
    await this.exchanges.identify();
    this.signals.goLive();
    if (this.initialRange !== undefined) await this.range.set(this.initialRange);
    await Promise.all([
      this.temperature.get(),
      this.setpoint.get(),
      this.heater.get(),
      this.ramping.get(),
      this.rampRate.get(),
      this.range.get(),
      this.proportional.get(),
    ]);
  }

  private async start(settling: Settling): Promise<void> {
    const initial = await this.temperature.get();
    if (!this.settler.isCurrent(settling)) return;
    settling.startFrom(initial);
    await this.setpoint.set(settling.target);
    if (!this.settler.isCurrent(settling)) return;
    await this.settler.follow(settling);
  }

  private async withinTimeout<T>(work: Promise<T>, timeout: number): Promise<T> {
    const abort = new AbortController();
    const expired = this.clock.sleep(timeout, { signal: abort.signal }).then(() => {
      throw this.exchanges.error("connect", `did not finish within ${timeout} s`);
    });
    try {
      return await Promise.race([work, expired]);
    } finally {
      abort.abort();
      expired.catch(() => undefined);
    }
  }
}
