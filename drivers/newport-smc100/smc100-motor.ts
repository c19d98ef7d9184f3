import { QuerySignalBackend } from "../../src/transports/index.js";
import type { Clock, ConnectOptions, ProgressReport } from "../../src/core/index.js";
import {
  Motor,
  NotConnectedError,
  SignalR,
  SignalRW,
  datatype,
  setMockValue,
} from "../../src/core/index.js";
import type { ControllerState, Mnemonic, Smc100Status } from "./protocol.js";
import {
  CONTROLLER_STATES,
  echoProblem,
  NO_ERROR,
  Smc100Error,
  checkAddress,
  commands,
  describePositionerErrors,
  positionerErrors,
  parseErrorReply,
  parseNumberReply,
  parseStatusReply,
  parseTextReply,
} from "./protocol.js";
import type { Smc100Channel } from "./smc100-channel.js";

export interface Smc100MotorOptions {
  name: string;
  clock: Clock;
  channel: Smc100Channel;
  /** The controller's address on the line, 1..31 (default 1). */
  address?: number;
  /** Home (OR) during connect() when the controller is NOT REFERENCED (default false). */
  homeOnConnect?: boolean;
  /** Seconds between TS/TP polls while moving or homing (default 0.05). */
  pollPeriod?: number;
  /** Seconds a home search may take before it is stopped and fails (default 180). */
  homeTimeout?: number;
  /** Seconds to leave the controller after a set command before asking TE (default 0.01). */
  commandGap?: number;
  /** Default "mm". */
  units?: string;
  /** Default 4. */
  precision?: number;
  /** Soft limits written to SL/SR once the axis is READY (volatile: not saved to flash). */
  limits?: readonly [number, number];
}

/** What ID? and VE said at connect. */
export interface Smc100Identity {
  readonly stage: string;
  readonly firmware: string;
}

interface Motion {
  /** Settles when the polling of this motion has ended, however it ended. */
  readonly ended: Promise<void>;
}

type Setting = "VA" | "AC" | "SL" | "SR";

/** What one poll (TS then TP) tells: the state, its error bits and the position. */
interface Polled {
  readonly state: ControllerState;
  readonly errorWord: number;
  readonly position: number;
}

/** The state a mocked controller rests in, so that a plan's moves complete. */
const MOCK_AT_REST = "READY from MOVING";

/**
 * One axis of a Newport SMC100CC/PP over a request channel. A move sends PA, checks TE
 * (set commands are silent: a refusal only shows there), then polls TS and TP on the clock
 * until the controller is READY, reporting progress and updating the readback on the way.
 * A TE letter, new positioner error bits or an end state other than READY fails the move
 * with an Smc100Error that names them. See README.md for the protocol as implemented.
 *
 * The move runs through signals (setpoint = PA, stopCommand = ST, state and
 * positionerErrors = TS, readback = TP), so with connect({mock: true}) it runs the same
 * sequence against mock signals, with no port.
 */
export class Smc100Motor extends Motor {
  /** The target: reads PA?, and a write sends PA with its TE checked. */
  declare readonly setpoint: SignalRW<number>;
  /** The controller state by name ("READY from MOVING"), read with TS. */
  readonly state: SignalR<string>;
  /** The positioner error bits of the last TS (each read of `state` renews them). */
  readonly positionerErrors: SignalR<number>;
  /** Writing it sends ST (with its TE checked): the axis decelerates to rest. */
  readonly stopCommand: SignalRW<boolean>;
  /** Writing it sends OR (with its TE checked): the home search, from NOT REFERENCED only. */
  readonly homeCommand: SignalRW<boolean>;
  readonly address: number;
  readonly port: string;
  private readonly channel: Smc100Channel;
  private readonly homeOnConnect: boolean;
  private readonly connectLimits: readonly [number, number] | undefined;
  private readonly pollPeriod: number;
  private readonly homeTimeout: number;
  private readonly commandGap: number;
  private readonly backends: {
    readback: QuerySignalBackend<number>;
    setpoint: QuerySignalBackend<number>;
    state: QuerySignalBackend<string>;
    positionerErrors: QuerySignalBackend<number>;
  };
  private connected = false;
  /** Connected with {mock: true}: the channel was never opened, so it is not closed either. */
  private mocked = false;
  private identity: Smc100Identity | undefined;
  /** The tail of the queue of exchanges, which never interleave (see exclusive()). */
  private queue: Promise<unknown> = Promise.resolve();
  private motion: Motion | undefined;

