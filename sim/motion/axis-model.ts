import type { SeededRandom } from "../random.js";
import { DecelerationProfile } from "./deceleration-profile.js";
import type { MotionSegment } from "./motion-segment.js";
import { TrapezoidProfile } from "./trapezoid-profile.js";
import { cutAtLimits, type LimitSide } from "./truncated-segment.js";
import { requireFinite, requireNonNegative, requirePositive } from "./checks.js";

export type { LimitSide } from "./truncated-segment.js";

export interface AxisModelOptions {
  /** Initial position, default 0. */
  position?: number;
  maxVelocity: number;
  acceleration: number;
  /** Signed: the final approach is always made in the direction of sign(backlash). */
  backlash?: number;
  /** Limit switch positions. */
  hardLimits?: { low: number; high: number };
  /** Readback step; 0 means no quantisation. */
  encoderResolution?: number;
  /** Gaussian sd added to every readback. */
  readbackNoise?: number;
  /** Required when readbackNoise > 0. */
  random?: SeededRandom;
}

/** A segment placed on the absolute time axis. */
interface Leg {
  readonly start: number;
  readonly segment: MotionSegment;
}

/**
 * A single motor axis. It holds one plan (a list of legs starting at `planStart`); every
 * query takes an absolute time in seconds. Times before the latest plan start are answered
 * as if the axis had been at the plan's start state, so callers should move forward in time.
 */
export class AxisModel {
  private velocity: number;
  private accel: number;
  private readonly backlash: number;
  private readonly limits: { low: number; high: number } | undefined;
  private readonly encoderResolution: number;
  private readonly readbackNoise: number;
  private readonly random: SeededRandom | undefined;

  private legs: Leg[] = [];
  private planStart = -Infinity;
  private startPosition: number;
  private endPosition: number;
  private arrival = -Infinity;
  private cut: { side: LimitSide; time: number } | undefined;

  constructor(options: AxisModelOptions) {
    const position = options.position ?? 0;
    requireFinite("position", position);
    requirePositive("maxVelocity", options.maxVelocity);
    requirePositive("acceleration", options.acceleration);
    const backlash = options.backlash ?? 0;
    requireFinite("backlash", backlash);
    const limits = options.hardLimits;
    if (limits !== undefined && !(limits.low < limits.high)) {
      throw new RangeError(
        `hardLimits must have low < high, got low ${limits.low}, high ${limits.high}`,
      );
    }
    const resolution = options.encoderResolution ?? 0;
    requireNonNegative("encoderResolution", resolution);
    const noise = options.readbackNoise ?? 0;
    requireNonNegative("readbackNoise", noise);
    if (noise > 0 && options.random === undefined) {
      throw new RangeError(`random is required when readbackNoise > 0, got readbackNoise ${noise}`);
    }
    this.velocity = options.maxVelocity;
    this.accel = options.acceleration;
    this.backlash = backlash;
    this.limits = limits === undefined ? undefined : { low: limits.low, high: limits.high };
    this.encoderResolution = resolution;
    this.readbackNoise = noise;
    this.random = options.random;
    this.startPosition = position;
    this.endPosition = position;
  }

  /** units/s; applies from the next move. */
  get maxVelocity(): number {
    return this.velocity;
  }
  set maxVelocity(value: number) {
    requirePositive("maxVelocity", value);
    this.velocity = value;
  }

  /** units/s²; applies from the next move or stop. */
  get acceleration(): number {
    return this.accel;
  }
  set acceleration(value: number) {
    requirePositive("acceleration", value);
    this.accel = value;
  }

  /** When the current plan comes (or came) to rest; -Infinity before the first move. */
  get arrivalTime(): number {
    return this.arrival;
  }

  /** Drive to `target`, starting at time t from whatever state the axis is in then. */
  move(target: number, t: number): { arrival: number } {
    requireFinite("target", target);
    this.replan(t, target);
    return { arrival: this.arrival };
  }

  /**
   * Drive to `target` at `velocity` and `acceleration` in one trapezoid, without a backlash
   * approach: a fly move, whose constant-velocity part must not be split.
   */
  fly(
    target: number,
    t: number,
    speed: { velocity: number; acceleration: number },
  ): { arrival: number } {
    requireFinite("target", target);
    requirePositive("velocity", speed.velocity);
    requirePositive("acceleration", speed.acceleration);
    this.replan(t, target, speed);
    return { arrival: this.arrival };
  }

