// Events per second of the RunEngine on sim devices and the virtual clock, bare and with a
// LiveTable (to nowhere) and a JSONL writer attached, and the resident memory over a long
// count, which must stay flat. Each rate is the median of five runs of 10,000 events after
// one run to warm up, so that one slow moment of a shared machine does not decide it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonlWriter, LiveTable } from "../src/callbacks/index.js";
import type { DocumentCallback, Plan } from "../src/core/index.js";
import { VirtualClock } from "../src/core/index.js";
import { RunEngine } from "../src/engine/index.js";
import { count, scan } from "../src/plans/index.js";
import { SimDetector, SimMotor } from "../sim/index.js";
import { printTable, timeIt } from "./table.js";

const EVENTS = 10_000;
const RUNS = 5;
const LONG_COUNT = 1_000_000;

function beamline() {
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
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
}
