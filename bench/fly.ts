// The fly scan both the simulator and the engine benchmarks time: a 1 mm move of m1 over
// 10 s with a compare pulse per frame, and det taking a frame at each pulse.
import { VirtualClock } from "../src/core/index.js";
import { SimDetector, SimMotor } from "../sim/index.js";

/** Seconds each frame counts for. */
export const FLY_LIVETIME = 1e-5;
/** Mean counts per frame at the peak (the Poisson baseline of sim.bench draws the same). */
export const FLY_PEAK_COUNTS = 50;

/** m1 and det on a fresh virtual clock, det triggered by m1's pulses. */
export function flyingDevices() {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock, acceleration: 100 });
  const peak = { motors: [m1], centre: 0.5, sigma: 0.1, amplitude: FLY_PEAK_COUNTS / FLY_LIVETIME };
  const det = new SimDetector({ name: "det", clock, peak, triggerSource: m1 });
  return { clock, m1, det };
}

/** Wall ms of a fly of `frames` frames on fresh devices: all of it, and its collectPages(). */
export async function flyAndCollect(
  frames: number,
): Promise<{ totalMs: number; collectMs: number }> {
  const { m1, det } = flyingDevices();
  const start = performance.now();
  await m1.prepare({ startPosition: 0, endPosition: 1, timeForMove: 10, pulses: frames });
  await det.prepare({ trigger: m1, frames, livetime: FLY_LIVETIME });
  await det.kickoff();
  await m1.kickoff();
  await Promise.all([m1.complete(), det.complete()]);
  const collectStart = performance.now();
  const [page] = await det.collectPages();
  const end = performance.now();
  if (page?.time.length !== frames) throw new Error(`collected ${page?.time.length} frames`);
  return { totalMs: end - start, collectMs: end - collectStart };
}
