import type { Movable, Plan, Readable } from "../core/index.js";
import { cycler, linspace } from "./cycler.js";
import { dimensionsOf, namesOf, perStepName, planMetadata } from "./plan-metadata.js";
import { relativeSetWrapper, resetPositionsWrapper } from "./preprocessors.js";
import type { ScanOptions } from "./scan-nd.js";
import { scanNd } from "./scan-nd.js";

/** One motor over `num` evenly spaced positions from `start` to `stop`; returns the run uid. */
export function scan(
  detectors: readonly Readable[],
  motor: Movable<number>,
  start: number,
  stop: number,
  num: number,
  { md, perStep }: ScanOptions = {},
): Plan<string> {
  const positions = linspace(start, stop, num);
  const own = {
    plan_args: {
      detectors: namesOf(detectors),
      motor: motor.name,
      start,
      stop,
      num,
      ...perStepName(perStep),
    },
    plan_name: "scan",
  };
  const startMd = planMetadata(own, { dimensions: dimensionsOf([motor]) }, md);
  return scanNd(detectors, cycler(motor, positions), { md: startMd, perStep });
}

/** scan relative to where the motor stands, which it goes back to at the end. */
export function relScan(
  detectors: readonly Readable[],
  motor: Movable<number>,
  start: number,
  stop: number,
  num: number,
  { md, perStep }: ScanOptions = {},
): Plan<string> {
  const plan = scan(detectors, motor, start, stop, num, {
    md: { plan_name: "rel_scan", ...md },
    perStep,
  });
  return resetPositionsWrapper(relativeSetWrapper(plan, [motor]), [motor]);
}

/** One motor over the given positions, in order; returns the run uid. */
export function listScan(
  detectors: readonly Readable[],
  motor: Movable<number>,
  positions: readonly number[],
  { md, perStep }: ScanOptions = {},
): Plan<string> {
  if (positions.length === 0) throw new RangeError(`listScan of ${motor.name} needs positions`);
  const own = {
    plan_args: {
      detectors: namesOf(detectors),
      motor: motor.name,
      positions: [...positions],
      ...perStepName(perStep),
    },
    plan_name: "list_scan",
  };
  const startMd = planMetadata(own, { dimensions: dimensionsOf([motor]) }, md);
  return scanNd(detectors, cycler(motor, positions), { md: startMd, perStep });
}
