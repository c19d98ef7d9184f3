// Run catalog lookups with 100,000 runs indexed: the RunCatalog (indexes on time, scan_id and
// uid, and its run_meta index of start-document fields for --where) beside two baselines in
// the same run: the same SQLite file queried by a full scan of
// the start documents' JSON column (no index), and the start documents held in memory (an
// array and a Map by scan_id) as a script would after loading every run. Each figure is the
// median of the rounds; each lookup kind asks for a different run on every call. The --where
// rows are also set beside the indexed scan_id lookup, per lookup and per run returned.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { SeededRandom } from "../sim/random.js";
import type { EventDescriptor, RunStart, RunStop } from "../src/core/index.js";
import { RunCatalog } from "../src/callbacks/catalog/index.js";
import { median, printTable } from "./table.js";

const RUNS = 100_000;
const SAMPLES = 1_000;
const ROUNDS = 3;
const PLANS = ["scan", "count", "grid_scan", "rel_scan"];

function hex(random: SeededRandom, digits: number): string {
  let text = "";
  for (let i = 0; i < digits; i++) text += Math.floor(random.uniform() * 16).toString(16);
  return text;
}

function uuid(random: SeededRandom): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

/** A run's documents as hil run writes them: start, one primary stream, stop. */
function syntheticRun(random: SeededRandom, i: number) {
  const uid = uuid(random);
  const time = 1_700_000_000 + i * 60;
  const plan = PLANS[i % PLANS.length]!;
  const start: RunStart = {
    uid,
    time,
    scan_id: i + 1,
    plan_name: plan,
    plan_type: "generator",
    detectors: ["det"],
    motors: ["m1"],
    num_points: 21,
    plan_args: { detectors: ["det"], motor: "m1", start: -1, stop: 1, num: 21 },
    sample: `S-${i % SAMPLES}`,
    cell: { a: 5.43, group: "Fd-3m" },
    beamline_id: "SIM-1",
    hints: { dimensions: [[["m1"], "primary"]] },
  };
  const descriptor: EventDescriptor = {
    uid: uuid(random),
    time: time + 0.1,
    run_start: uid,
    name: "primary",
    data_keys: {
      m1: { source: "sim://m1", dtype: "number", shape: [], units: "mm" },
      det: { source: "soft://det", dtype: "integer", shape: [], units: "counts" },
    },
    configuration: {},
    object_keys: { m1: ["m1"], det: ["det"] },
    hints: {},
  };
  const stop: RunStop = {
    uid: uuid(random),
    time: time + 30,
    run_start: uid,
    exit_status: "success",
    reason: "",
    num_events: { primary: 21 },
  };
  return { start, descriptor, stop };
}

/**
 * Lookups per second of `lookup` over different arguments; with `budgetMs`, it stops at the
 * first argument past that time (a slow lookup is timed a few times, not hundreds).
 */
function rate<T>(args: readonly T[], lookup: (arg: T) => unknown, budgetMs = Infinity): number {
  const begin = performance.now();
  let calls = 0;
  let found = 0;
  for (const arg of args) {
    const result = lookup(arg);
    found += Array.isArray(result) ? result.length : 1;
    calls++;
    if (performance.now() - begin > budgetMs) break;
  }
  runsPerLookup = found / calls;
  return calls / ((performance.now() - begin) / 1e3);
}

/** Runs the last lookups timed by `rate` returned each, on average (a get returns one). */
let runsPerLookup = 1;

/** A `--where` case is timed for about this long per round, whichever kind it is. */
const WHERE_BUDGET_MS = 1_000;

