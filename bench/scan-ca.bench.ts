// Scan points per second through Channel Access: the same scan on the sim devices directly
// (virtual clock), through EpicsMotor + EpicsDetector against `hil ioc` serving those devices
// (moves and exposures taking no time), and on a positioner of epicsSignals against softIoc and
// against `hil ioc` serving the same .db. Then where the time of a point over CA goes. Each
// timed scan follows untimed ones on the same IOC.
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CaClient, epicsSignalR, epicsSignalRWRbv } from "../src/ca/index.js";
import { loadBeamline } from "../src/config/index.js";
import type { Clock, Movable, Readable, Status, Triggerable } from "../src/core/index.js";
import { datatype, realClock, VirtualClock } from "../src/core/index.js";
import { RunEngine } from "../src/engine/index.js";
import { scan } from "../src/plans/index.js";
import { EpicsDetector, EpicsMotor } from "../drivers/epics/index.js";
import { type IocKind, type IocSource, softIocAvailable, startIoc } from "./ioc-processes.js";
import { median, printTable } from "./table.js";

const POINTS = 201;
const ROUNDS = 3;
/** Untimed scans before each timed one (about 5,000 requests). */
const WARM_UP_SCANS = 5;

const CONFIG = `devices:
  m1: { driver: sim.motor, units: mm, limits: [-10, 10], velocity: 1000000, acceleration: 1000000000 }
  det:
    driver: sim.detector
    exposure: 0.000001
    peak: { motors: [m1], centre: 0.3, sigma: 0.25, amplitude: 100000, background: 1000 }
`;

const POSITIONER_DB = `
record(ao, "pos") { field(PREC, "4") field(EGU, "mm") field(FLNK, "pos_RBV") }
record(ai, "pos_RBV") { field(INP, "pos") field(PREC, "4") field(EGU, "mm") field(FLNK, "det") }
record(calc, "det") { field(INPA, "pos_RBV") field(CALC, "1000+100000*EXP(-((A-0.3)*(A-0.3))/0.125)") }
`;

/** Milliseconds each kind of step took, summed over a run. */
interface StepTimes {
  move: number;
  acquire: number;
  read: number;
}

/** Times a device's set/trigger/read calls into `times`, leaving the device as it was. */
function timed<T extends object>(device: T, times: StepTimes): T {
  const subject = device as T & Partial<Movable<number> & Triggerable & Readable>;
  const wrapStatus = (name: "set" | "trigger", into: keyof StepTimes): void => {
    const original = subject[name] as ((...args: unknown[]) => Status) | undefined;
    if (!original) return;
    (subject as Record<string, unknown>)[name] = (...args: unknown[]): Status => {
      const started = performance.now();
      const status = original.apply(device, args);
      void status.then(
        () => (times[into] += performance.now() - started),
        () => undefined,
      );
      return status;
    };
  };
  wrapStatus("set", "move");
  wrapStatus("trigger", "acquire");
  const read = subject.read;
  if (read) {
    subject.read = async () => {
      const started = performance.now();
      const readings = await read.apply(device);
      times.read += performance.now() - started;
      return readings;
    };
  }
  return device;
}

/**
 * Seconds of one scan, after scans that are not timed: a freshly started Node IOC (and client)
 * optimises its hot paths over the first thousands of requests, and a beamline's IOC has long
 * done so.
 */
async function runSeconds(
  clock: Clock,
  detector: Readable,
  motor: Movable<number> & Readable,
  beforeTimed: () => void = () => undefined,
): Promise<number> {
  const engine = new RunEngine({ clock, log: () => undefined });
  for (let warm = 0; warm < WARM_UP_SCANS; warm++) {
    await engine.run(scan([detector], motor, -1, 1, POINTS));
  }
  beforeTimed();
  const started = performance.now();
  await engine.run(scan([detector], motor, -1, 1, POINTS));
  return (performance.now() - started) / 1000;
}

async function direct(config: string): Promise<number> {
  const clock = new VirtualClock();
  const beamline = await loadBeamline(config, { clock, seed: 0 });
  try {
    const m1 = beamline.get("m1") as unknown as Movable<number> & Readable;
    return await runSeconds(clock, beamline.get("det"), m1);
  } finally {
    await beamline.close();
  }
}

function clientFor(port: number): CaClient {
  return new CaClient({
    env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
  });
}

