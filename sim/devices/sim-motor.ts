import type {
  Clock,
  Flyable,
  MoveEstimator,
  Preparable,
  ProgressReport,
  SignalR,
  Status,
  Timer,
} from "../../src/core/index.js";
import {
  Motor,
  MoveInterruptedError,
  datatype,
  simSignalR,
  simSignalRW,
  softSignalRW,
} from "../../src/core/index.js";
import { AxisModel, type AxisModelOptions } from "../motion/axis-model.js";
import { SeededRandom } from "../random.js";
import type { FlyMotorInfo } from "./fly-plan.js";
import { MotorFlyer } from "./motor-flyer.js";
import type { PositionCompareTrain } from "./position-compare.js";
import type { PositionSource } from "./position-source.js";
import type { PulseSource } from "./pulse-train.js";

export interface SimMotorOptions {
  name: string;
  clock: Clock;
  /** Where the axis starts (default 0). */
  position?: number;
  /** units/s (default 1). */
  velocity?: number;
  /** units/s² (default 10). */
  acceleration?: number;
  /** Fastest constant velocity a fly scan may ask for, units/s (default: no bound). */
  maxVelocity?: number;
  /** Soft limits [low, high] checked before a move; equal values disable them (default). */
  limits?: readonly [number, number];
  /** Limit switch positions: a move across one stops there and fails. */
  hardLimits?: { low: number; high: number };
  /** Signed overshoot before the final approach, which is always made in its direction. */
  backlash?: number;
  encoderResolution?: number;
  /** Standard deviation of the gaussian noise on every readback. */
  readbackNoise?: number;
  seed?: number;
  units?: string;
  precision?: number;
  /** Seconds between readback updates to subscribers while moving (default 0.1). */
  updatePeriod?: number;
}