export async function catalogBench(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "catalog-bench-"));
  try {
    const random = new SeededRandom(7);
    const catalog = RunCatalog.open(join(folder, "catalog.sqlite"));
    const runs = Array.from({ length: RUNS }, (_, i) => syntheticRun(random, i));
    const insertBegin = performance.now();
    catalog.transaction(() => {
      for (const { start, descriptor, stop } of runs) {
        catalog.addStart(start, { jsonl: `${start.scan_id}-${start.plan_name}.jsonl` });
        catalog.addDescriptor(descriptor);
        catalog.addEvents(descriptor.uid, 21);
        catalog.addStop(stop);
      }
    });
    const insertMs = performance.now() - insertBegin;

    // The baselines: a full scan of the JSON column of the same file, and memory.
    const raw = new Database(catalog.path, { readonly: true });
    const scanLast = raw.prepare(
      `SELECT uid FROM runs ORDER BY json_extract(start, '$.time') DESC LIMIT 1`,
    );
    const scanScanId = raw.prepare(
      `SELECT uid FROM runs WHERE json_extract(start, '$.scan_id') = ? LIMIT 1`,
    );
    const scanUid = raw.prepare(`SELECT uid FROM runs WHERE json_extract(start, '$.uid') LIKE ?`);
    const scanSample = raw.prepare(
      `SELECT uid FROM runs WHERE json_extract(start, '$.sample') = ?
       ORDER BY json_extract(start, '$.time') DESC LIMIT 10`,
    );
    const scanSampleAll = raw.prepare(
      `SELECT uid FROM runs WHERE json_extract(start, '$.sample') = ?
       ORDER BY json_extract(start, '$.time')`,
    );
    const scanScanIdAll = raw.prepare(
      `SELECT uid FROM runs WHERE json_extract(start, '$.scan_id') = ?
       ORDER BY json_extract(start, '$.time')`,
    );
    const scanSampleWeek = raw.prepare(
      `SELECT uid FROM runs WHERE json_extract(start, '$.sample') = ?
       AND json_extract(start, '$.time') >= ? AND json_extract(start, '$.time') < ?
       ORDER BY json_extract(start, '$.time')`,
    );
    const starts = runs.map((run) => run.start);
    const WEEK = 7 * 86_400;
    /** A week of runs starting at that of run `i`. */
    const week = (i: number) => ({ since: starts[i]!.time, until: starts[i]!.time + WEEK });
    const byScanId = new Map(starts.map((start) => [start.scan_id, start]));

    const pick = (n: number): number[] =>
      Array.from({ length: n }, () => Math.floor(random.uniform() * RUNS));
    const cases: Array<{
      name: string;
      catalog: () => number;
      scan: () => number;
      memory: () => number;
    }> = [
      {
        name: "-1 (the last run)",
        catalog: () => rate(Array<number>(2_000).fill(1), (n) => catalog.get(`-${n}`)),
        scan: () => rate([1, 2, 3, 4, 5], () => scanLast.get()),
        memory: () =>
          rate(Array<number>(200).fill(1), () =>
            starts.reduce((a, b) => (b.time > a.time ? b : a)),
          ),
      },
      {
        name: "scan_id 42",
        catalog: () => rate(pick(2_000), (i) => catalog.get(String(i + 1))),
        scan: () => rate(pick(5), (i) => scanScanId.get(i + 1)),
        memory: () => rate(pick(2_000), (i) => byScanId.get(i + 1)),
      },
      {
        name: "partial uid (8 chars)",
        catalog: () => rate(pick(2_000), (i) => catalog.get(starts[i]!.uid.slice(0, 8))),
        scan: () => rate(pick(5), (i) => scanUid.all(`${starts[i]!.uid.slice(0, 8)}%`)),
        memory: () =>
          rate(pick(200), (i) => {
            const prefix = starts[i]!.uid.slice(0, 8);
            return starts.filter((start) => start.uid.startsWith(prefix));
          }),
      },
      {
        name: "sample=S-k, last 10",
        catalog: () =>
          rate(pick(200), (i) =>
            catalog.search({ where: [{ key: "sample", value: `S-${i % SAMPLES}` }], limit: 10 }),
          ),
        scan: () => rate(pick(5), (i) => scanSample.all(`S-${i % SAMPLES}`)),
        memory: () =>
          rate(pick(200), (i) => starts.filter((s) => s.sample === `S-${i % SAMPLES}`).slice(-10)),
      },
      {
        name: "--where sample=S-k (all 100)",
        catalog: () =>
          rate(
            pick(2_000),
            (i) => catalog.search({ where: [{ key: "sample", value: `S-${i % SAMPLES}` }] }),
            WHERE_BUDGET_MS,
          ),
        scan: () => rate(pick(5), (i) => scanSampleAll.all(`S-${i % SAMPLES}`)),
        memory: () => rate(pick(200), (i) => starts.filter((s) => s.sample === `S-${i % SAMPLES}`)),
      },
      {
        name: "--where scan_id=N (a number)",
        catalog: () =>
          rate(
            pick(2_000),
            (i) => catalog.search({ where: [{ key: "scan_id", value: String(i + 1) }] }),
            WHERE_BUDGET_MS,
          ),
        scan: () => rate(pick(5), (i) => scanScanIdAll.all(i + 1)),
        memory: () => rate(pick(200), (i) => starts.filter((s) => s.scan_id === i + 1)),
      },
      {
        name: "--where sample=S-k, a week",
        catalog: () =>
          rate(
            pick(2_000),
            (i) =>
              catalog.search({
                where: [{ key: "sample", value: `S-${i % SAMPLES}` }],
                ...week(i),
              }),
            WHERE_BUDGET_MS,
          ),
        scan: () =>
          rate(pick(5), (i) => {
            const { since, until } = week(i);
            return scanSampleWeek.all(`S-${i % SAMPLES}`, since, until);
          }),
        memory: () =>
          rate(pick(200), (i) => {
            const { since, until } = week(i);
            const sample = `S-${i % SAMPLES}`;
            return starts.filter((s) => s.sample === sample && s.time >= since && s.time < until);
          }),
      },
    ];
    const results = cases.map((c) => ({
      name: c.name,
      catalog: [] as number[],
      runs: [] as number[],
      scan: [] as number[],
      memory: [] as number[],
    }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of cases.entries()) {
        results[i]!.catalog.push(c.catalog());
        results[i]!.runs.push(runsPerLookup);
        results[i]!.scan.push(c.scan());
        results[i]!.memory.push(c.memory());
      }
    }
    raw.close();
    catalog.close();

    const fixed = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
    const ratio = (n: number): string => `${n >= 10 ? n.toFixed(0) : n.toPrecision(2)}x`;
    console.log(
      `indexed ${RUNS.toLocaleString("en")} runs (start, primary stream, stop) in one transaction: ` +
        `${(insertMs / 1e3).toFixed(2)} s, ${fixed(RUNS / (insertMs / 1e3))} runs/s\n`,
    );
    /** The indexed lookup every row is set beside: a scan_id through its index. */
    const indexedRate = median(results.find((r) => r.name === "scan_id 42")!.catalog);
    const runsEach = (r: (typeof results)[number]): number =>
      r.runs.reduce((a, b) => a + b, 0) / r.runs.length;
    printTable(
      [
        `lookup (${RUNS.toLocaleString("en")} runs, median of ${ROUNDS})`,
        "catalog /s",
        "runs each",
        "JSON scan /s",
        "ratio",
        "in memory /s",
        "ratio",
        "vs scan_id",
        "runs/s vs",
      ],
      results.map((r) => {
        const catalogRate = median(r.catalog);
        const scanRate = median(r.scan);
        const memoryRate = median(r.memory);
        return [
          r.name,
          fixed(catalogRate),
          runsEach(r).toFixed(runsEach(r) % 1 === 0 ? 0 : 1),
          fixed(scanRate),
          ratio(catalogRate / scanRate),
          fixed(memoryRate),
          ratio(catalogRate / memoryRate),
          ratio(catalogRate / indexedRate),
          ratio((catalogRate * runsEach(r)) / indexedRate),
        ];
      }),
    );
    console.log(
      "\nratio: catalog lookups per second over the baseline's; the catalog's returns the whole " +
        "run (start, stop, streams, files), the baselines only find it; vs scan_id: the catalog's rate over its indexed scan_id " +
        "lookup's (a --where query as fast as an indexed lookup is 1.0x); runs/s vs: the same " +
        "for runs returned per second (runs each: what one lookup returns, each a whole entry)",
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

// `node --import tsx bench/catalog.bench.ts` runs this one alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await catalogBench();
