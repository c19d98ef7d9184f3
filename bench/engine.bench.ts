// Events per second of the RunEngine on sim devices and the virtual clock, bare and with a
// LiveTable (to nowhere) and a JSONL writer attached, and the resident memory over a long
// count, which must stay flat. Each rate is the median of five runs of 10,000 events after
// one run to warm up, so that one slow moment of a shared machine does not decide it. Then
// fly scans: readings per second collected as event pages, against the detector's own
// collectPages() of the same frames with no engine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonlWriter, LiveTable } from "../src/callbacks/index.js";
import type { DocumentCallback, Plan } from "../src/core/index.js";
import { VirtualClock } from "../src/core/index.js";
import { RunEngine } from "../src/engine/index.js";
import { count, flyScan, scan } from "../src/plans/index.js";
import { SimDetector, SimMotor } from "../sim/index.js";
import { FLY_LIVETIME, flyAndCollect, flyingDevices } from "./fly.js";
import { median, printTable, timeIt } from "./table.js";

const EVENTS = 10_000;
const RUNS = 5;
const LONG_COUNT = 1_000_000;
const FLY_FRAMES = 1_000_000;
const FLY_RUNS = 3;
const FLY_TARGET = 1_000_000; // readings/s

function flyingBeamline() {
  const devices = flyingDevices();
  return { ...devices, re: new RunEngine({ clock: devices.clock }) };
}

/** Wall ms of a 1 mm fly scan of FLY_FRAMES frames through the engine, collected each 1 s. */
async function flyThroughEngine(): Promise<number> {
  const { m1, det, re } = flyingBeamline();
  const plan = flyScan([det], m1, 0, 1, FLY_FRAMES, { time: 10, livetime: FLY_LIVETIME });
  return timeIt(async () => void (await re.run(plan)));
}

/** Wall ms of the same frames from the devices alone: fly, then one collectPages(). */
async function flyDevicesAlone(): Promise<number> {
  return (await flyAndCollect(FLY_FRAMES)).totalMs;
}

async function flyBench(): Promise<void> {
  await flyThroughEngine(); // warm up
  const engine: number[] = [];
  const alone: number[] = [];
  for (let run = 0; run < FLY_RUNS; run++) {
    alone.push(await flyDevicesAlone());
    engine.push(await flyThroughEngine());
  }
  const readings = FLY_FRAMES * 2; // det and m1 per frame
  const f = (ms: number): string => Math.round((readings / ms) * 1000).toLocaleString("en");
  const [engineMs, aloneMs] = [median(engine), median(alone)];
  console.log();
  printTable(
    [
      `fly scan, ${FLY_FRAMES.toLocaleString("en")} frames (median of ${FLY_RUNS})`,
      "wall ms",
      "readings/s",
      "ratio",
    ],
    [
      ["devices alone: fly + collectPages (baseline)", aloneMs.toFixed(0), f(aloneMs), "1.00"],
      [
        "fly_scan through the RunEngine, event pages",
        engineMs.toFixed(0),
        f(engineMs),
        (aloneMs / engineMs).toFixed(2),
      ],
      ["target", "", FLY_TARGET.toLocaleString("en"), ""],
    ],
  );
}

export function beamline() {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock, velocity: 5, acceleration: 50 });
  const det = new SimDetector({
    name: "det",
    clock,
    exposure: 0.01,
    peak: { motors: [m1], centre: 0, sigma: 1, amplitude: 1e4 },
  });
  return { clock, m1, det, re: new RunEngine({ clock }) };
}

function subscribers(dir: string): DocumentCallback[] {
  const table = new LiveTable(["m1", "det"], { out: () => undefined });
  return [table.callback, new JsonlWriter(join(dir, `${performance.now()}.jsonl`)).callback];
}

async function rate(
  makePlan: (b: ReturnType<typeof beamline>) => Plan<unknown>,
  subs: boolean,
  dir: string,
) {
  const b = beamline();
  await b.re.run(makePlan(b)); // warm up
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const ms = await timeIt(async () => {
      await b.re.run(makePlan(b), subs ? subscribers(dir) : undefined);
    });
    rates.push((EVENTS / ms) * 1000);
  }
  return median(rates);
}

function rssMiB(): number {
  globalThis.gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

export async function engineBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "hil-bench-"));
  const countPlan = ({ det }: ReturnType<typeof beamline>) => count([det], { num: EVENTS });
  const scanPlan = ({ det, m1 }: ReturnType<typeof beamline>) => scan([det], m1, -5, 5, EVENTS);
  const rows: string[][] = [];
  for (const [name, plan, target] of [
    ["count", countPlan, 20_000],
    ["scan", scanPlan, 15_000],
  ] as const) {
    const bare = await rate(plan, false, dir);
    const withSubs = await rate(plan, true, dir);
    const f = (n: number): string => Math.round(n).toLocaleString("en");
    rows.push([`${name}, no subscribers`, f(bare), f(target), (bare / target).toFixed(2)]);
    rows.push([
      `${name}, LiveTable + JSONL`,
      f(withSubs),
      f(target / 2),
      (withSubs / (target / 2)).toFixed(2),
    ]);
  }
  printTable([`case (10,000 events, median of ${RUNS} runs)`, "events/s", "target", "ratio"], rows);

  const { det, re } = beamline();
  const before = rssMiB();
  let middle = 0;
  re.subscribe((name, doc) => {
    if (name === "event" && doc.seq_num === LONG_COUNT / 2) middle = rssMiB();
  });
  const ms = await timeIt(async () => void (await re.run(count([det], { num: LONG_COUNT }))));
  const after = rssMiB();
  console.log();
  printTable(
    ["count of 1,000,000 events", "RSS MiB", "events/s"],
    [
      ["before", before.toFixed(1), ""],
      ["half way", middle.toFixed(1), ""],
      ["after", after.toFixed(1), Math.round((LONG_COUNT / ms) * 1000).toLocaleString("en")],
    ],
  );
  rmSync(dir, { recursive: true, force: true });
  await flyBench();
}
