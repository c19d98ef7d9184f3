import type { MotionSegment } from "./motion-segment.js";

export type LimitSide = "low" | "high";

/** Bisection stops once the bracket is this narrow, s. */
const TIME_TOLERANCE = 1e-12;

/**
 * First time in [0, duration] at which a monotonic segment is at or beyond `level` in the
 * direction `direction` (+1 or −1); undefined when it never gets there.
 */
export function firstReachTime(
  segment: MotionSegment,
  level: number,
  direction: number,
): number | undefined {
  const reached = (x: number): boolean => (direction > 0 ? x >= level : x <= level);
  if (reached(segment.positionAt(0))) return 0;
  if (!reached(segment.target)) return undefined;
  let low = 0;
  let high = segment.duration;
  while (high - low > TIME_TOLERANCE) {
    const mid = 0.5 * (low + high);
    if (mid <= low || mid >= high) break; // the bracket is one float apart
    if (reached(segment.positionAt(mid))) high = mid;
    else low = mid;
  }
  return high;
}

/** A segment stopped dead after `duration` seconds at `target` (e.g. by a limit switch). */
export class TruncatedSegment implements MotionSegment {
  constructor(
    private readonly inner: MotionSegment,
    readonly duration: number,
    readonly target: number,
  ) {}

  positionAt(t: number): number {
    return t >= this.duration ? this.target : this.inner.positionAt(t);
  }

  velocityAt(t: number): number {
    return t >= this.duration ? 0 : this.inner.velocityAt(t);
  }
}

/**
 * Cut a monotonic segment where it first touches the limit switch it is heading toward.
 * A segment already on that switch is cut at once and stays put (the controller refuses
 * to drive further); otherwise it stops dead exactly on the switch position.
 */
export function cutAtLimits(
  segment: MotionSegment,
  limits: { readonly low: number; readonly high: number },
): { segment: TruncatedSegment; side: LimitSide } | undefined {
  const from = segment.positionAt(0);
  const direction = Math.sign(segment.target - from);
  if (direction === 0) return undefined;
  const side: LimitSide = direction > 0 ? "high" : "low";
  const reach = firstReachTime(segment, limits[side], direction);
  if (reach === undefined) return undefined;
  return { segment: new TruncatedSegment(segment, reach, reach === 0 ? from : limits[side]), side };
}
