import type { Plan, Readable } from "../core/index.js";
import type { Metadata } from "./plan-metadata.js";
import { namesOf, planMetadata } from "./plan-metadata.js";
import { runWrapper, stageWrapper } from "./preprocessors.js";
import { readEvent, readoutOf } from "./step-stubs.js";
import { checkpoint, sleep } from "./stubs.js";

export interface CountOptions {
  /** Readings to take (default 1); Infinity counts until stopped. */
  num?: number;
  /** Seconds to sleep between readings (default 0). */
  delay?: number;
  md?: Metadata;
}

/** Triggers and reads the detectors `num` times; returns the run uid. */
export function count(
  detectors: readonly Readable[],
  { num = 1, delay = 0, md }: CountOptions = {},
): Plan<string> {
  if (num !== Infinity && !(Number.isInteger(num) && num >= 1)) {
    throw new RangeError(`count needs a whole number of readings ≥ 1 or Infinity, not ${num}`);
  }
  if (!(delay >= 0)) throw new RangeError(`count needs a delay ≥ 0 s, not ${delay}`);
  const finite = Number.isFinite(num);
  const own = {
    detectors: namesOf(detectors),
    // An endless count has no number of points; null keeps plan_args JSON-friendly.
    ...(finite && { num_points: num, num_intervals: num - 1 }),
    plan_args: { detectors: namesOf(detectors), num: finite ? num : null, delay },
    plan_name: "count",
  };
  const startMd = planMetadata(own, { dimensions: [[["time"], "primary"]] }, md);
  const readout = readoutOf(detectors);
  function* shots(): Plan<void> {
    for (let shot = 1; shot <= num; shot++) {
      yield* checkpoint();
      yield* readEvent(readout);
      if (delay > 0 && shot < num) yield* sleep(delay);
    }
  }
  return stageWrapper(runWrapper(shots(), startMd), detectors);
}
