import { z } from "zod";
import type { Device, Movable, Plan, Readable } from "../core/index.js";
import { isCollectable, isFlyable, isMovable, isPreparable, isReadable } from "../core/index.js";
import type { FlyingMotor, TriggeredDetector } from "../plans/index.js";
import {
  adaptiveScan,
  count,
  flyScan,
  gridScan,
  listScan,
  relGridScan,
  relScan,
  scan,
  tuneCentroid,
} from "../plans/index.js";
import { UsageError } from "./usage-error.js";

/** What a plan built from the command line needs: the beamline's devices by name. */
export interface DeviceLookup {
  get(name: string): Device;
}

type Motor = Movable<number> & Readable;

interface CatalogEntry {
  usage: string;
  /** Checks the positional arguments, all strings on the command line. */
  args: z.ZodType<unknown[]>;
  build(devices: DeviceLookup, args: never): Plan<unknown>;
}

const names = z
  .string()
  .min(1)
  .transform((list) => list.split(",").filter(Boolean))
  .describe("comma-separated device names");
const name = z.string().min(1);
/** A number typed on the command line, with the text quoted back when it is not one. */
const number = z.string().transform((text, ctx) => {
  const value = Number(text);
  if (text.trim() !== "" && Number.isFinite(value)) return value;
  ctx.addIssue({ code: "custom", message: `expected a number, got "${text}"` });
  return z.NEVER;
});
const points = number.refine(
  (n) => Number.isInteger(n) && n >= 1,
  "expected a whole number of points",
);
const numbers = z
  .string()
  .transform((list) => list.split(",").map(Number))
  .refine((values) => values.every(Number.isFinite), "expected comma-separated numbers");

function detectors(devices: DeviceLookup, list: string[]): Readable[] {
  return list.map((n) => {
    const device = devices.get(n);
    if (!isReadable(device))
      throw new UsageError(`${n} cannot be read, so it cannot be a detector`);
    return device;
  });
}

function motor(devices: DeviceLookup, n: string): Motor {
  const device = devices.get(n);
  if (!isMovable(device) || !isReadable(device)) {
    throw new UsageError(`${n} cannot be moved, so it cannot be scanned`);
  }
  return device as Motor;
}

function flyingMotor(devices: DeviceLookup, n: string): FlyingMotor {
  const device = devices.get(n);
  if (!isPreparable(device) || !isFlyable(device) || !isReadable(device)) {
    throw new UsageError(`${n} cannot fly (it has no prepare, kickoff and complete)`);
  }
  return device as FlyingMotor;
}

function triggeredDetectors(devices: DeviceLookup, list: string[]): TriggeredDetector[] {
  return list.map((n) => {
    const device = devices.get(n);
    if (!isPreparable(device) || !isFlyable(device) || !isCollectable(device)) {
      throw new UsageError(`${n} cannot take frames on triggers, so it cannot fly`);
    }
    return device as TriggeredDetector;
  });
}

type StepScan = typeof scan;

function stepScan(planName: string, plan: StepScan): CatalogEntry {
  return {
    usage: `${planName} <detectors> <motor> <start> <stop> <num>`,
    args: z.tuple([names, name, number, number, points]),
    build: (d, [dets, m, start, stop, num]: [string[], string, number, number, number]) =>
      plan(detectors(d, dets), motor(d, m), start, stop, num),
  };
}

type GridArgs = [string[], string, number, number, number, string, number, number, number];

function grid(planName: string, plan: typeof gridScan): CatalogEntry {
  return {
    usage: `${planName} <detectors> <motor1> <start> <stop> <num> <motor2> <start> <stop> <num>`,
    args: z.tuple([names, name, number, number, points, name, number, number, points]),
    build: (d, [dets, m1, s1, e1, n1, m2, s2, e2, n2]: GridArgs) =>
      plan(detectors(d, dets), [
        [motor(d, m1), s1, e1, n1],
        [motor(d, m2), s2, e2, n2],
      ]),
  };
}

/** The plans `hil run` knows by name, with bluesky's names and argument order. */
export const planCatalog: Record<string, CatalogEntry> = {
  count: {
    usage: "count <detectors> [num=1] [delay=0]",
    args: z.tuple([names], number).refine((a) => a.length <= 3, "at most num and delay"),
    build: (d, [dets, num = 1, delay = 0]: [string[], number?, number?]) =>
      count(detectors(d, dets), { num, delay }),
  },
  scan: stepScan("scan", scan),
  rel_scan: stepScan("rel_scan", relScan),
  list_scan: {
    usage: "list_scan <detectors> <motor> <positions: 0,0.5,1>",
    args: z.tuple([names, name, numbers]),
    build: (d, [dets, m, positions]: [string[], string, number[]]) =>
      listScan(detectors(d, dets), motor(d, m), positions),
  },
  grid_scan: grid("grid_scan", gridScan),
  fly_scan: {
    usage:
      "fly_scan <detectors> <motor> <start> <stop> <num> [time=2×num×livetime] [livetime=0.01]",
    args: z
      .tuple([names, name, number, number, points], number)
      .refine((a) => a.length <= 7, "at most time and livetime after num"),
    build: (
      d,
      [dets, m, start, stop, num, time, livetime]: [
        string[],
        string,
        number,
        number,
        number,
        number?,
        number?,
      ],
    ) =>
      flyScan(triggeredDetectors(d, dets), flyingMotor(d, m), start, stop, num, {
        ...(time === undefined ? {} : { time }),
        ...(livetime === undefined ? {} : { livetime }),
      }),
  },
  rel_grid_scan: grid("rel_grid_scan", relGridScan),
  tune_centroid: {
    usage: "tune_centroid <detectors> <field> <motor> <start> <stop> <min_step>",
    args: z.tuple([names, name, name, number, number, number]),
    build: (
      d,
      [dets, field, m, start, stop, minStep]: [string[], string, string, number, number, number],
    ) => tuneCentroid(detectors(d, dets), field, motor(d, m), start, stop, minStep),
  },
  adaptive_scan: {
    usage:
      "adaptive_scan <detectors> <field> <motor> <start> <stop> <min_step> <max_step> <target_delta>",
    args: z.tuple([names, name, name, number, number, number, number, number]),
    build: (
      d,
      [dets, field, m, start, stop, minStep, maxStep, delta]: [
        string[],
        string,
        string,
        number,
        number,
        number,
        number,
        number,
      ],
    ) =>
      adaptiveScan(
        detectors(d, dets),
        field,
        motor(d, m),
        start,
        stop,
        minStep,
        maxStep,
        delta,
        true,
      ),
  },
};

/** Builds a catalogued plan from its name and command-line arguments. */
export function planFromArgs(
  planName: string,
  args: readonly string[],
  devices: DeviceLookup,
): Plan<unknown> {
  const entry = planCatalog[planName];
  if (!entry) {
    throw new UsageError(
      `no plan named ${planName}; the plans are: ${Object.keys(planCatalog).join(", ")}`,
    );
  }
  const parsed = entry.args.safeParse(args);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const at = issue.path.length > 0 ? `argument ${Number(issue.path[0]) + 1}: ` : "";
      return `${at}${issue.message}`;
    });
    throw new UsageError(`hil run ${entry.usage}\n  ${problems.join("\n  ")}`);
  }
  return entry.build(devices, parsed.data as never);
}
