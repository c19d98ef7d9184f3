import type { Movable, Plan, Readable } from "../core/index.js";
import type { Cycler } from "./cycler.js";
import { cycler, linspace } from "./cycler.js";
import { dimensionsOf, namesOf, perStepName, planMetadata } from "./plan-metadata.js";
import { relativeSetWrapper, resetPositionsWrapper } from "./preprocessors.js";
import type { ScanOptions } from "./scan-nd.js";
import { scanNd } from "./scan-nd.js";

/** One axis of a grid: the motor goes over `num` points from `start` to `stop`. */
export type GridAxis = readonly [motor: Movable<number>, start: number, stop: number, num: number];

/** One axis of a grid over listed positions. */
export type ListGridAxis = readonly [motor: Movable<number>, positions: readonly number[]];

export interface GridScanOptions extends ScanOptions {
  /**
   * Which axes wind back and forth instead of flying back to their start: one flag per
   * axis (the first, slowest, never does), or true for all but the first (default false).
   */
  snake?: boolean | readonly boolean[];
}

/** A mesh: the first axis is the slowest (outer loop); returns the run uid. */
export function gridScan(
  detectors: readonly Readable[],
  axes: readonly GridAxis[],
  { snake = false, md, perStep }: GridScanOptions = {},
): Plan<string> {
  const snaking = snakeFlags(snake, axes.length);
  const grid = product(
    axes.map(([motor, start, stop, num]) => cycler(motor, linspace(start, stop, num))),
    snaking,
  );
  const motors = axes.map(([motor]) => motor);
  // bluesky's flat args: motor, start, stop, num, then the snake flag after each inner axis
  const args = axes.flatMap(([motor, start, stop, num], i) =>
    i === 0 ? [motor.name, start, stop, num] : [motor.name, start, stop, num, snaking[i]!],
  );
  const own = {
    shape: axes.map(([, , , num]) => num),
    extents: axes.map(([, start, stop]) => [start, stop]),
    snaking,
    motors: namesOf(motors),
    plan_args: { detectors: namesOf(detectors), args, ...perStepName(perStep) },
    plan_name: "grid_scan",
  };
  const hints = { gridding: "rectilinear", dimensions: dimensionsOf(motors) };
  return scanNd(detectors, grid, { md: planMetadata(own, hints, md), perStep });
}

/** gridScan relative to where the motors stand, which they go back to at the end. */
export function relGridScan(
  detectors: readonly Readable[],
  axes: readonly GridAxis[],
  { md, ...options }: GridScanOptions = {},
): Plan<string> {
  const plan = gridScan(detectors, axes, { ...options, md: { plan_name: "rel_grid_scan", ...md } });
  const motors = axes.map(([motor]) => motor);
  return resetPositionsWrapper(relativeSetWrapper(plan, motors), motors);
}

/** A mesh over listed positions: the first axis is the slowest; returns the run uid. */
export function listGridScan(
  detectors: readonly Readable[],
  axes: readonly ListGridAxis[],
  { snake = false, md, perStep }: GridScanOptions = {},
): Plan<string> {
  const snaking = snakeFlags(snake, axes.length);
  for (const [motor, positions] of axes) {
    if (positions.length === 0)
      throw new RangeError(`listGridScan: ${motor.name} has no positions`);
  }
  const grid = product(
    axes.map(([motor, positions]) => cycler(motor, positions)),
    snaking,
  );
  const motors = axes.map(([motor]) => motor);
  const own = {
    shape: axes.map(([, positions]) => positions.length),
    extents: axes.map(([, positions]) => [Math.min(...positions), Math.max(...positions)]),
    snaking,
    motors: namesOf(motors),
    plan_args: {
      detectors: namesOf(detectors),
      args: axes.flatMap(([motor, positions]) => [motor.name, [...positions]]),
      snaking,
      ...perStepName(perStep),
    },
    plan_name: "list_grid_scan",
  };
  return scanNd(detectors, grid, {
    md: planMetadata(own, { dimensions: dimensionsOf(motors) }, md),
    perStep,
  });
}

function snakeFlags(snake: boolean | readonly boolean[], axes: number): boolean[] {
  if (typeof snake === "boolean") return Array.from({ length: axes }, (_, i) => snake && i > 0);
  if (snake.length !== axes) {
    throw new RangeError(`snake has ${snake.length} flags for ${axes} axes`);
  }
  if (snake[0]) throw new RangeError("the first (slowest) axis of a grid cannot snake");
  return [...snake];
}

function product(cyclers: readonly Cycler[], snaking: readonly boolean[]): Cycler {
  const [first, ...rest] = cyclers;
  if (!first) throw new RangeError("a grid needs at least one axis");
  return rest.reduce((grid, axis, i) => grid.mul(axis, { snake: snaking[i + 1] }), first);
}
