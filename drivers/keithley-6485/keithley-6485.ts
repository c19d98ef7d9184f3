import type { Clock, ConnectOptions, TriggerEstimator } from "../../src/core/index.js";
import { Detector, NotConnectedError, SignalR, SignalRW, datatype } from "../../src/core/index.js";
import type { ReplyVerdict } from "../../src/transports/index.js";
import { ReplyTimeoutError, QuerySignalBackend } from "../../src/transports/index.js";
import type { Keithley6485Channel } from "./keithley-6485-channel.js";
import type { Keithley6485Identity, Keithley6485Reading, ScpiErrorReport } from "./protocol.js";
import {
  DATA_ELEMENTS,
  ERROR_QUEUE_DEPTH,
  Keithley6485Error,
  NO_ERROR,
  alarmSeverity,
  booleanProblem,
  commands,
  errorReplyProblem,
  identityProblem,
  isKeithley6485,
  numberProblem,
  parseBooleanReply,
  parseErrorReply,
  parseIdentity,
  parseNumberReply,
  parseReading,
  readTimeout,
  readingProblem,
} from "./protocol.js";

export interface Keithley6485Options {
  name: string;
  clock: Clock;
  channel: Keithley6485Channel;
  /** Written at connect: a fixed range in A (the instrument snaps up), or "auto". Default: as is. */
  range?: number | "auto";
  /** Written at connect (RANG:AUTO). A fixed `range` implies false, "auto" true. Default: as is. */
  autorange?: boolean;
  /** Written at connect: integration time in power-line cycles. Default: as is. */
  nplc?: number;
  /** Mains frequency in Hz, to turn NPLC into seconds (default 50: the longer, safer guess). */
  lineFrequency?: 50 | 60;
  /** Seconds a READ? may take besides its integration time (default 1); see readTimeout(). */
  readTimeout?: number;
  /** Zero check state written at connect (default false: the input is measured). */
  zeroCheck?: boolean;
  /** Acquire a zero with zero check on and enable zero correct at connect (default false). */
  zeroCorrect?: boolean;
  /** Send *RST at connect, before the settings above (default false). */
  reset?: boolean;
  /**
   * An over-range reading (+9.9E37): "alarm" records it as sent with alarm severity 2 (major),
   * so a scan goes on; "error" fails the trigger with a Keithley6485Error (default "alarm").
   */
  overflow?: "alarm" | "error";
}

/**
 * A Keithley 6485 picoammeter over a request channel, as a Detector: trigger() sends READ?
 * with a timeout derived from NPLC, value is the current in A (hinted). The configuration
 * (exposure, range, autorange, nplc) is read from the instrument; each write is followed by
 * SYST:ERR? until the queue is empty, and errors become a Keithley6485Error naming port,
 * command, code and message. See README.md for the protocol as implemented.
 */
