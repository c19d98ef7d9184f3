import type { MotionSegment } from "./motion-segment.js";

export interface DecelerationProfileOptions {
  /** Position when braking begins. */
  position: number;
  /** Signed velocity when braking begins, units/s. */
  velocity: number;
  /** Braking rate, units/s², > 0. */
  acceleration: number;
}

/** A stop from a moving state: constant deceleration until the velocity is zero. */
export class DecelerationProfile implements MotionSegment {
  readonly start: number;
  readonly initialVelocity: number;
  readonly acceleration: number;
  readonly duration: number;
  /** Where it comes to rest. */
  readonly target: number;
  /** Absolute distance covered while braking. */
  readonly distance: number;

  constructor(options: DecelerationProfileOptions) {
    const { position, velocity, acceleration } = options;
    if (!Number.isFinite(position)) {
      throw new RangeError(`position must be finite, got ${position}`);
    }
    if (!Number.isFinite(velocity)) {
      throw new RangeError(`velocity must be finite, got ${velocity}`);
    }
    if (!(acceleration > 0) || !Number.isFinite(acceleration)) {
      throw new RangeError(`acceleration must be > 0, got ${acceleration}`);
    }
    this.start = position;
    this.initialVelocity = velocity;
    this.acceleration = acceleration;
    this.duration = Math.abs(velocity) / acceleration;
    // Braking distance v²/(2a), in the direction of travel.
    this.target = position + (velocity * Math.abs(velocity)) / (2 * acceleration);
    this.distance = Math.abs(this.target - position);
  }

  positionAt(t: number): number {
    if (t <= 0) return this.start;
    if (t >= this.duration) return this.target;
    const v = this.initialVelocity;
    return this.start + v * t - Math.sign(v) * 0.5 * this.acceleration * t * t;
  }

  velocityAt(t: number): number {
    if (t >= this.duration) return 0;
    const v = this.initialVelocity;
    if (t <= 0) return v;
    return v - Math.sign(v) * this.acceleration * t;
  }
}
