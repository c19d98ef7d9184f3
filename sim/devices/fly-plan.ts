import type { FlyMotorInfo } from "../../src/core/index.js";
import { HilError } from "../../src/core/index.js";
import { FlyProfile } from "../motion/fly-profile.js";

/** What a motor is prepared with for a fly scan: one type shared with the plans, in core. */
export type { FlyMotorInfo };

/** A fly scan the device cannot do as asked; nothing was moved. */
export class FlyScanError extends HilError {
  constructor(device: string, message: string) {
    super("HIL_FLY_SCAN", `${device}: ${message}`);
  }
}

/** What bounds a fly move on one axis. */
export interface FlyBounds {
  acceleration: number;
  /** Fastest allowed constant velocity, units/s; undefined for no bound. */
  maxVelocity: number | undefined;
  /** Soft limits; low == high means none. */
  low: number;
  high: number;
}

/** The profile of a fly move, or a FlyScanError naming `device` and what is wrong. */
export function planFly(device: string, info: FlyMotorInfo, bounds: FlyBounds): FlyProfile {
  const { startPosition, endPosition, timeForMove, pulses } = info;
  for (const [key, value] of Object.entries({ startPosition, endPosition, timeForMove })) {
    if (!Number.isFinite(value)) throw new FlyScanError(device, `${key} must be finite`);
  }
  if (!(timeForMove > 0)) {
    throw new FlyScanError(device, `timeForMove must be > 0 s, got ${timeForMove}`);
  }
  if (startPosition === endPosition) {
    throw new FlyScanError(device, `startPosition and endPosition are both ${startPosition}`);
  }
  if (pulses !== undefined && !(Number.isInteger(pulses) && pulses >= 1)) {
    throw new FlyScanError(device, `pulses must be an integer >= 1, got ${pulses}`);
  }
  const profile = new FlyProfile({
    startPosition,
    endPosition,
    timeForMove,
    acceleration: bounds.acceleration,
  });
  const { maxVelocity, low, high } = bounds;
  if (maxVelocity !== undefined && profile.velocity > maxVelocity) {
    throw new FlyScanError(
      device,
      `flying ${startPosition} to ${endPosition} in ${timeForMove} s needs ${profile.velocity} units/s, ` +
        `above the maximum velocity ${maxVelocity}`,
    );
  }
  if (low !== high) {
    for (const [what, position] of [
      ["run-up", profile.runUp],
      ["run-out", profile.runOut],
    ] as const) {
      if (position < low || position > high) {
        throw new FlyScanError(
          device,
          `the ${what} position ${position} is outside the limits [${low}, ${high}] ` +
            `(ramps of v²/2a = ${Math.abs(profile.startPosition - profile.runUp)} beyond the range)`,
        );
      }
    }
  }
  return profile;
}
