import type { Movable, Plan, Readable } from "../core/index.js";
import { isReadable } from "../core/index.js";
import { linspace } from "./cycler.js";
import { clamp, fieldValue } from "./field-value.js";
import { mv } from "./move-stubs.js";
import type { Metadata } from "./plan-metadata.js";
import { dimensionsOf, motorFields, namesOf, planMetadata } from "./plan-metadata.js";
import { runWrapper, stageWrapper } from "./preprocessors.js";
import { triggerAndRead } from "./step-stubs.js";
import { checkpoint } from "./stubs.js";

export interface TuneCentroidOptions {
  /** Points per pass (default 10). */
  numPoints?: number;
  /** Each pass spans the last one's range divided by this (default 3, must be > 1). */
  stepFactor?: number;
  /** Alternate the direction of the passes (default false: always from start to stop). */
  snake?: boolean;
  md?: Metadata;
}

/**
 * Tunes `motor` to the centroid of `signalField` (bluesky's tune_centroid): scans start to
 * stop, then rescans a range `stepFactor` times narrower around the centroid ΣxI/ΣI, until
 * the step would fall below `minStep`; then moves the motor to the last centroid. Needs
 * real readings: under simulate() it stops at the first point.
 */
export function tuneCentroid(
  detectors: readonly Readable[],
  signalField: string,
  motor: Movable<number>,
  start: number,
  stop: number,
  minStep: number,
  { numPoints = 10, stepFactor = 3, snake = false, md }: TuneCentroidOptions = {},
): Plan<string> {
  if (!(minStep > 0)) throw new RangeError(`tuneCentroid needs minStep > 0, not ${minStep}`);
  if (!(stepFactor > 1))
    throw new RangeError(`tuneCentroid needs stepFactor > 1, not ${stepFactor}`);
  if (!(Number.isInteger(numPoints) && numPoints >= 2)) {
    throw new RangeError(`tuneCentroid needs numPoints ≥ 2, not ${numPoints}`);
  }
  const own = {
    detectors: namesOf(detectors),
    motors: [motor.name],
    plan_args: {
      detectors: namesOf(detectors),
      signal: signalField,
      motor: motor.name,
      start,
      stop,
      num: numPoints,
      min_step: minStep,
      step_factor: stepFactor,
      snake,
    },
    plan_name: "tune_centroid",
  };
  const startMd = planMetadata(own, { dimensions: dimensionsOf([motor]) }, md);
  const fields = motorFields(motor);
  const motorField = fields.length === 1 ? fields[0]! : motor.name;
  const devices = isReadable(motor) ? [...detectors, motor] : detectors;
  const [low, high] = [Math.min(start, stop), Math.max(start, stop)];

  function* tune(): Plan<void> {
    let [from, to] = [start, stop];
    let centroid: number | undefined;
    while (Math.abs(to - from) / (numPoints - 1) >= minStep) {
      let sumI = 0;
      let sumXI = 0;
      for (const target of linspace(from, to, numPoints)) {
        yield* checkpoint();
        yield* mv([motor, target]);
        const readings = yield* triggerAndRead(devices);
        const intensity = fieldValue(readings, signalField, "tuneCentroid");
        // Weigh by where the motor is, read back; where it was sent if it cannot be read.
        const position =
          motorField in readings ? fieldValue(readings, motorField, "tuneCentroid") : target;
        sumI += intensity;
        sumXI += position * intensity;
      }
      if (sumI === 0) return; // no signal anywhere: nothing to centre on
      centroid = sumXI / sumI;
      const range = (to - from) / stepFactor;
      [from, to] = [clamp(centroid - range / 2, low, high), clamp(centroid + range / 2, low, high)];
      if (snake) [from, to] = [to, from];
    }
    if (centroid !== undefined) yield* mv([motor, centroid]);
  }
  return stageWrapper(runWrapper(tune(), startMd), [...detectors, motor]);
}