  /** Brake from the state at t and drop the rest of the plan. */
  stop(t: number): { arrival: number } {
    requireFinite("t", t);
    if (t >= this.arrival) return { arrival: this.arrival };
    this.replan(t, undefined);
    return { arrival: this.arrival };
  }

  positionAt(t: number): number {
    if (t <= this.planStart) return this.startPosition;
    if (t >= this.arrival) return this.endPosition;
    const leg = this.legAt(t);
    return leg === undefined ? this.endPosition : leg.segment.positionAt(t - leg.start);
  }

  velocityAt(t: number): number {
    if (t < this.planStart || t >= this.arrival) return 0;
    const leg = this.legAt(t);
    return leg === undefined ? 0 : leg.segment.velocityAt(t - leg.start);
  }

  isMoving(t: number): boolean {
    return t >= this.planStart && t < this.arrival;
  }

  /** What the encoder reports: the true position rounded to the resolution, plus noise. */
  readbackAt(t: number): number {
    let value = this.positionAt(t);
    if (this.encoderResolution > 0) {
      value = Math.round(value / this.encoderResolution) * this.encoderResolution;
    }
    if (this.readbackNoise > 0 && this.random !== undefined) {
      value += this.random.normal(0, this.readbackNoise);
    }
    return value;
  }

  /** A switch is active while the position is at or beyond it. */
  limitSwitchesAt(t: number): { low: boolean; high: boolean } {
    if (this.limits === undefined) return { low: false, high: false };
    const position = this.positionAt(t);
    return { low: position <= this.limits.low, high: position >= this.limits.high };
  }

  /** The switch that cut the current/last plan short, once the cut has happened. */
  stoppedByLimitAt(t: number): LimitSide | undefined {
    return this.cut !== undefined && t >= this.cut.time ? this.cut.side : undefined;
  }

  /** Share of the plan's path length covered at t: 0 at plan start, 1 at arrival. */
  pathFraction(t: number): number {
    if (t >= this.arrival) return 1;
    if (t <= this.planStart) return 0;
    let total = 0;
    let travelled = 0;
    for (const leg of this.legs) {
      const from = leg.segment.positionAt(0);
      total += Math.abs(leg.segment.target - from);
      travelled += Math.abs(leg.segment.positionAt(t - leg.start) - from);
    }
    return total === 0 ? 1 : travelled / total;
  }

  private legAt(t: number): Leg | undefined {
    return this.legs.find((leg) => t < leg.start + leg.segment.duration);
  }

  /**
   * Replace the plan from time t: brake if moving, then (if given) go to target, with the
   * backlash approach unless a fly `speed` is given.
   */
  private replan(
    t: number,
    target: number | undefined,
    speed?: { velocity: number; acceleration: number },
  ): void {
    requireFinite("t", t);
    if (t < this.planStart) {
      throw new RangeError(`t must be >= the current plan start ${this.planStart}, got ${t}`);
    }
    const position = this.positionAt(t);
    const velocity = this.velocityAt(t);
    const segments: MotionSegment[] = [];
    let here = position;
    if (velocity !== 0) {
      const brake = new DecelerationProfile({ position, velocity, acceleration: this.accel });
      segments.push(brake);
      here = brake.target;
    }
    if (target !== undefined) {
      const waypoints = speed === undefined ? this.waypoints(here, target) : [target];
      for (const waypoint of waypoints) {
        segments.push(
          new TrapezoidProfile({
            start: here,
            target: waypoint,
            maxVelocity: speed?.velocity ?? this.velocity,
            acceleration: speed?.acceleration ?? this.accel,
          }),
        );
        here = waypoint;
      }
    }
    this.planStart = t;
    this.startPosition = position;
    this.cut = undefined;
    this.legs = [];
    let start = t;
    for (const segment of segments) {
      if (segment.duration === 0 && segment.target === segment.positionAt(0)) continue;
      const cut = this.limits === undefined ? undefined : cutAtLimits(segment, this.limits);
      const leg = cut?.segment ?? segment;
      this.legs.push({ start, segment: leg });
      start += leg.duration;
      if (cut !== undefined) {
        this.cut = { side: cut.side, time: start };
        break;
      }
    }
    const last = this.legs[this.legs.length - 1];
    this.endPosition = last === undefined ? position : last.segment.target;
    this.arrival = start;
  }

  /** Where to stop on the way: overshoot by the backlash when approaching from the wrong side. */
  private waypoints(from: number, target: number): number[] {
    const direction = Math.sign(target - from);
    if (direction === 0) return [];
    if (this.backlash === 0 || direction === Math.sign(this.backlash)) return [target];
    return [target - this.backlash, target];
  }
}
