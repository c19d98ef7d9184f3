import { requireFinite, requirePositive } from "./checks.js";

export interface FlyProfileOptions {
  /** Where constant velocity begins. */
  startPosition: number;
  /** Where constant velocity ends. */
  endPosition: number;
  /** Seconds from startPosition to endPosition, > 0. */
  timeForMove: number;
  /** units/s² of the ramps before and after the range, > 0. */
  acceleration: number;
}

/**
 * A fly move: rest at the run-up position, accelerate to reach the fly velocity exactly at
 * startPosition, cruise to endPosition, decelerate to rest at the run-out position. It is one
 * trapezoid from run-up to run-out whose ramps lie outside [start, end]. Times are seconds
 * since the move began (the kickoff).
 */
export class FlyProfile {
  readonly startPosition: number;
  readonly endPosition: number;
  readonly acceleration: number;
  /** Unsigned cruise speed |end − start| / timeForMove. */
  readonly velocity: number;
  /** +1 or −1. */
  readonly direction: number;
  /** At rest here before the kickoff: start − direction·v²/(2a). */
  readonly runUp: number;
  /** At rest here after the range: end + direction·v²/(2a). */
  readonly runOut: number;
  /** Seconds of each ramp, v/a: when startPosition is crossed. */
  readonly rampTime: number;
  /** Seconds from rest at run-up to rest at run-out. */
  readonly duration: number;

  constructor(options: FlyProfileOptions) {
    const { startPosition, endPosition, timeForMove, acceleration } = options;
    requireFinite("startPosition", startPosition);
    requireFinite("endPosition", endPosition);
    requirePositive("timeForMove", timeForMove);
    requirePositive("acceleration", acceleration);
    if (startPosition === endPosition) {
      throw new RangeError(`startPosition and endPosition must differ, both are ${startPosition}`);
    }
    this.startPosition = startPosition;
    this.endPosition = endPosition;
    this.acceleration = acceleration;
    this.direction = Math.sign(endPosition - startPosition);
    this.velocity = Math.abs(endPosition - startPosition) / timeForMove;
    const rampDistance = (this.velocity * this.velocity) / (2 * acceleration);
    this.runUp = startPosition - this.direction * rampDistance;
    this.runOut = endPosition + this.direction * rampDistance;
    this.rampTime = this.velocity / acceleration;
    this.duration = timeForMove + 2 * this.rampTime;
  }

  /** Seconds after the kickoff at which the axis crosses `position` inside [start, end]. */
  crossingTime(position: number): number {
    return this.rampTime + Math.abs(position - this.startPosition) / this.velocity;
  }
}