  constructor(options: Smc100MotorOptions) {
    const { name, clock, channel, units = "mm", precision = 4 } = options;
    const port = channel.name;
    const address = checkAddress(options.address ?? 1);
    const ref: { motor?: Smc100Motor } = {};
    const self = (): Smc100Motor => ref.motor!;
    const live = (): boolean => ref.motor?.connected ?? false;
    const source = (what: string): string => `smc100://${port}/${address}/${what}`;
    const number = (mnemonic: "TP" | "PA") =>
      new QuerySignalBackend(datatype.float, {
        clock,
        units,
        precision,
        source: source(mnemonic),
        initial: Number.NaN,
        live,
        read: () => self().askNumber(mnemonic),
      });
    const setting = (mnemonic: Setting, unitsOf: string) =>
      new SignalRW(
        new QuerySignalBackend(datatype.float, {
          clock,
          units: unitsOf,
          precision,
          source: source(mnemonic),
          initial: Number.NaN,
          live,
          read: () => self().askNumber(mnemonic),
          write: async (value) => {
            await self().command(commands[mnemonic](address, value));
            return undefined; // the controller takes the value as sent
          },
        }),
      );
    const readback = number("TP");
    const setpoint = new QuerySignalBackend(datatype.float, {
      clock,
      units,
      precision,
      source: source("PA"),
      initial: Number.NaN,
      live,
      read: () => self().askNumber("PA"),
      write: async (target) => {
        await self().command(commands.PA(address, target));
        return undefined; // the controller takes the target as sent
      },
    });
    super({
      name,
      clock,
      readback: new SignalR(readback),
      setpoint: new SignalRW(setpoint),
      velocity: setting("VA", `${units}/s`),
      acceleration: setting("AC", `${units}/s^2`),
      lowLimit: setting("SL", units),
      highLimit: setting("SR", units),
      units,
      precision,
    });
    ref.motor = this;
    this.address = address;
    this.port = port;
    this.channel = channel;
    this.homeOnConnect = options.homeOnConnect ?? false;
    this.connectLimits = options.limits;
    this.pollPeriod = options.pollPeriod ?? 0.05;
    this.homeTimeout = options.homeTimeout ?? 180;
    this.commandGap = options.commandGap ?? 0.01;
    const state = new QuerySignalBackend(datatype.string, {
      clock,
      source: source("TS"),
      initial: "",
      live,
      read: async () => (await this.askStatus()).state.name,
    });
    this.state = this.add("state", new SignalR(state), { kind: "omitted" });
    // Recorded by each TS: reading it on its own would send a TS of its own.
    const positionerErrors = new QuerySignalBackend(datatype.int, {
      clock,
      source: source("TS/errors"),
      initial: 0,
      live,
    });
    this.positionerErrors = this.add("positioner_errors", new SignalR(positionerErrors), {
      kind: "omitted",
    });
    const stopCommand = new QuerySignalBackend(datatype.boolean, {
      clock,
      source: source("ST"),
      initial: false,
      live,
      write: async () => {
        await this.command(commands.ST(this.address));
        return undefined;
      },
    });
    this.stopCommand = this.add("stop_command", new SignalRW(stopCommand), { kind: "omitted" });
    const homeCommand = new QuerySignalBackend(datatype.boolean, {
      clock,
      source: source("OR"),
      initial: false,
      live,
      write: async () => {
        await this.command(commands.OR(this.address));
        return undefined;
      },
    });
    this.homeCommand = this.add("home_command", new SignalRW(homeCommand), { kind: "omitted" });
    this.backends = { readback, setpoint, state, positionerErrors };
  }

  /** The stage identifier and firmware version, once connected. */
  get info(): Smc100Identity | undefined {
    return this.identity;
  }

  /**
   * Asks ID?, VE and TS; reads the settings so the limits are known before the first move;
   * homes when NOT REFERENCED and `homeOnConnect` is set. Fails with a NotConnectedError
   * naming the port and address. With `mock`, opens nothing: the mocked axis rests READY
   * with the configured soft limits.
   */
  override async connect(options: ConnectOptions = {}): Promise<void> {
    await super.connect(options);
    this.mocked = options.mock ?? false;
    if (this.mocked) {
      setMockValue(this.state, MOCK_AT_REST);
      if (this.connectLimits) {
        setMockValue(this.lowLimit, this.connectLimits[0]);
        setMockValue(this.highLimit, this.connectLimits[1]);
      }
      return;
    }
    const { timeout = 10 } = options;
    try {
      const introduce = async (): Promise<Smc100Status> => {
        const status = await this.identify();
        await this.readSettings();
        return status;
      };
      const status = await this.withinTimeout(introduce(), timeout, "connect");
      if (this.homeOnConnect && status.state.group === "NOT_REFERENCED") await this.runHome();
      else if (status.state.group === "READY") await this.applyLimits();
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      throw new NotConnectedError(this.name, new Map([[this.name, cause]]));
    }
  }

