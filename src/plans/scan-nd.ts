import type { Plan, Readable } from "../core/index.js";
import type { Cycler } from "./cycler.js";
import type { Metadata } from "./plan-metadata.js";
import { dimensionsOf, namesOf, perStepName, planMetadata } from "./plan-metadata.js";
import { runWrapper, stageWrapper } from "./preprocessors.js";
import type { PerStep, PositionCache } from "./step-stubs.js";
import { movePerStep, readEvent, stepReadout } from "./step-stubs.js";

export interface ScanOptions {
  /** Metadata over the plan's own in the start document. */
  md?: Metadata;
  /** What to do at each point (default oneNdStep: move, trigger, read). */
  perStep?: PerStep;
}

/**
 * The engine of every step scan (bluesky's scan_nd): stages detectors and motors, opens a
 * run, runs `perStep` at each point of `cycler`, closes the run and unstages; returns the
 * run uid.
 */
export function scanNd(
  detectors: readonly Readable[],
  cycler: Cycler,
  { md, perStep }: ScanOptions = {},
): Plan<string> {
  const motors = cycler.keys;
  const own = {
    detectors: namesOf(detectors),
    motors: namesOf(motors),
    num_points: cycler.length,
    num_intervals: Math.max(cycler.length - 1, 0),
    plan_args: { detectors: namesOf(detectors), cycler: cycler.toJSON(), ...perStepName(perStep) },
    plan_name: "scan_nd",
  };
  const startMd = planMetadata(own, { dimensions: dimensionsOf(motors) }, md);
  const positionCache: PositionCache = new Map();
  function* steps(): Plan<void> {
    for (const step of cycler) yield* perStep!(detectors, step, positionCache);
  }
  // oneNdStep inline, with what it reads worked out once for the whole scan.
  const readout = stepReadout(detectors, motors);
  function* defaultSteps(): Plan<void> {
    for (const step of cycler) {
      yield* movePerStep(step, positionCache);
      yield* readEvent(readout);
    }
  }
  const points = perStep ? steps() : defaultSteps();
  return stageWrapper(runWrapper(points, startMd), [...detectors, ...motors]);
}