async function servedDevices(config: string, times: StepTimes): Promise<number> {
  const ioc = await startIoc("hil ioc", { config, prefix: "BN:" }, "BN:m1.RBV");
  const client = clientFor(ioc.port);
  try {
    const m1 = new EpicsMotor({ name: "m1", prefix: "BN:m1", client });
    const det = new EpicsDetector({
      name: "det",
      client,
      acquirePv: "BN:det:Acquire",
      valuePv: "BN:det",
      exposurePv: "BN:det:AcquireTime",
    });
    await Promise.all([m1.connect(), det.connect()]);
    const counted = { move: 0, acquire: 0, read: 0 };
    const seconds = await runSeconds(realClock, timed(det, counted), timed(m1, counted), () =>
      Object.assign(counted, { move: 0, acquire: 0, read: 0 }),
    );
    times.move += counted.move;
    times.acquire += counted.acquire;
    times.read += counted.read;
    return seconds;
  } finally {
    await client.close();
    await ioc.stop();
  }
}

async function positioner(kind: IocKind, source: IocSource): Promise<number> {
  const ioc = await startIoc(kind, source, "pos_RBV");
  const client = clientFor(ioc.port);
  try {
    const m1 = epicsSignalRWRbv(client, datatype.float, "pos", "_RBV", { name: "m1" });
    const det = epicsSignalR(client, datatype.float, "det", { name: "det" });
    await Promise.all([m1.connect(), det.connect()]);
    return await runSeconds(realClock, det, m1);
  } finally {
    await client.close();
    await ioc.stop();
  }
}

export async function scanCaBench(): Promise<void> {
  // hil ioc as installed: bin/hil.js runs the bundle npm ci builds, so build it from these sources.
  execFileSync("npm", ["run", "build"], { stdio: "ignore" });
  const folder = await mkdtemp(join(tmpdir(), "scan-ca-bench-"));
  try {
    const config = join(folder, "beamline.yaml");
    const db = join(folder, "positioner.db");
    await writeFile(config, CONFIG);
    await writeFile(db, POSITIONER_DB);
    const times: StepTimes = { move: 0, acquire: 0, read: 0 };
    const runs = {
      direct: [] as number[],
      served: [] as number[],
      soft: [] as number[],
      ours: [] as number[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      runs.direct.push(await direct(config));
      runs.served.push(await servedDevices(config, times));
      if (softIocAvailable()) runs.soft.push(await positioner("softIoc", db));
      runs.ours.push(await positioner("hil ioc", db));
    }
    const rate = (seconds: number[]): number => POINTS / median(seconds);
    const [directRate, servedRate, oursRate] = [
      rate(runs.direct),
      rate(runs.served),
      rate(runs.ours),
    ];
    const rows: string[][] = [
      [`sim devices directly (virtual clock)`, directRate.toFixed(0), "baseline"],
      [
        "EpicsMotor + EpicsDetector -> hil ioc --config (the same sim devices)",
        servedRate.toFixed(0),
        `${(servedRate / directRate).toFixed(3)}x of direct`,
      ],
    ];
    if (runs.soft.length > 0) {
      const softRate = rate(runs.soft);
      rows.push(
        ["epicsSignal positioner (ao + ai + calc) -> softIoc", softRate.toFixed(0), "baseline"],
        [
          "epicsSignal positioner -> hil ioc (the same .db)",
          oursRate.toFixed(0),
          `${(oursRate / softRate).toFixed(2)}x of softIoc`,
        ],
      );
    } else {
      rows.push(["epicsSignal positioner -> hil ioc (no softIoc here)", oursRate.toFixed(0), ""]);
    }
    printTable([`${POINTS}-point scan, medians of ${ROUNDS}`, "points/s", "ratio"], rows);
    const perPoint = (ms: number): string => (ms / (ROUNDS * POINTS)).toFixed(2);
    const total = (1000 * runs.served.reduce((a, b) => a + b, 0)) / (ROUNDS * POINTS);
    const steps = times.move + times.acquire + times.read;
    console.log("");
    printTable(
      [
        "a point over CA (EpicsMotor + EpicsDetector), ms",
        "move",
        "acquire",
        "read",
        "engine + rest",
      ],
      [
        [
          "mean of every point",
          perPoint(times.move),
          perPoint(times.acquire),
          perPoint(times.read),
          (total - steps / (ROUNDS * POINTS)).toFixed(2),
        ],
      ],
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