/** One move: where from and to, whom to tell of progress, and its timers. */
class Move {
  readonly initial: number;
  readonly target: number;
  readonly report: (progress: ProgressReport) => void;
  /** Settles when the motion ends: at the target, stopped, taken over or cut by a switch. */
  readonly ended: Promise<void>;
  updateTimer: Timer | undefined;
  arrivalTimer: Timer | undefined;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  constructor(initial: number, target: number, report: (progress: ProgressReport) => void) {
    this.initial = initial;
    this.target = target;
    this.report = report;
    this.ended = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  end(error?: Error): void {
    this.updateTimer?.cancel();
    this.arrivalTimer?.cancel();
    if (error) this.reject(error);
    else this.resolve();
  }
}

/**
 * A motor on a physics model: trapezoidal moves on the clock with backlash, limit switches,
 * encoder resolution and readback noise. While it moves, the readback updates its
 * subscribers and the move Status reports progress every `updatePeriod`.
 *
 * It flies as a controller with a position compare does: prepare() goes to the run-up
 * position and arms the pulse train, kickoff() starts the constant-velocity move through the
 * range, complete() ends at rest at the run-out position.
 */
export class SimMotor
  extends Motor
  implements PositionSource, MoveEstimator, Preparable<FlyMotorInfo>, Flyable, PulseSource
{
  readonly axis: AxisModel;
  private readonly axisOptions: AxisModelOptions;
  readonly lowLimitSwitch: SignalR<boolean>;
  readonly highLimitSwitch: SignalR<boolean>;
  private readonly updatePeriod: number;
  private readonly notifyReadback: () => void;
  private readonly notifySwitches: Array<() => void>;
  private move: Move | undefined;
  private readonly flyer: MotorFlyer;

  constructor(options: SimMotorOptions) {
    const { name, clock, units = "mm", precision = 3, updatePeriod = 0.1 } = options;
    const seeded = new SeededRandom(options.seed ?? 0);
    const random = seeded.fork(`${name}.readback`);
    const axisOptions: AxisModelOptions = {
      position: options.position ?? 0,
      maxVelocity: options.velocity ?? 1,
      acceleration: options.acceleration ?? 10,
      backlash: options.backlash ?? 0,
      hardLimits: options.hardLimits,
      encoderResolution: options.encoderResolution ?? 0,
      readbackNoise: options.readbackNoise ?? 0,
      random,
    };
    const axis = new AxisModel(axisOptions);
    const meta = { clock, units, precision };
    const [readback, notifyReadback] = simSignalR(
      datatype.float,
      () => axis.readbackAt(clock.now()),
      meta,
    );
    const velocity = simSignalRW(
      datatype.float,
      { read: () => axis.maxVelocity, write: (v) => void (axis.maxVelocity = v) },
      { ...meta, units: `${units}/s` },
    );
    const acceleration = simSignalRW(
      datatype.float,
      { read: () => axis.acceleration, write: (a) => void (axis.acceleration = a) },
      { ...meta, units: `${units}/s^2` },
    );
    const [low, high] = options.limits ?? [0, 0];
    super({
      name,
      clock,
      readback,
      velocity,
      acceleration,
      lowLimit: softSignalRW(datatype.float, low, meta),
      highLimit: softSignalRW(datatype.float, high, meta),
      initialSetpoint: axisOptions.position,
      units,
      precision,
    });
    this.axis = axis;
    this.axisOptions = axisOptions;
    this.updatePeriod = updatePeriod;
    this.notifyReadback = notifyReadback;
    const [lowSwitch, notifyLow] = simSignalR(
      datatype.boolean,
      () => axis.limitSwitchesAt(clock.now()).low,
      { clock },
    );
    const [highSwitch, notifyHigh] = simSignalR(
      datatype.boolean,
      () => axis.limitSwitchesAt(clock.now()).high,
      { clock },
    );
    this.lowLimitSwitch = this.add("low_limit_switch", lowSwitch, { kind: "omitted" });
    this.highLimitSwitch = this.add("high_limit_switch", highSwitch, { kind: "omitted" });
    this.notifySwitches = [notifyLow, notifyHigh];
    this.flyer = new MotorFlyer(this, {
      maxVelocity: options.maxVelocity,
      encoderResolution: axisOptions.encoderResolution,
      readbackNoise: axisOptions.readbackNoise,
      random: seeded.fork(`${name}.compare`),
    });
  }

  /** The position-compare train of the last prepare() with pulses. */
  get pulses(): PositionCompareTrain | undefined {
    return this.flyer.pulses;
  }

  /** Checks the fly move, arms its train and goes to the run-up position at the normal speed. */
  prepare(info: FlyMotorInfo): Status {
    return this.flyer.prepare(info);
  }

  /** Starts the constant-velocity move to the run-out position; resolves once moving. */
  kickoff(): Status {
    return this.flyer.kickoff();
  }

  /** Resolves when the fly move is at rest at the run-out; fails if it was stopped. */
  complete(): Status {
    return this.flyer.complete();
  }

  /** The true position at time t, free of encoder steps and noise. */
  positionAt(t: number): number {
    return this.axis.positionAt(t);
  }

  /** Plans the move on a copy of the axis, with the current speed settings, and times it. */
  estimateMoveDuration(target: number, from = this.axis.positionAt(this.clock.now())): number {
    const { axis } = this;
    const copy = new AxisModel({
      ...this.axisOptions,
      position: from,
      maxVelocity: axis.maxVelocity,
      acceleration: axis.acceleration,
      readbackNoise: 0,
    });
    return copy.move(target, 0).arrival;
  }

  protected startMove(target: number, report: (progress: ProgressReport) => void): Promise<void> {
    this.endMove(); // a move still running is taken over by this one
    const now = this.clock.now();
    const initial = this.axis.positionAt(now);
    if (!this.flyer.startMove(target, now)) this.axis.move(target, now);
    const move = new Move(initial, target, report);
    this.move = move;
    this.scheduleUpdates(move);
    return move.ended;
  }

  protected async haltMotion(): Promise<void> {
    const move = this.move;
    if (!move) return;
    this.flyer.disarm(this.clock.now());
    this.axis.stop(this.clock.now());
    this.scheduleUpdates(move);
    await move.ended.catch(() => undefined);
  }

  /** Progress updates every updatePeriod and the arrival of the current plan. */
  private scheduleUpdates(move: Move): void {
    move.updateTimer?.cancel();
    move.arrivalTimer?.cancel();
    this.reportProgress(move);
    const { clock, axis } = this;
    move.arrivalTimer = clock.schedule(axis.arrivalTime - clock.now(), this.onArrival);
  }

  /** Tells subscribers and the move's watchers where the axis is; due again while far off. */
  private reportProgress(move: Move): void {
    const { clock, axis } = this;
    const now = clock.now();
    const remaining = axis.arrivalTime - now;
    this.notifyReadback();
    move.report({
      current: axis.positionAt(now),
      initial: move.initial,
      target: move.target,
      fraction: axis.pathFraction(now),
      remaining,
    });
    if (remaining > this.updatePeriod) {
      move.updateTimer = clock.schedule(this.updatePeriod, this.onUpdateDue);
    }
  }

  // Made once per motor, not per move: a move's timers are cancelled when it ends.
  private readonly onUpdateDue = (): void => {
    if (this.move) this.reportProgress(this.move);
  };

  private readonly onArrival = (): void => this.arrive();

  private arrive(): void {
    const move = this.move;
    if (!move) return;
    const now = this.clock.now();
    this.flyer.arrived();
    this.notifyReadback();
    for (const notify of this.notifySwitches) notify();
    const side = this.axis.stoppedByLimitAt(now);
    const error =
      side &&
      new MoveInterruptedError(
        this.name,
        move.target,
        this.axis.positionAt(now),
        `hit the ${side} limit switch`,
      );
    this.endMove(error);
  }

  private endMove(error?: Error): void {
    const move = this.move;
    if (!move) return;
    this.move = undefined;
    move.end(error);
  }
}
