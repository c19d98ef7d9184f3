import { describe, expect, it } from "vitest";
import {
  SimDetector,
  SimMotor,
  SimTemperatureController,
  VirtualClock,
  type CountingOptions,
  type EventPageCollectable,
  type Flyable,
  type Preparable,
  type TriggerInfo,
} from "../../../src/index.js";

function peakSetup(counting: CountingOptions = {}, seed = 1) {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock });
  const det = new SimDetector({
    name: "det",
    clock,
    seed,
    exposure: 0.5,
    peak: { motors: [m1], centre: 0, sigma: 1, amplitude: 200, background: 20 },
    counting,
  });
  return { clock, m1, det };
}

async function counts(det: SimDetector, n: number): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    await det.trigger();
    values.push(await det.value.get());
  }
  return values;
}

describe("SimDetector", () => {
  it("acquires for its exposure time on the clock", async () => {
    const { clock, det } = peakSetup();
    await det.trigger();
    expect(clock.now()).toBe(0.5);
    await det.exposure.set(2);
    await det.trigger();
    expect(clock.now()).toBe(2.5);
    expect(await det.readConfiguration()).toEqual({
      det_exposure: { value: 2, timestamp: 0.5 },
    });
  });

  it("counts with Poisson statistics: mean and variance both equal the expected counts", async () => {
    const { det } = peakSetup();
    const n = 4000;
    const values = await counts(det, n);
    const expected = (200 + 20) * 0.5;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(values.every(Number.isInteger)).toBe(true);
    expect(Math.abs(mean - expected)).toBeLessThan(5 * Math.sqrt(expected / n));
    // the variance of a sample variance of a Poisson(λ) is about (λ + 2λ²)/n
    expect(Math.abs(variance - expected)).toBeLessThan(
      5 * Math.sqrt((expected + 2 * expected ** 2) / n),
    );
  });

  it("gives identical readings for identical seeds and different ones otherwise", async () => {
    const a = await counts(peakSetup({}, 42).det, 20);
    const b = await counts(peakSetup({}, 42).det, 20);
    const c = await counts(peakSetup({}, 43).det, 20);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("follows the Gaussian over the motor position", async () => {
    const { m1, det } = peakSetup({ poisson: false });
    const at = async (x: number): Promise<number> => {
      await m1.set(x);
      await det.trigger();
      return det.value.get();
    };
    expect(await at(0)).toBe(110);
    expect(await at(1)).toBeCloseTo((200 * Math.exp(-0.5) + 20) * 0.5, 9);
    expect(await at(-1)).toBeCloseTo(await at(1), 9);
    expect(await at(50)).toBe(10);
  });

  it("applies dark current, dead time and saturation", async () => {
    const { det } = peakSetup({ poisson: false, darkCurrent: 4, deadTime: 0.001 });
    await det.trigger();
    expect(await det.value.get()).toBeCloseTo((220 / (1 + 220 * 0.001) + 4) * 0.5, 9);
    const saturated = peakSetup({ saturation: 50 }).det;
    const values = await counts(saturated, 20);
    expect(Math.max(...values)).toBe(50);
  });

  it("averages the rate over the exposure while the motor moves", async () => {
    const { clock, m1, det } = peakSetup({ poisson: false });
    await m1.set(-2);
    void m1.set(2); // passes the centre during the exposure
    await clock.sleep(1.6);
    const t0 = clock.now();
    await det.trigger();
    const start = m1.positionAt(t0);
    const end = m1.positionAt(t0 + 0.5);
    expect(start).toBeLessThan(0);
    expect(end).toBeGreaterThan(0);
    const rate = (x: number): number => 200 * Math.exp(-(x * x) / 2) + 20;
    expect(await det.value.get()).toBeCloseTo(((rate(start) + rate(end)) / 2) * 0.5, 9);
  });

  it("peaks over two motors", async () => {
    const clock = new VirtualClock();
    const x = new SimMotor({ name: "x", clock, position: 1 });
    const y = new SimMotor({ name: "y", clock, position: -2 });
    const det = new SimDetector({
      name: "det2",
      clock,
      peak: { motors: [x, y], centre: [1, -2], sigma: [0.5, 0.25], amplitude: 80 },
      counting: { poisson: false },
    });
    await det.trigger();
    expect(await det.value.get()).toBe(80);
    await y.set(-1.75);
    await det.trigger();
    expect(await det.value.get()).toBeCloseTo(80 * Math.exp(-0.5), 9);
    expect(
      () =>
        new SimDetector({
          name: "bad",
          clock,
          peak: { motors: [x], centre: [1, 2], sigma: [1, 1], amplitude: 1 },
        }),
    ).toThrow("the peak has 2 axes but 1 motors");
  });

  it("reads a plain noisy value as a number with the given spread", async () => {
    const clock = new VirtualClock();
    const monitor = new SimDetector({
      name: "i0",
      clock,
      noise: { mean: 1e5, sd: 100 },
      units: "cts",
    });
    const values = await counts(monitor, 2000);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(Math.abs(mean - 1e5)).toBeLessThan(5 * (100 / Math.sqrt(2000)));
    expect(sd).toBeGreaterThan(93);
    expect(sd).toBeLessThan(107);
    expect((await monitor.describe()).i0).toMatchObject({ dtype: "number", units: "cts" });
  });

  it("describes Poisson counts as integers and refuses a second trigger while busy", async () => {
    const { det } = peakSetup();
    expect((await det.describe()).det).toMatchObject({
      dtype: "integer",
      shape: [],
      units: "counts",
      source: "soft://det",
    });
    const first = det.trigger();
    await expect(det.trigger()).rejects.toThrow("det is already acquiring");
    await first;
    expect(first.success).toBe(true);
  });
});

describe("SimDetector estimates", () => {
  it("tells how long a trigger takes from its exposure setting", async () => {
    const { det } = peakSetup();
    expect(det.estimateTriggerDuration()).toBe(0.5);
    await det.exposure.set(3);
    expect(det.estimateTriggerDuration()).toBe(3);
  });
});

/** m1 flying -1 → 1 in 2 s (1 mm/s) with a pulse every 0.01 mm, det over a peak at 0.3. */
async function flySetup({ poisson = true, auto = false, seed = 1 } = {}) {
  const clock = new VirtualClock({ auto });
  const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 4, limits: [-5, 5] });
  const det = new SimDetector({
    name: "det",
    clock,
    seed,
    exposure: 0.1,
    peak: { motors: [m1], centre: 0.3, sigma: 0.25, amplitude: 10000, background: 100 },
    counting: { poisson },
  });
  const prepared = m1.prepare({ startPosition: -1, endPosition: 1, timeForMove: 2, pulses: 201 });
  if (auto) await prepared;
  else await clock.advance(10);
  expect(prepared.success).toBe(true);
  await det.prepare({ trigger: m1, livetime: 0.01 });
  await det.kickoff();
  const kickoff = m1.kickoff();
  if (!auto) await clock.advance(0);
  await kickoff;
  return { clock, m1, det, t0: clock.now() };
}