export class Keithley6485 extends Detector<number> implements TriggerEstimator {
  /** The current range in A (RANG?); writing it turns autorange off. */
  readonly range: SignalRW<number>;
  /** RANG:AUTO. */
  readonly autorange: SignalRW<boolean>;
  /** Integration time in power-line cycles; exposure is the same in seconds. */
  readonly nplc: SignalRW<number>;
  readonly port: string;
  readonly lineFrequency: number;
  private readonly channel: Keithley6485Channel;
  private readonly options: Keithley6485Options;
  private readonly readTimeoutBase: number;
  private readonly backends: {
    value: QuerySignalBackend<number>;
    exposure: QuerySignalBackend<number>;
    range: QuerySignalBackend<number>;
    autorange: QuerySignalBackend<boolean>;
    nplc: QuerySignalBackend<number>;
  };
  private connected = false;
  private identity: Keithley6485Identity | undefined;
  private last: Keithley6485Reading | undefined;
  /** The NPLC READ? timeouts are derived from: the last one read or written. */
  private nplcSetting: number;
  /** The tail of the queue of exchanges, which never interleave (see exclusive()). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: Keithley6485Options) {
    const { name, clock, channel, lineFrequency = 50 } = options;
    checkOptions(options);
    const port = channel.name;
    const ref: { det?: Keithley6485 } = {};
    const self = (): Keithley6485 => ref.det!;
    const live = (): boolean => ref.det?.connected ?? false;
    const source = (what: string): string => `keithley6485://${port}/${what}`;
    const common = { clock, live, initial: Number.NaN };
    const value = new QuerySignalBackend(datatype.float, {
      ...common,
      units: "A",
      source: source("READ"),
    });
    const exposure = new QuerySignalBackend(datatype.float, {
      ...common,
      units: "s",
      source: source("NPLC"),
      read: async () => (await self().askNplc()) / lineFrequency,
      write: async (seconds) => (await self().writeNplc(seconds * lineFrequency)) / lineFrequency,
    });
    const nplc = new QuerySignalBackend(datatype.float, {
      ...common,
      source: source("NPLC"),
      read: () => self().askNplc(),
      write: (cycles) => self().writeNplc(cycles),
    });
    const range = new QuerySignalBackend(datatype.float, {
      ...common,
      units: "A",
      source: source("RANG"),
      read: () => self().askRange(),
      write: (amps) => self().writeRange(amps),
    });
    const autorange = new QuerySignalBackend(datatype.boolean, {
      clock,
      live,
      initial: false,
      source: source("RANG:AUTO"),
      read: () => self().askAutorange(),
      write: (on) => self().writeAutorange(on),
    });
    super({ name, clock, value: new SignalR(value), exposure: new SignalRW(exposure) });
    ref.det = this;
    this.port = port;
    this.lineFrequency = lineFrequency;
    this.channel = channel;
    this.options = options;
    this.readTimeoutBase = options.readTimeout ?? 1;
    this.nplcSetting = typeof options.nplc === "number" ? options.nplc : 6;
    this.range = this.add("range", new SignalRW(range), { kind: "config" });
    this.autorange = this.add("autorange", new SignalRW(autorange), { kind: "config" });
    this.nplc = this.add("nplc", new SignalRW(nplc), { kind: "config" });
    this.backends = { value, exposure, range, autorange, nplc };
  }

  /** What *IDN? said at connect. */
  get info(): Keithley6485Identity | undefined {
    return this.identity;
  }

  /** The last reading with its timestamp and status word, as the instrument sent it. */
  get lastReading(): Keithley6485Reading | undefined {
    return this.last;
  }

  /** Seconds of one integration: NPLC / line frequency. */
  estimateTriggerDuration(): number {
    return this.nplcSetting / this.lineFrequency;
  }

  /**
   * Opens the channel and asks *IDN? (a reply that is not a Keithley 6485 fails); *CLS;
   * [*RST]; FORM:ELEM READ,UNIT,TIME,STAT; the configured autorange/range and NPLC; [zero
   * correction]; SYST:ZCH OFF (or ON); then reads the settings back. Fails with a
   * NotConnectedError whose cause names the port and command. With `mock`, opens nothing.
   */
  override async connect(options: ConnectOptions = {}): Promise<void> {
    await super.connect(options);
    if (this.connectedAsMock) return;
    const { timeout = 10 } = options;
    try {
      await this.withinTimeout(this.introduce(), timeout);
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      throw new NotConnectedError(this.name, new Map([[this.name, cause]]));
    }
  }

  /**
   * Zero correction as the manual does it: zero check on, acquire the zero, zero correct
   * on, zero check back to the configured state (off unless `zeroCheck`).
   */
  async acquireZero(): Promise<void> {
    await this.command(commands.zeroCheck(true));
    await this.command(commands.acquireZero(), { timeout: this.currentReadTimeout() });
    await this.command(commands.zeroCorrect(true));
    await this.command(commands.zeroCheck(this.options.zeroCheck ?? false));
  }

  /** Empties the error queue (SYST:ERR? until 0), oldest first. */
  readErrors(): Promise<ScpiErrorReport[]> {
    return this.exclusive(() => this.drainErrorsNow());
  }

  protected async acquire(): Promise<void> {
    // Mocked, the value is whatever the test set (setMockValue): there is no READ? to send.
    if (this.connectedAsMock) return;
    const command = commands.read();
    if (!this.connected) throw this.error(command, "was not sent: connect() first");
    const timeout = this.currentReadTimeout();
    const reply = await this.exclusive(() => this.ask(command, readingProblem, timeout));
    const reading = this.parse(() => parseReading(reply, DATA_ELEMENTS, command));
    this.last = reading;
    if ((reading.overflow || reading.invalid) && this.options.overflow === "error") {
      const what = reading.invalid ? "gave invalid data" : "read over range";
      const hint = reading.invalid ? "" : " (choose a higher range, or autorange)";
      throw this.error(command, `${what}: ${JSON.stringify(reply)}${hint}`);
    }
    this.backends.value.update(reading.current, alarmSeverity(reading));
  }

