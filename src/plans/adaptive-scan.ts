import type { Movable, Plan, Readable } from "../core/index.js";
import { isReadable } from "../core/index.js";
import { clamp, fieldValue } from "./field-value.js";
import { mv } from "./move-stubs.js";
import type { Metadata } from "./plan-metadata.js";
import { dimensionsOf, namesOf, planMetadata } from "./plan-metadata.js";
import { runWrapper, stageWrapper } from "./preprocessors.js";
import { triggerAndRead } from "./step-stubs.js";
import { checkpoint } from "./stubs.js";

export interface AdaptiveScanOptions {
  /** Step back and remeasure when the new step is below this share of the last (default 0.8). */
  threshold?: number;
  md?: Metadata;
}

/**
 * Scans `motor` from `start` towards `stop` with a step that adapts so `targetField`
 * changes by about `targetDelta` per step, within [minStep, maxStep] (bluesky's
 * adaptive_scan). With `backstep`, a step that proves too long is redone shorter.
 * Needs real readings: under simulate() it stops after the first point.
 */
export function adaptiveScan(
  detectors: readonly Readable[],
  targetField: string,
  motor: Movable<number>,
  start: number,
  stop: number,
  minStep: number,
  maxStep: number,
  targetDelta: number,
  backstep: boolean,
  { threshold = 0.8, md }: AdaptiveScanOptions = {},
): Plan<string> {
  if (!(minStep > 0 && maxStep > minStep)) {
    throw new RangeError(`adaptiveScan needs 0 < minStep < maxStep, not ${minStep}, ${maxStep}`);
  }
  const own = {
    detectors: namesOf(detectors),
    motors: [motor.name],
    plan_args: {
      detectors: namesOf(detectors),
      target_field: targetField,
      motor: motor.name,
      start,
      stop,
      min_step: minStep,
      max_step: maxStep,
      target_delta: targetDelta,
      backstep,
      threshold,
    },
    plan_name: "adaptive_scan",
  };
  const startMd = planMetadata(own, { dimensions: dimensionsOf([motor]) }, md);
  const devices = isReadable(motor) ? [...detectors, motor] : detectors;
  const direction = stop >= start ? 1 : -1;

  function* adapt(): Plan<void> {
    let position = start;
    let step = (maxStep - minStep) / 2;
    let past: number | undefined;
    while (position * direction < stop * direction) {
      yield* checkpoint();
      yield* mv([motor, position]);
      const current = fieldValue(yield* triggerAndRead(devices), targetField, "adaptiveScan");
      if (past === undefined) {
        past = current;
        position += step * direction;
        continue;
      }
      const slope = Math.abs(current - past) / step;
      const newStep = slope
        ? clamp(targetDelta / slope, minStep, maxStep)
        : Math.min(step * 1.1, maxStep);
      if (backstep && newStep < step * threshold) {
        position -= step * direction; // overshot: go back, retry with the shorter step
        step = newStep;
      } else {
        past = current;
        step = 0.2 * newStep + 0.8 * step; // smooth, so one noisy point cannot swing it
      }
      position += step * direction;
    }
  }
  return stageWrapper(runWrapper(adapt(), startMd), [...detectors, motor]);
}
