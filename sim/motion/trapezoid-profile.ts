import type { MotionSegment } from "./motion-segment.js";
import { requireFinite, requirePositive } from "./checks.js";

export interface TrapezoidProfileOptions {
  start: number;
  target: number;
  /** Top speed, units/s, > 0. */
  maxVelocity: number;
  /** Used both to speed up and to slow down, units/s², > 0. */
  acceleration: number;
}

/**
 * A rest-to-rest move: constant acceleration, cruise at maxVelocity, constant deceleration.
 * Short moves never reach maxVelocity and become a triangle.
 */
export class TrapezoidProfile implements MotionSegment {
  readonly start: number;
  readonly target: number;
  readonly maxVelocity: number;
  readonly acceleration: number;
  /** Absolute distance travelled. */
  readonly distance: number;
  readonly duration: number;
  /** Highest speed reached (unsigned): maxVelocity, or sqrt(d·a) for a triangle. */
  readonly peakVelocity: number;
  private readonly direction: number;
  /** Length of the acceleration (and of the deceleration) phase, s. */
  private readonly rampTime: number;

  constructor(options: TrapezoidProfileOptions) {
    const { start, target, maxVelocity, acceleration } = options;
    requireFinite("start", start);
    requireFinite("target", target);
    requirePositive("maxVelocity", maxVelocity);
    requirePositive("acceleration", acceleration);
    this.start = start;
    this.target = target;
    this.maxVelocity = maxVelocity;
    this.acceleration = acceleration;
    this.distance = Math.abs(target - start);
    this.direction = Math.sign(target - start);
    if (this.distance >= (maxVelocity * maxVelocity) / acceleration) {
      // Reaches top speed: ramps take v/a each and cover v²/a together, the rest is cruise.
      this.peakVelocity = maxVelocity;
      this.rampTime = maxVelocity / acceleration;
      this.duration = this.distance / maxVelocity + maxVelocity / acceleration;
    } else {
      // Triangle: each half covers d/2 = a·t²/2, so t = sqrt(d/a) and the peak is a·t.
      this.rampTime = Math.sqrt(this.distance / acceleration);
      this.peakVelocity = Math.sqrt(this.distance * acceleration);
      this.duration = 2 * this.rampTime;
    }
  }

  positionAt(t: number): number {
    if (t <= 0) return this.start;
    if (t >= this.duration) return this.target;
    const a = this.acceleration;
    if (t < this.rampTime) return this.start + this.direction * 0.5 * a * t * t;
    const remaining = this.duration - t;
    if (remaining < this.rampTime)
      return this.target - this.direction * 0.5 * a * remaining * remaining;
    // Cruise: ramp distance v²/(2a) plus v·(time spent cruising).
    const cruised =
      0.5 * this.peakVelocity * this.rampTime + this.peakVelocity * (t - this.rampTime);
    return this.start + this.direction * cruised;
  }

  velocityAt(t: number): number {
    if (t <= 0 || t >= this.duration) return 0;
    const a = this.acceleration;
    if (t < this.rampTime) return this.direction * a * t;
    const remaining = this.duration - t;
    if (remaining < this.rampTime) return this.direction * a * remaining;
    return this.direction * this.peakVelocity;
  }
}
