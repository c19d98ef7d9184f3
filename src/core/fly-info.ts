/**
 * How a motor flies (ophyd-async's FlyMotorInfo): through [startPosition, endPosition] at
 * constant velocity in `timeForMove` seconds, reaching that velocity before the range and
 * leaving it after, with `pulses` trigger pulses evenly spaced over the range from its
 * position compare when asked for.
 */
export interface FlyMotorInfo {
  startPosition: number;
  endPosition: number;
  timeForMove: number;
  pulses?: number;
}

/**
 * How a detector takes frames in a fly scan (ophyd-async's TriggerInfo): `frames` frames of
 * `livetime` seconds, one at each pulse of `trigger` (a device with a trigger output, e.g. a
 * motor's position compare) or free-running at its own period with "internal".
 */
export interface TriggerInfo {
  frames: number;
  livetime?: number;
  trigger: object | "internal";
}
