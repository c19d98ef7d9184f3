// Smc100Motor: the Motor on one SMC100 axis. It wires the parts together (exchanges, signals,
// polling, homing, connect) and keeps only what is the Motor's own: moving and stopping.
import type {
  Clock,
  ConnectOptions,
  ProgressReport,
  SignalR,
  SignalRW,
} from "../../src/core/index.js";
import { Motor } from "../../src/core/index.js";
import type { Smc100Status } from "./protocol.js";
import { commands } from "./protocol.js";
import type { Smc100Axis } from "./smc100-axis.js";
import type { Smc100Channel } from "./smc100-channel.js";
import { connectMocked, connectOnLine } from "./smc100-connect.js";
import type { Smc100Identity } from "./smc100-exchanges.js";
import { Smc100Exchanges } from "./smc100-exchanges.js";
import { home } from "./smc100-homing.js";
import { describeStatus, poll, readStatus, waitWhile } from "./smc100-polling.js";
import { smc100Signals } from "./smc100-signals.js";

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

interface Motion {
  /** Settles when the polling of this motion has ended, however it ended. */
  readonly ended: Promise<void>;
}

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
  private readonly axis: Smc100Axis;
  private motion: Motion | undefined;

  constructor(options: Smc100MotorOptions) {
    const { name, clock, channel, units = "mm", precision = 4 } = options;
    // Errors name the device as it is called then (a root device may be renamed), but
    // `this` cannot be captured before super().
    const named: { motor?: Smc100Motor } = {};
    const exchanges = new Smc100Exchanges({
      channel,
      clock,
      address: options.address ?? 1,
      commandGap: options.commandGap ?? 0.01,
      device: () => named.motor!.name,
    });
    const signals = smc100Signals(exchanges, { clock, units, precision });
    super({
      name,
      clock,
      readback: signals.readback,
      setpoint: signals.setpoint,
      velocity: signals.velocity,
      acceleration: signals.acceleration,
      lowLimit: signals.lowLimit,
      highLimit: signals.highLimit,
      units,
      precision,
    });
    named.motor = this;
    this.address = exchanges.address;
    this.port = exchanges.port;
    this.axis = {
      clock,
      exchanges,
      signals,
      pollPeriod: options.pollPeriod ?? 0.05,
      homeTimeout: options.homeTimeout ?? 180,
      homeOnConnect: options.homeOnConnect ?? false,
      limits: options.limits,
    };
    const omitted = { kind: "omitted" } as const;
    this.state = this.add("state", signals.state, omitted);
    this.positionerErrors = this.add("positioner_errors", signals.positionerErrors, omitted);
    this.stopCommand = this.add("stop_command", signals.stopCommand, omitted);
    this.homeCommand = this.add("home_command", signals.homeCommand, omitted);
  }

  /** The stage identifier and firmware version, once connected. */
  get info(): Smc100Identity | undefined {
    return this.axis.exchanges.info;
  }

  /**
   * Asks ID?, VE and TS; reads the settings so the limits are known before the first move;
   * homes when NOT REFERENCED and `homeOnConnect` is set. Fails with a NotConnectedError
   * naming the port and address. With `mock`, opens nothing: the mocked axis rests READY
   * with the configured soft limits.
   */
  override async connect(options: ConnectOptions = {}): Promise<void> {
    await super.connect(options);
    if (this.connectedAsMock) connectMocked(this.axis);
    else await connectOnLine(this.axis, this.name, options.timeout ?? 10);
  }

  /** Closes the channel, which other axes on the same port may share. */
  override async disconnect(): Promise<void> {
    await super.disconnect();
    if (!this.connectedAsMock) await this.axis.exchanges.close();
  }

  /** Runs the home search (OR) and resolves READY from HOMING; only from NOT REFERENCED. */
  async home(): Promise<void> {
    await home(this.axis);
  }

  /** Reads TS (through `state`): the positioner errors and the controller state. */
  async status(): Promise<Smc100Status> {
    return readStatus(this.axis);
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
      const before = await poll(this.axis);
      const initial = before.position;
      const command = commands.PA(this.address, target);
      await this.setpoint.set(target);
      const after = await waitWhile(this.axis, "MOVING", before.errorWord, command, (current) =>
        report({ current, initial, target }),
      );
      if (after.state.group !== "READY") {
        const problem = `ended in ${describeStatus(after)} instead of READY`;
        throw this.axis.exchanges.error(command, problem);
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
}
