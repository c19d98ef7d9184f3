/**
 * One piece of 1-D motion. `t` is seconds since the segment began and is clamped:
 * t <= 0 gives the start, t >= duration gives exactly `target` with zero velocity.
 */
export interface MotionSegment {
  /** Seconds from the segment's start until it is at rest at `target`. */
  readonly duration: number;
  /** Where the segment ends, at rest. */
  readonly target: number;
  positionAt(t: number): number;
  /** Signed velocity, units/s. */
  velocityAt(t: number): number;
}
