// The IOC beside EPICS base's softIoc, both as the processes a user starts, in the same run:
// how long 10,000 ao and 1,000 calc records take from the start to the first answered caget,
// and the memory they then hold; and 1,000 calc records at 10 Hz monitored by pyepics, every
// update delivered, at what CPU cost.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pyepics } from "../test/support/peers.js";
import { PyEpicsClient, loopbackClientEnv } from "../test/support/pyepics.js";
import {
  cpuSeconds,
  type IocKind,
  residentMegabytes,
  softIocAvailable,
  startIoc,
} from "./ioc-processes.js";
import { median, printTable } from "./table.js";

const AO_COUNT = 10_000;
const CALC_COUNT = 1_000;
const ROUNDS = 3;
const MONITOR_SECONDS = 5;

function startupDb(): string {
  const lines: string[] = [];
  for (let i = 0; i < AO_COUNT; i++) {
    lines.push(`record(ao, "b:ao${i}") { field(EGU, "mm") field(PREC, "3") field(DRVH, "100") }`);
  }
  for (let i = 0; i < CALC_COUNT; i++) {
    lines.push(`record(calc, "b:calc${i}") { field(INPA, "b:ao${i}") field(CALC, "A*2+1") }`);
  }
  return lines.join("\n");
}

function scanDb(): string {
  const lines: string[] = [];
  for (let i = 0; i < CALC_COUNT; i++) {
    lines.push(`record(calc, "s:calc${i}") { field(SCAN, ".1 second") field(CALC, "VAL+1") }`);
  }
  return lines.join("\n");
}

interface Startup {
  seconds: number;
  megabytes: number;
}

async function startup(kind: IocKind, db: string): Promise<Startup> {
  const ioc = await startIoc(kind, db, `b:calc${CALC_COUNT - 1}`);
  try {
    return { seconds: ioc.startSeconds, megabytes: residentMegabytes(ioc.child.pid!) };
  } finally {
    await ioc.stop();
  }
}

interface Monitoring {
  updatesPerSecond: number;
  cpuPercent: number;
}

async function monitoring(kind: IocKind, db: string): Promise<Monitoring> {
  const ioc = await startIoc(kind, db, "s:calc0");
  const client = new PyEpicsClient(loopbackClientEnv(ioc.port));
  try {
    const pvs = Array.from({ length: CALC_COUNT }, (_, i) => `s:calc${i}`);
    const pid = ioc.child.pid!;
    let cpuBefore = 0;
    // The CPU is read from when the count starts: connecting 1,000 channels is not the cost.
    const { n, seconds } = await client.request<{ n: number; seconds: number }>(
      "count_many",
      { pvs, seconds: MONITOR_SECONDS, settle: 1 },
      () => (cpuBefore = cpuSeconds(pid)),
    );
    const cpu = cpuSeconds(pid) - cpuBefore;
    return { updatesPerSecond: n / seconds, cpuPercent: (100 * cpu) / seconds };
  } finally {
    await client.close();
    await ioc.stop();
  }
}

export async function iocBench(): Promise<void> {
  // hil ioc as installed: bin/hil.js runs the bundle npm ci builds, so build it from these sources.
  execFileSync("npm", ["run", "build"], { stdio: "ignore" });
  if (!softIocAvailable()) {
    console.log(
      "no ../shared/peers/epics: the IOC benchmark compares against softIoc and is skipped",
    );
    return;
  }
  const folder = await mkdtemp(join(tmpdir(), "ioc-bench-"));
  try {
    const big = join(folder, "startup.db");
    const scan = join(folder, "scan.db");
    await writeFile(big, startupDb());
    await writeFile(scan, scanDb());
    const runs: Record<IocKind, Startup[]> = { softIoc: [], "hil ioc": [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["softIoc", "hil ioc"] as const) runs[kind].push(await startup(kind, big));
    }
    const start = (kind: IocKind): number => median(runs[kind].map((r) => r.seconds));
    const memory = (kind: IocKind): number => median(runs[kind].map((r) => r.megabytes));
    const rows: string[][] = [
      [
        `${AO_COUNT} ao + ${CALC_COUNT} calc: start to first caget`,
        `${start("softIoc").toFixed(2)} s`,
        `${start("hil ioc").toFixed(2)} s`,
        `${(start("hil ioc") / start("softIoc")).toFixed(2)}x`,
        "<= 2x",
      ],
      [
        "  resident memory",
        `${memory("softIoc").toFixed(0)} MB`,
        `${memory("hil ioc").toFixed(0)} MB`,
        `${(memory("hil ioc") / memory("softIoc")).toFixed(2)}x`,
        "< 200 MB",
      ],
    ];
    if (pyepics().available) {
      const soft = await monitoring("softIoc", scan);
      const ours = await monitoring("hil ioc", scan);
      const wanted = CALC_COUNT * 10;
      rows.push(
        [
          `${CALC_COUNT} calc at 10 Hz, pyepics monitors: updates/s`,
          soft.updatesPerSecond.toFixed(0),
          ours.updatesPerSecond.toFixed(0),
          `${(ours.updatesPerSecond / soft.updatesPerSecond).toFixed(2)}x`,
          `${wanted}/s`,
        ],
        [
          "  IOC CPU, % of one core",
          `${soft.cpuPercent.toFixed(1)}%`,
          `${ours.cpuPercent.toFixed(1)}%`,
          `${(ours.cpuPercent / Math.max(soft.cpuPercent, 0.1)).toFixed(1)}x`,
          "< 30%",
        ],
      );
    }
    printTable(["IOC, medians of runs", "softIoc", "hil ioc", "ratio", "target"], rows);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