  /** Closes the channel, which other axes on the same port may share. */
  override async disconnect(): Promise<void> {
    await super.disconnect();
    if (!this.mocked) await this.channel.close();
  }

  /** Runs the home search (OR) and resolves READY from HOMING; only from NOT REFERENCED. */
  async home(): Promise<void> {
    await this.runHome();
  }

  /** Reads TS (through `state`): the positioner errors and the controller state. */
  async status(): Promise<Smc100Status> {
    const state = this.stateNamed(await this.state.get());
    const errorWord = await this.positionerErrors.get();
    return { state, errorWord, errors: positionerErrors(errorWord) };
  }

  protected async startMove(
    target: number,
    report: (progress: ProgressReport) => void,
  ): Promise<void> {
    let end!: () => void;
    const motion: Motion = { ended: new Promise<void>((resolve) => (end = resolve)) };
    const previous = this.motion;
    this.motion = motion;
    try {
      // The SMC100 refuses PA while MOVING (TE M): a new target first stops the old move.
      if (previous) {
        await this.stopCommand.set(true);
        await previous.ended;
      }
      if (this.motion !== motion) return; // taken over before it began
      const before = await this.poll();
      const initial = before.position;
      const command = commands.PA(this.address, target);
      await this.setpoint.set(target);
      const after = await this.waitWhile("MOVING", before.errorWord, command, (current) =>
        report({ current, initial, target }),
      );
      if (after.state.group !== "READY") {
        throw this.error(command, `ended in ${describeStatus(after)} instead of READY`);
      }
    } finally {
      if (this.motion === motion) this.motion = undefined;
      end();
    }
  }

  protected async haltMotion(): Promise<void> {
    const motion = this.motion;
    await this.stopCommand.set(true);
    await motion?.ended;
  }

  /**
   * Reads state (TS) and readback (TP), asked back to back since both are queued at once,
   * then the error bits that TS recorded.
   */
  private async poll(): Promise<Polled> {
    const [stateName, position] = await Promise.all([this.state.get(), this.readback.get()]);
    const errorWord = await this.positionerErrors.get();
    return { state: this.stateNamed(stateName), errorWord, position };
  }

  /** The state `state` holds by name; a mock may hold any text, so it is checked. */
  private stateNamed(name: string): ControllerState {
    const state = [...CONTROLLER_STATES.values()].find((s) => s.name === name);
    if (!state) {
      throw this.error(
        commands.TS(this.address),
        `${this.state.name} holds ${JSON.stringify(name)}, which is no SMC100 state`,
      );
    }
    return state;
  }

  // ---- exchanges ----------------------------------------------------------------------

  /**
   * Runs one exchange with nothing else in between: a set command and its TE must not be
   * split by another query, since every command overwrites the error TE reports.
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Sends a silent set command, then TE; a letter other than @ throws, naming it. */
  private command(command: string): Promise<void> {
    return this.exclusive(async () => {
      await this.channel.write(command);
      if (this.commandGap > 0) await this.clock.sleep(this.commandGap);
      const reply = await this.ask(commands.TE(this.address), "TE");
      const { letter } = this.parse(() => parseErrorReply(reply, this.address));
      if (letter !== NO_ERROR) {
        const hint = letter === "H" ? " (home it first: homeOnConnect or home())" : "";
        throw this.error(command, `was refused${hint}`, letter);
      }
    });
  }

  private askNumber(mnemonic: "TP" | "PA" | Setting): Promise<number> {
    return this.exclusive(() => this.askNumberNow(mnemonic));
  }

  private async askNumberNow(mnemonic: "TP" | "PA" | Setting): Promise<number> {
    const command =
      mnemonic === "TP" ? commands.TP(this.address) : commands[mnemonic](this.address);
    const reply = await this.ask(command, mnemonic);
    const value = this.parse(() => parseNumberReply(reply, this.address, mnemonic));
    if (mnemonic === "TP") this.backends.readback.update(value);
    return value;
  }

  private askStatus(): Promise<Smc100Status> {
    return this.exclusive(() => this.askStatusNow());
  }

