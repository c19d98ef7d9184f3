// Simulated time against wall time: the virtual clock's cost per timer against a bare
// event-loop turn, and what a long move and a stepped scan cost on it.
import { SeededRandom, SimDetector, SimMotor, VirtualClock } from "../src/index.js";
import { FLY_PEAK_COUNTS, flyAndCollect } from "./fly.js";
import { printTable, timeIt } from "./table.js";

const TIMERS = 200_000;
const STEPS = 2_000;
const FRAMES = 1_000_000;

/** The floor of a fly scan's frames: one Poisson draw each. */
async function poissonDraws(): Promise<void> {
  const random = new SeededRandom(1);
  let sum = 0;
  for (let i = 0; i < FRAMES; i++) sum += random.poisson(FLY_PEAK_COUNTS * Math.exp(-i / FRAMES));
  if (!(sum > 0)) throw new Error("no counts");
}

/** Wall ms of collectPages() of a 1 mm fly with a pulse per µm, once it is over. */
async function flyScanCollect(): Promise<number> {
  return (await flyAndCollect(FRAMES)).collectMs;
}

async function bareTurns(): Promise<void> {
  for (let i = 0; i < TIMERS; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function virtualSleeps(): Promise<void> {
  const clock = new VirtualClock();
  for (let i = 0; i < TIMERS; i++) await clock.sleep(0.001);
}

async function longMove(): Promise<void> {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock, velocity: 1, acceleration: 1000 });
  await m1.set(59.999);
  if (Math.abs(clock.now() - 60) > 1e-9) throw new Error(`move ended at ${clock.now()}`);
}

async function steppedScan(): Promise<void> {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock, velocity: 5, acceleration: 50 });
  const det = new SimDetector({
    name: "det",
    clock,
    exposure: 0.1,
    peak: { motors: [m1], centre: 0, sigma: 1, amplitude: 1e4 },
  });
  for (let i = 0; i < STEPS; i++) {
    await m1.set(-5 + (10 * i) / STEPS);
    await det.trigger();
    await det.read();
  }
}

export async function simBench(): Promise<void> {
  await longMove(); // warm up the JIT
  const bare = await timeIt(bareTurns);
  const virtual = await timeIt(virtualSleeps);
  const move = await timeIt(longMove);
  const scan = await timeIt(steppedScan);
  await flyScanCollect(); // warm up
  const draws = await timeIt(poissonDraws);
  const collect = await flyScanCollect();
  const rate = (n: number, ms: number): string => Math.round((n / ms) * 1000).toLocaleString("en");
  printTable(
    ["case", "wall ms", "per second", "ratio"],
    [
      ["bare setImmediate turns (baseline)", bare.toFixed(0), rate(TIMERS, bare), "1.00"],
      [
        "VirtualClock sleeps",
        virtual.toFixed(0),
        rate(TIMERS, virtual),
        (bare / virtual).toFixed(2),
      ],
      ["SimMotor 60 s move (600 updates)", move.toFixed(1), "", ""],
      [`move + trigger + read, ${STEPS} steps`, scan.toFixed(0), rate(STEPS, scan), ""],
      [`${FRAMES} Poisson draws (baseline)`, draws.toFixed(0), rate(FRAMES, draws), "1.00"],
      [
        `fly scan: collectPages of ${FRAMES} frames`,
        collect.toFixed(0),
        rate(FRAMES, collect),
        (draws / collect).toFixed(2),
      ],
    ],
  );
}