  // ---- settings -----------------------------------------------------------------------

  private currentReadTimeout(): number {
    return readTimeout({
      nplc: this.nplcSetting,
      lineFrequency: this.lineFrequency,
      base: this.readTimeoutBase,
    });
  }

  private askNplc(): Promise<number> {
    return this.exclusive(() => this.askNplcNow());
  }

  private async askNplcNow(): Promise<number> {
    const command = commands.nplc();
    const reply = await this.ask(command, numberProblem);
    const cycles = this.parse(() => parseNumberReply(reply, command));
    this.recordNplc(cycles);
    return cycles;
  }

  /** NPLC, then NPLC? for what the instrument took; returns it. */
  private async writeNplc(cycles: number): Promise<number> {
    // Seconds × Hz can come out as 5.000000000000001: SCPI needs no such digits.
    const rounded = Number(cycles.toPrecision(6));
    return this.exclusive(async () => {
      await this.commandNow(commands.nplc(rounded));
      return this.askNplcNow();
    });
  }

  private recordNplc(cycles: number): void {
    this.nplcSetting = cycles;
    this.backends.nplc.update(cycles);
    this.backends.exposure.update(cycles / this.lineFrequency);
  }

  private askRange(): Promise<number> {
    return this.exclusive(() => this.askRangeNow());
  }

  private async askRangeNow(): Promise<number> {
    const command = commands.range();
    const reply = await this.ask(command, numberProblem);
    const amps = this.parse(() => parseNumberReply(reply, command));
    this.backends.range.update(amps);
    return amps;
  }

  /** RANG <A>, then RANG? (it snaps up) and RANG:AUTO? (a fixed range ends autorange). */
  private writeRange(amps: number): Promise<number> {
    return this.exclusive(async () => {
      await this.commandNow(commands.range(amps));
      const taken = await this.askRangeNow();
      await this.askAutorangeNow();
      return taken;
    });
  }

  private askAutorange(): Promise<boolean> {
    return this.exclusive(() => this.askAutorangeNow());
  }

  private async askAutorangeNow(): Promise<boolean> {
    const command = commands.autorange();
    const reply = await this.ask(command, booleanProblem);
    const on = this.parse(() => parseBooleanReply(reply, command));
    this.backends.autorange.update(on);
    return on;
  }

  /** RANG:AUTO ON|OFF, then RANG? (autorange may have moved it). */
  private writeAutorange(on: boolean): Promise<boolean> {
    return this.exclusive(async () => {
      await this.commandNow(commands.autorange(on));
      await this.askRangeNow();
      return this.askAutorangeNow();
    });
  }

  // ---- connect ------------------------------------------------------------------------

  private async introduce(): Promise<void> {
    const { range, autorange, nplc, reset = false, zeroCorrect = false } = this.options;
    await this.channel.open();
    await this.exclusive(async () => {
      const command = commands.identify();
      const reply = await this.ask(command, identityProblem);
      const identity = this.parse(() => parseIdentity(reply));
      if (!isKeithley6485(identity)) {
        throw this.error(command, `gave ${JSON.stringify(reply)}: not a Keithley 6485`);
      }
      this.identity = identity;
      // Errors left from before are not ours: start with an empty queue.
      await this.channel.write(commands.clear());
      if (reset) await this.commandNow(commands.reset());
      await this.commandNow(commands.formatElements(DATA_ELEMENTS));
      const auto = range === "auto" ? true : typeof range === "number" ? false : autorange;
      if (auto !== undefined) await this.commandNow(commands.autorange(auto));
      if (typeof range === "number") await this.commandNow(commands.range(range));
      if (nplc !== undefined) await this.commandNow(commands.nplc(nplc));
      await this.askNplcNow();
    });
    if (zeroCorrect) await this.acquireZero();
    else await this.command(commands.zeroCheck(this.options.zeroCheck ?? false));
    this.connected = true;
    await Promise.all([this.range.get(), this.autorange.get()]);
  }