  private async askStatusNow(): Promise<Smc100Status> {
    const reply = await this.ask(commands.TS(this.address), "TS");
    const status = this.parse(() => parseStatusReply(reply, this.address));
    this.backends.positionerErrors.update(status.errorWord);
    this.backends.state.update(status.state.name);
    return status;
  }

  /** One query; replies that do not echo `<address><mnemonic>` are rejected (and retried). */
  private ask(command: string, mnemonic: Mnemonic): Promise<string> {
    const { address } = this;
    return this.channel.query(command, {
      validate: (reply) => echoProblem(reply, address, mnemonic),
    });
  }

  /** Runs a parser; its Smc100Error gets the port and device it could not know. */
  private parse<T>(parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof Smc100Error) throw error.placed({ port: this.port, device: this.name });
      throw error;
    }
  }

  private async identify(): Promise<Smc100Status> {
    const { address } = this;
    await this.channel.open();
    const text = async (command: string, mnemonic: "ID" | "VE"): Promise<string> => {
      const reply = await this.ask(command, mnemonic);
      return this.parse(() => parseTextReply(reply, address, mnemonic));
    };
    const [stage, firmware, status] = await this.exclusive(async () => [
      await text(commands.ID(address), "ID"),
      await text(commands.VE(address), "VE"),
      await this.askStatusNow(),
    ]);
    this.identity = { stage, firmware };
    return status;
  }

  /** Fresh readings, so the Motor's limit check and every subscriber start from the truth. */
  private async readSettings(): Promise<void> {
    this.connected = true;
    await Promise.all([
      this.readback.get(),
      this.setpoint.get(),
      this.velocity.get(),
      this.acceleration.get(),
      this.lowLimit.get(),
      this.highLimit.get(),
    ]);
  }

  private async runHome(): Promise<void> {
    const command = commands.OR(this.address);
    const { errorWord } = await this.status();
    await this.homeCommand.set(true);
    const deadline = this.clock.now() + this.homeTimeout;
    const after = await this.waitWhile("HOMING", errorWord, command, () => undefined, deadline);
    if (after.state.code !== 0x32) {
      throw this.error(command, `ended in ${describeStatus(after)} instead of READY from HOMING`);
    }
    await this.applyLimits();
  }

  /** Writes the configured soft limits; SL and SR are refused before the axis is homed. */
  private async applyLimits(): Promise<void> {
    if (!this.connectLimits) return;
    await this.lowLimit.set(this.connectLimits[0]);
    await this.highLimit.set(this.connectLimits[1]);
  }

  /**
   * Polls TS and TP every pollPeriod while the state's group is `group`; returns the first
   * status outside it. Error bits that were not set before the command, or the deadline
   * passing, fail at once (stopping the axis if it is still in `group`).
   */
  private async waitWhile(
    group: "MOVING" | "HOMING",
    baseline: number,
    command: string,
    tick: (position: number) => void,
    deadline = Infinity,
  ): Promise<Polled> {
    for (;;) {
      const status = await this.poll();
      const { position } = status;
      const fresh = status.errorWord & ~baseline;
      const late = this.clock.now() > deadline;
      if (fresh !== 0 || late) {
        // Best effort: the failure below is the news, not a refused stop.
        if (status.state.group === group) {
          await this.stopCommand.set(true).then(undefined, () => undefined);
        }
        const problem = late
          ? `did not finish within ${this.homeTimeout} s (at ${position}, ${describeStatus(status)})`
          : `failed at ${position}: ${describeStatus(status, fresh)}`;
        throw this.error(command, problem);
      }
      tick(position);
      if (status.state.group !== group) return status;
      await this.clock.sleep(this.pollPeriod);
    }
  }

  private error(command: string, problem: string, letter?: string): Smc100Error {
    return new Smc100Error({
      address: this.address,
      command,
      problem,
      letter,
      port: this.port,
      device: this.name,
    });
  }

  private async withinTimeout<T>(work: Promise<T>, timeout: number, what: string): Promise<T> {
    const abort = new AbortController();
    const expired = this.clock.sleep(timeout, { signal: abort.signal }).then(() => {
      throw this.error(what, `did not finish within ${timeout} s`);
    });
    try {
      return await Promise.race([work, expired]);
    } finally {
      abort.abort();
      expired.catch(() => undefined);
    }
  }
}

/** "DISABLE from MOVING (positive end of run)". */
function describeStatus(
  status: Pick<Smc100Status, "state" | "errorWord">,
  word = status.errorWord,
): string {
  const errors = describePositionerErrors(word);
  return errors.length === 0 ? status.state.name : `${status.state.name} (${errors.join(", ")})`;
}