function rows(pages: Awaited<ReturnType<SimDetector["collectPages"]>>) {
  expect(pages.length).toBeLessThanOrEqual(1);
  const page = pages[0] ?? { time: [], data: { det: [], m1: [] }, timestamps: {} };
  return { ...page, det: page.data.det as number[], m1: page.data.m1 as number[] };
}

describe("SimDetector on hardware triggers", () => {
  it("takes a frame per pulse, collected progressively with the motor position", async () => {
    const { clock, m1, det, t0 } = await flySetup();
    const train = m1.pulses;
    if (!train) throw new Error("no train");
    expect(await det.collectPages()).toEqual([]);
    await clock.advance(1.25); // half way: frames 0..99 have ended
    const first = rows(await det.collectPages());
    expect(first.time).toHaveLength(100);
    expect(await det.collectPages()).toEqual([]); // nothing new
    first.time.forEach((time, i) => {
      expect(time).toBe(train.timeOf(i));
      expect(time).toBeCloseTo(t0 + 0.25 + 0.01 * i, 9);
      expect(first.m1[i]).toBe(train.positionOf(i));
    });
    expect(first.timestamps).toEqual({ det: first.time, m1: first.time });
    expect(first.det.every(Number.isInteger)).toBe(true);
    const complete = det.complete();
    await clock.advance(0.5);
    expect(complete.done).toBe(false);
    await clock.advance(1);
    expect(complete.success).toBe(true);
    const rest = rows(await det.collectPages());
    expect(rest.time).toHaveLength(101);
    expect(rest.m1[100]).toBe(1);
    expect(train.total).toBe(201);
  });

  it("resolves complete() when the last frame's livetime has passed", async () => {
    const { clock, m1, det } = await flySetup({ auto: true });
    await det.complete();
    expect(clock.now()).toBeCloseTo((m1.pulses?.timeOf(200) ?? NaN) + 0.01, 9);
  });

  it("counts the model's rate at each pulse position: the peak is where the model's is", async () => {
    const { det } = await flySetup({ poisson: false, auto: true });
    await det.complete();
    const { det: counts, m1 } = rows(await det.collectPages());
    counts.forEach((value, i) => {
      const x = m1[i] ?? NaN;
      const rate = 10000 * Math.exp(-((x - 0.3) ** 2) / (2 * 0.25 ** 2)) + 100;
      expect(value).toBeCloseTo(rate * 0.01, 9);
    });
    expect(m1[counts.indexOf(Math.max(...counts))]).toBeCloseTo(0.3, 9);
  });

  it("keeps Poisson statistics: the same seed gives the same frames, the peak stays put", async () => {
    const frames = async (seed: number) => {
      const { det } = await flySetup({ auto: true, seed });
      await det.complete();
      return rows(await det.collectPages());
    };
    const a = await frames(7);
    expect(a.det).toEqual((await frames(7)).det);
    expect(a.det).not.toEqual((await frames(8)).det);
    // centroid of the counts above background
    let sum = 0;
    let weighted = 0;
    a.det.forEach((value, i) => {
      sum += value - 1;
      weighted += (value - 1) * (a.m1[i] ?? NaN);
    });
    expect(weighted / sum).toBeCloseTo(0.3, 1);
  });

  it("describes the collected fields: det and the trigger source's position", async () => {
    const { det } = await flySetup({ auto: true });
    expect(await det.describeCollect()).toEqual({
      det: {
        source: "m1 pulses",
        dtype: "integer",
        dtype_numpy: "<i8",
        shape: [],
        units: "counts",
      },
      m1: {
        source: "m1 position compare",
        dtype: "number",
        dtype_numpy: "<f8",
        shape: [],
        units: "mm",
      },
    });
  });

  it("takes only the frames asked for", async () => {
    const { m1, det } = await flySetup({ auto: true });
    await det.prepare({ trigger: m1, frames: 50, livetime: 0.01 });
    await det.kickoff();
    await det.complete();
    expect(rows(await det.collectPages()).time).toHaveLength(50);
  });

  it("completes with the frames fired when the motor is stopped mid-fly", async () => {
    const { clock, m1, det } = await flySetup();
    const complete = det.complete();
    await clock.advance(1.25);
    const stopped = m1.stop();
    await clock.advance(1);
    await stopped;
    expect(complete.success).toBe(true);
    expect(rows(await det.collectPages()).time).toHaveLength(m1.pulses?.total ?? NaN);
    expect(m1.pulses?.total).toBe(101);
  });

  it("stop() ends the acquisition and fails a waiting complete()", async () => {
    const { clock, det } = await flySetup();
    const complete = det.complete();
    await clock.advance(0.75);
    await det.stop();
    await expect(complete).rejects.toThrow("det: was stopped before its last frame");
    await clock.advance(5);
    expect(rows(await det.collectPages()).time).toHaveLength(50);
  });

  it("refuses to fly unprepared, on an unarmed source, or for more frames than pulses", async () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock });
    const det = new SimDetector({ name: "det", clock, noise: { mean: 1, sd: 0 } });
    await expect(det.kickoff()).rejects.toThrow("det: was not prepared for hardware triggering");
    await expect(det.complete()).rejects.toThrow("det: was not prepared");
    await det.prepare({ trigger: m1 });
    await expect(det.kickoff()).rejects.toThrow(
      "det: its trigger source m1 has no armed pulse train: prepare m1 first",
    );
    await expect(det.prepare({ trigger: m1, livetime: 0 })).rejects.toThrow("det: livetime");
    await m1.prepare({ startPosition: 0, endPosition: 1, timeForMove: 1, pulses: 3 });
    await det.prepare({ trigger: m1, frames: 4 });
    await expect(det.kickoff()).rejects.toThrow("det: 4 frames asked for but m1 arms 3 pulses");
  });

  it("takes its configured trigger source when prepare() names none", async () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock });
    const det = new SimDetector({
      name: "det",
      clock,
      exposure: 0.05,
      triggerSource: m1,
      noise: { mean: 5, sd: 0 },
    });
    await m1.prepare({ startPosition: 0, endPosition: 1, timeForMove: 1, pulses: 11 });
    await det.prepare({});
    await det.kickoff();
    await m1.kickoff();
    await det.complete();
    const page = rows(await det.collectPages());
    expect(page.det).toEqual(new Array(11).fill(5));
    expect(clock.now()).toBeCloseTo((m1.pulses?.timeOf(10) ?? NaN) + 0.05, 9); // livetime: exposure
    const alone = new SimDetector({ name: "i0", clock, noise: { mean: 5, sd: 0 } });
    await expect(alone.prepare({})).rejects.toThrow("i0: has no trigger source");
  });

  it("takes frames back to back on internal triggers, without a position", async () => {
    const clock = new VirtualClock({ start: 100 });
    const det = new SimDetector({ name: "i0", clock, noise: { mean: 7, sd: 0 } });
    await expect(det.prepare({ trigger: "internal" })).rejects.toThrow(
      "i0: takes frames on internal triggers only when told how many",
    );
    await det.prepare({ trigger: "internal", frames: 4, livetime: 0.5 });
    expect(await det.describeCollect()).toEqual({
      i0: {
        source: "i0 internal trigger",
        dtype: "number",
        dtype_numpy: "<f8",
        shape: [],
        units: "counts",
      },
    });
    await det.kickoff();
    await det.complete();
    expect(clock.now()).toBe(102);
    const [page] = await det.collectPages();
    expect(page).toEqual({
      time: [100, 100.5, 101, 101.5],
      data: { i0: [7, 7, 7, 7] },
      timestamps: { i0: [100, 100.5, 101, 101.5] },
    });
  });

  it("takes the TriggerInfo a fly plan prepares detectors with", async () => {
    const { m1, det } = await flySetup({ auto: true });
    const planned: Preparable<TriggerInfo> & Flyable & EventPageCollectable = det;
    await planned.prepare({ trigger: m1, frames: 201, livetime: 0.01 });
    await planned.kickoff();
    await planned.complete();
    expect((await planned.collectPages())[0]?.time).toHaveLength(201);
  });

  it("refuses a trigger with no pulse output", async () => {
    const clock = new VirtualClock();
    const det = new SimDetector({ name: "det", clock, noise: { mean: 1, sd: 0 } });
    const tc = new SimTemperatureController({ name: "tc", clock });
    await expect(det.prepare({ trigger: tc })).rejects.toThrow(
      "det: tc has no pulse output, so it cannot trigger frames",
    );
  });

  it("collects a million frames in one page", async () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock, acceleration: 100 });
    const det = new SimDetector({
      name: "det",
      clock,
      peak: { motors: [m1], centre: 0.5, sigma: 0.1, amplitude: 1e6 },
    });
    await m1.prepare({ startPosition: 0, endPosition: 1, timeForMove: 10, pulses: 1_000_000 });
    await det.prepare({ trigger: m1, livetime: 1e-5 });
    await det.kickoff();
    await m1.kickoff();
    await Promise.all([m1.complete(), det.complete()]);
    const page = rows(await det.collectPages());
    expect(page.time).toHaveLength(1_000_000);
    expect(page.m1[999_999]).toBe(1);
  });
});
