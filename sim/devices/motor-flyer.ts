import type { Clock, SignalRW } from "../../src/core/index.js";
import { Status } from "../../src/core/index.js";
import type { AxisModel } from "../motion/axis-model.js";
import type { FlyProfile } from "../motion/fly-profile.js";
import type { SeededRandom } from "../random.js";
import { FlyScanError, planFly, type FlyMotorInfo } from "./fly-plan.js";
import { PositionCompareTrain } from "./position-compare.js";

/** What the flyer needs of its motor. */
export interface FlyingMotor {
  readonly name: string;
  readonly clock: Clock;
  readonly axis: AxisModel;
  readonly lowLimit: SignalRW<number>;
  readonly highLimit: SignalRW<number>;
  /** The motor's checked move, which ends up in startMove(). */
  set(target: number): Status;
}

export interface MotorFlyerOptions {
  /** Fastest constant velocity allowed, units/s; undefined for no bound. */
  maxVelocity: number | undefined;
  /** The encoder's, for the positions the compare reports. */
  encoderResolution: number | undefined;
  readbackNoise: number | undefined;
  random: SeededRandom;
}

/** A fly move from prepare() on: its profile, its train, and once kicked off its motion. */
interface PreparedFly {
  readonly profile: FlyProfile;
  readonly train: PositionCompareTrain | undefined;
  kickoff?: Status;
  motion?: Status;
}

/**
 * A SimMotor's fly scans, as a controller with a position compare runs them: prepare() checks
 * the move, arms the train and goes to the run-up; kickoff() starts the constant-velocity
 * move, which the motor makes through its ordinary set() so stop() and the moving flag apply.
 */
export class MotorFlyer {
  private readonly motor: FlyingMotor;
  private readonly options: MotorFlyerOptions;
  private fly: PreparedFly | undefined;
  /** The fly whose move set() is about to start. */
  private launching: PreparedFly | undefined;
  /** The train of the fly move in motion: disarmed when that move is stopped or taken over. */
  private firing: PositionCompareTrain | undefined;

  constructor(motor: FlyingMotor, options: MotorFlyerOptions) {
    this.motor = motor;
    this.options = options;
  }

  /** The train of the last prepare() with pulses. */
  get pulses(): PositionCompareTrain | undefined {
    return this.fly?.train;
  }

  prepare(info: FlyMotorInfo): Status {
    const { name, clock } = this.motor;
    const status = new Status({ name: `${name} prepare`, clock });
    void this.runPrepare(info, status);
    return status;
  }

  kickoff(): Status {
    const { name, clock, axis } = this.motor;
    const status = new Status({ name: `${name} kickoff`, clock });
    const fly = this.fly;
    const now = clock.now();
    let refusal: string | undefined;
    if (!fly) refusal = "was not prepared for a fly scan";
    else if (fly.motion) refusal = "was already kicked off: prepare it again";
    else if (axis.isMoving(now) || axis.positionAt(now) !== fly.profile.runUp) {
      refusal =
        `is not at rest at its run-up position ${fly.profile.runUp} ` +
        `(at ${axis.positionAt(now)}): wait for prepare() to finish`;
    }
    if (!fly || refusal !== undefined) {
      status.fail(new FlyScanError(name, refusal ?? "was not prepared for a fly scan"));
      return status;
    }
    fly.kickoff = status;
    this.launching = fly;
    const motion = this.motor.set(fly.profile.runOut);
    fly.motion = motion;
    // A move refused before it starts fails the kickoff too.
    motion.addCallback(() => {
      if (!motion.success) status.fail(motion.error ?? new FlyScanError(name, "fly failed"));
    });
    return status;
  }

  complete(): Status {
    const motion = this.fly?.motion;
    if (motion) return motion;
    const { name, clock } = this.motor;
    const error = new FlyScanError(name, "was not kicked off");
    return Status.failed(error, { name: `${name} complete`, clock });
  }

  /**
   * For the motor's startMove(), before the axis moves: disarms a fly in motion, and makes the
   * move to `target` the fly move when kickoff() asked for it. Returns whether it did.
   */
  startMove(target: number, now: number): boolean {
    this.disarm(now);
    const fly = this.launching;
    this.launching = undefined;
    if (!fly || target !== fly.profile.runOut) return false;
    const { axis } = this.motor;
    const { runOut, velocity, acceleration } = fly.profile;
    axis.fly(runOut, now, { velocity, acceleration });
    if (fly.train) {
      fly.train.start(now);
      // A limit switch on the way ends the move early: later pulses never fire.
      if (axis.positionAt(axis.arrivalTime) !== runOut) fly.train.cut(axis.arrivalTime);
      this.firing = fly.train;
    }
    fly.kickoff?.finish();
    return true;
  }

  /** A fly move stopped or taken over at `time` fires no more pulses. */
  disarm(time: number): void {
    this.firing?.cut(time);
    this.firing = undefined;
  }

  /** The move came to rest where planned: its train fired in full. */
  arrived(): void {
    this.firing = undefined;
  }

  private async runPrepare(info: FlyMotorInfo, status: Status): Promise<void> {
    const { motor, options } = this;
    try {
      this.fly = undefined;
      const [low, high] = await Promise.all([motor.lowLimit.get(), motor.highLimit.get()]);
      const { acceleration } = motor.axis;
      const bounds = { acceleration, maxVelocity: options.maxVelocity, low, high };
      const profile = planFly(motor.name, info, bounds);
      const train =
        info.pulses === undefined
          ? undefined
          : new PositionCompareTrain({
              profile,
              pulses: info.pulses,
              encoderResolution: options.encoderResolution,
              readbackNoise: options.readbackNoise,
              random: options.random,
            });
      this.fly = { profile, train };
      await motor.set(profile.runUp);
      status.finish();
    } catch (error) {
      status.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
