import { adaptiveScan } from "../adaptive-scan.js";
import { count } from "../count.js";
import { flyScan } from "../fly.js";
import { gridScan, relGridScan } from "../grid-scan.js";
import { listScan, relScan, scan } from "../scan.js";
import { tuneCentroid } from "../tune-centroid.js";
import type { PlanCatalog, PlanSpec } from "./spec.js";
import { definePlan } from "./spec.js";

const MODULE = "hil.plans";

const detectors = {
  name: "detectors",
  kind: "detectors",
  description: "the devices read at every point",
} as const;
const motor = { name: "motor", kind: "motor", description: "the motor scanned" } as const;
const start = { name: "start", kind: "number", description: "the first position" } as const;
const stop = { name: "stop", kind: "number", description: "the last position" } as const;
const num = { name: "num", kind: "points", description: "the number of points" } as const;

function stepScan(name: string, description: string, plan: typeof scan): PlanSpec {
  return definePlan({
    name,
    description,
    module: MODULE,
    parameters: [detectors, motor, start, stop, num],
    build: (v) => plan(v.detectors, v.motor, v.start, v.stop, v.num),
  });
}

function grid(name: string, description: string, plan: typeof gridScan): PlanSpec {
  const axis = (n: 1 | 2) =>
    [
      { name: `motor${n}`, kind: "motor", description: `the motor of axis ${n}` },
      { name: `start${n}`, kind: "number", description: `the first position of axis ${n}` },
      { name: `stop${n}`, kind: "number", description: `the last position of axis ${n}` },
      { name: `num${n}`, kind: "points", description: `the number of points of axis ${n}` },
    ] as const;
  return definePlan({
    name,
    description,
    module: MODULE,
    parameters: [detectors, ...axis(1), ...axis(2)],
    build: (v) =>
      plan(v.detectors, [
        [v.motor1, v.start1, v.stop1, v.num1],
        [v.motor2, v.start2, v.stop2, v.num2],
      ]),
  });
}

const field = {
  name: "field",
  kind: "string",
  description: "the data field whose signal the plan follows",
} as const;
const minStep = { name: "min_step", kind: "number", description: "the smallest step" } as const;

/** The built-in plans, with bluesky's names and argument order. */
export const builtinPlans: PlanCatalog = {
  count: definePlan({
    name: "count",
    description: "Read the detectors num times, delay seconds apart.",
    module: MODULE,
    parameters: [
      detectors,
      { name: "num", kind: "points", default: 1, description: "the number of readings" },
      { name: "delay", kind: "number", default: 0, description: "seconds between readings" },
    ],
    build: (v) => count(v.detectors, { num: v.num, delay: v.delay }),
  }),
  scan: stepScan("scan", "Scan a motor over num evenly spaced points from start to stop.", scan),
  rel_scan: stepScan(
    "rel_scan",
    "Scan a motor over num evenly spaced points relative to where it is, and move it back.",
    relScan,
  ),
  list_scan: definePlan({
    name: "list_scan",
    description: "Scan a motor through a list of positions.",
    module: MODULE,
    parameters: [
      detectors,
      motor,
      { name: "positions", kind: "numbers", description: "the positions, in order" },
    ],
    build: (v) => listScan(v.detectors, v.motor, v.positions),
  }),
  grid_scan: grid("grid_scan", "Scan two motors over a grid of points.", gridScan),
  fly_scan: definePlan({
    name: "fly_scan",
    description: "Fly a motor from start to stop while the detectors take num frames on triggers.",
    module: MODULE,
    parameters: [
      {
        name: "detectors",
        kind: "triggered_detectors",
        description: "the detectors taking frames on the motor's triggers",
      },
      { name: "motor", kind: "flyer", description: "the motor flown" },
      start,
      stop,
      { name: "num", kind: "points", description: "the number of frames" },
      {
        name: "time",
        kind: "number",
        optional: true,
        description: "seconds of the flight (default 2×num×livetime)",
      },
      { name: "livetime", kind: "number", default: 0.01, description: "seconds of each frame" },
    ],
    build: (v) =>
      flyScan(v.detectors, v.motor, v.start, v.stop, v.num, {
        ...(v.time === undefined ? {} : { time: v.time }),
        livetime: v.livetime,
      }),
  }),
  rel_grid_scan: grid(
    "rel_grid_scan",
    "Scan two motors over a grid of points relative to where they are.",
    relGridScan,
  ),
  tune_centroid: definePlan({
    name: "tune_centroid",
    description: "Find the centroid of a field by scans that narrow down around it.",
    module: MODULE,
    parameters: [detectors, field, motor, start, stop, minStep],
    build: (v) => tuneCentroid(v.detectors, v.field, v.motor, v.start, v.stop, v.min_step),
  }),
  adaptive_scan: definePlan({
    name: "adaptive_scan",
    description: "Scan a motor with steps that adapt to how fast a field changes.",
    module: MODULE,
    parameters: [
      detectors,
      field,
      motor,
      start,
      stop,
      minStep,
      { name: "max_step", kind: "number", description: "the largest step" },
      {
        name: "target_delta",
        kind: "number",
        description: "the change of the field aimed at between points",
      },
      {
        name: "backstep",
        kind: "boolean",
        default: true,
        description: "whether to step back when the field changed too much",
      },
    ],
    build: (v) =>
      adaptiveScan(
        v.detectors,
        v.field,
        v.motor,
        v.start,
        v.stop,
        v.min_step,
        v.max_step,
        v.target_delta,
        v.backstep,
      ),
  }),
};
