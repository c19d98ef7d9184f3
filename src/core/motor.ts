import type { Clock } from "./clock.js";
import { datatype } from "./datatype.js";
import type { ConnectOptions } from "./device.js";
import { Device } from "./device.js";
import { DatatypeError, LimitError, MoveInterruptedError } from "./errors.js";
import { callbackOnMockPut, setMockValue } from "./mock.js";
import type { Locatable, Location, StopOptions, Stoppable } from "./protocols.js";
import type { SignalR, SignalRW } from "./signal.js";
import { softSignalRAndSetter, softSignalRW } from "./signal-factories.js";
import type { ProgressReport } from "./status.js";
import { Status } from "./status.js";

export interface MotorOptions {
  name: string;
  clock: Clock;
  /** Where the axis is; read() reports it under the motor's own name. */
  readback: SignalR<number>;
  /** Speed, units/s, and acceleration, units/s². */
  velocity: SignalRW<number>;
  acceleration: SignalRW<number>;
  /** Soft limits checked before every move; low == high disables them, as in EPICS. */
  lowLimit?: SignalRW<number>;
  highLimit?: SignalRW<number>;
  /** The last requested position, when the controller holds one (default: kept here). */
  setpoint?: SignalR<number>;
  /** Where the kept setpoint starts: the axis's position at construction (default 0). */
  initialSetpoint?: number;
  units?: string;
  precision?: number;
}

interface ActiveMove {
  readonly target: number;
  interruption?: { success: boolean; why: string };
}

/**
 * A positioner: Movable, Locatable and Stoppable. set() checks the target against the soft
 * limits before anything moves and resolves when in position; a stopped or superseded move
 * fails (or succeeds with stop({success: true})). Subclasses drive the hardware or model.
 */
export abstract class Motor extends Device implements Locatable<number>, Stoppable {
  readonly readback: SignalR<number>;
  readonly setpoint: SignalR<number>;
  readonly velocity: SignalRW<number>;
  readonly acceleration: SignalRW<number>;
  readonly lowLimit: SignalRW<number>;
  readonly highLimit: SignalRW<number>;
  readonly moving: SignalR<boolean>;
  readonly clock: Clock;
  readonly units: string | undefined;
  readonly precision: number | undefined;
  private readonly setMoving: (moving: boolean) => void;
  /** The setpoint kept here when the controller holds none; each move writes it. */
  private readonly keptSetpoint: SignalRW<number> | undefined;
  private activeMove: ActiveMove | undefined;
  /** The soft limits as last reported by their signals, so a move need not read them. */
  private readonly limits: { low?: number; high?: number } = {};

  constructor(options: MotorOptions) {
    super({ name: options.name });
    const { clock, units, precision } = options;
    this.clock = clock;
    this.units = units;
    this.precision = precision;
    const soft = { clock, units, precision };
    this.readback = this.add("readback", options.readback, { primary: true, kind: "hinted" });
    if (!options.setpoint) {
      this.keptSetpoint = softSignalRW(datatype.float, options.initialSetpoint ?? 0, soft);
    }
    const setpoint = options.setpoint ?? this.keptSetpoint!;
    this.setpoint = this.add("setpoint", setpoint, { kind: "normal" });
    this.velocity = this.add("velocity", options.velocity, { kind: "config" });
    this.acceleration = this.add("acceleration", options.acceleration, { kind: "config" });
    const lowLimit = options.lowLimit ?? softSignalRW(datatype.float, 0, soft);
    const highLimit = options.highLimit ?? softSignalRW(datatype.float, 0, soft);
    this.lowLimit = this.add("low_limit", lowLimit, { kind: "config" });
    this.highLimit = this.add("high_limit", highLimit, { kind: "config" });
    // Unread limits are asked for by set(), whose Status then carries the read's error.
    const askOnMove = { onError: () => undefined };
    lowLimit.subscribeValue((low) => (this.limits.low = low), askOnMove);
    highLimit.subscribeValue((high) => (this.limits.high = high), askOnMove);
    const [moving, setMoving] = softSignalRAndSetter(datatype.boolean, false, { clock });
    this.moving = this.add("moving", moving, { kind: "omitted" });
    this.setMoving = setMoving;
  }

  /**
   * With `mock`, a write to the setpoint also moves the readback there, since a mocked
   * readback has no hardware to follow (a test may hook the setpoint itself instead).
   */
  override async connect(options: ConnectOptions = {}): Promise<void> {
    await super.connect(options);
    if (options.mock && this.setpoint.mock && this.readback.mock) {
      const readback = this.readback;
      callbackOnMockPut(this.setpoint, (target) => setMockValue(readback, target));
    }
  }

  set(target: number, { timeout }: { timeout?: number } = {}): Status {
    const { clock, units, precision } = this;
    const name = `${this.name} move to ${target}`;
    const status = new Status({ name, clock, timeout, units, precision });
    void this.runMove(target, status);
    return status;
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.setpoint.get(), this.readback.get()]);
    return { setpoint, readback };
  }

  /** Stops any motion; resolves when the axis is at rest. */
  async stop({ success = false }: StopOptions = {}): Promise<void> {
    if (this.activeMove) this.activeMove.interruption ??= { success, why: "was stopped" };
    await this.haltMotion();
  }

  /**
   * Starts moving to `target` (already checked) and resolves when the motion has ended:
   * in position, stopped, or taken over by a later startMove. Rejects on a fault.
   */
  protected abstract startMove(
    target: number,
    report: (progress: ProgressReport) => void,
  ): Promise<void>;

  /** Brings the axis to rest; resolves when it is. */
  protected abstract haltMotion(): Promise<void>;

  private async runMove(target: number, status: Status): Promise<void> {
    const move: ActiveMove = { target };
    try {
      if (!Number.isFinite(target)) throw new DatatypeError(this.name, "a finite number", target);
      const { low, high } = this.limits;
      if (low === undefined || high === undefined) await this.checkLimits(target);
      else checkLimits(this.name, target, low, high);
      if (this.activeMove) {
        this.activeMove.interruption ??= {
          success: false,
          why: `was superseded by a move to ${target}`,
        };
      }
      this.activeMove = move;
      // A soft write is done at once; its Status has nothing to wait for.
      this.keptSetpoint?.set(target);
      this.setMoving(true);
      await this.startMove(target, (progress) => status.report(progress));
      const interruption = move.interruption;
      if (!interruption || interruption.success) status.finish();
      else {
        const position = await this.readback.get();
        status.fail(new MoveInterruptedError(this.name, target, position, interruption.why));
      }
    } catch (error) {
      status.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      if (this.activeMove === move) {
        this.activeMove = undefined;
        this.setMoving(false);
      }
    }
  }

  /** Before the limits' first readings arrive: ask the signals. */
  private async checkLimits(target: number): Promise<void> {
    const [low, high] = await Promise.all([this.lowLimit.get(), this.highLimit.get()]);
    checkLimits(this.name, target, low, high);
  }
}

function checkLimits(name: string, target: number, low: number, high: number): void {
  if (low === high) return; // EPICS: equal limits mean none
  if (target < low || target > high) throw new LimitError(name, target, low, high);
}