  // ---- exchanges ----------------------------------------------------------------------

  /**
   * Runs one exchange with nothing else in between: a write and the SYST:ERR? queries that
   * follow it must not be split by another command, whose errors would be blamed on it.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private command(command: string, options: { timeout?: number } = {}): Promise<void> {
    return this.exclusive(() => this.commandNow(command, options));
  }

  /** Writes a silent command, then empties the error queue; any error throws, naming it. */
  private async commandNow(command: string, { timeout }: { timeout?: number } = {}): Promise<void> {
    await this.channel.write(command);
    const errors = await this.drainErrorsNow(timeout);
    if (errors.length > 0) throw this.error(command, "was refused", errors);
  }

  /** SYST:ERR? until 0,"No error" (at most the queue's depth + 1 times). */
  private async drainErrorsNow(timeout?: number): Promise<ScpiErrorReport[]> {
    const command = commands.nextError();
    const errors: ScpiErrorReport[] = [];
    for (let i = 0; i <= ERROR_QUEUE_DEPTH; i++) {
      const reply = await this.channel.query(command, {
        validate: errorReplyProblem,
        ...(timeout === undefined ? {} : { timeout }),
      });
      const report = this.parse(() => parseErrorReply(reply));
      if (report.code === NO_ERROR) break;
      errors.push(report);
    }
    return errors;
  }

  /**
   * One query, its reply checked by `validate` (rejected replies are retried by the
   * channel). A 6485 does not answer a query it could not run: when no reply comes, the
   * error queue is asked why, and its errors, if any, are reported with the timeout as cause.
   */
  private async ask(
    command: string,
    validate: (reply: string) => ReplyVerdict,
    timeout?: number,
  ): Promise<string> {
    try {
      return await this.channel.query(command, {
        validate,
        ...(timeout === undefined ? {} : { timeout }),
      });
    } catch (error) {
      if (!(error instanceof ReplyTimeoutError)) throw error;
      const errors = await this.drainErrorsNow().catch(() => []);
      if (errors.length === 0) throw error;
      throw this.error(command, `got no reply (${error.message})`, errors, error);
    }
  }

  /** Runs a parser; its Keithley6485Error gets the port and device it could not know. */
  private parse<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof Keithley6485Error) {
        throw error.placed({ port: this.port, device: this.name });
      }
      throw error;
    }
  }

  private error(
    command: string,
    problem: string,
    errors?: readonly ScpiErrorReport[],
    cause?: Error,
  ): Keithley6485Error {
    return new Keithley6485Error(
      { command, problem, port: this.port, device: this.name, ...(errors ? { errors } : {}) },
      cause ? { cause } : undefined,
    );
  }

  private async withinTimeout<T>(work: Promise<T>, timeout: number): Promise<T> {
    const abort = new AbortController();
    const expired = this.clock.sleep(timeout, { signal: abort.signal }).then(() => {
      throw this.error("connect", `did not finish within ${timeout} s`);
    });
    try {
      return await Promise.race([work, expired]);
    } finally {
      abort.abort();
      expired.catch(() => undefined);
    }
  }
}

/** Refuses options that contradict each other or cannot be sent. */
function checkOptions({ name, range, autorange, nplc, lineFrequency }: Keithley6485Options): void {
  const bad = (why: string): never => {
    throw new RangeError(`${name}: ${why}`);
  };
  if (typeof range === "number" && !(range > 0 && Number.isFinite(range))) {
    bad(`range must be a positive number of A or "auto", got ${range}`);
  }
  if (range === "auto" && autorange === false) bad(`range "auto" contradicts autorange: false`);
  if (typeof range === "number" && autorange === true) {
    bad(`a fixed range (${range} A) contradicts autorange: true`);
  }
  if (nplc !== undefined && !(nplc > 0 && Number.isFinite(nplc))) {
    bad(`nplc must be a positive number, got ${nplc}`);
  }
  if (lineFrequency !== undefined && lineFrequency !== 50 && lineFrequency !== 60) {
    bad(`lineFrequency must be 50 or 60, got ${String(lineFrequency)}`);
  }
}
