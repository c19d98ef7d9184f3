import { describe, expect, it } from "vitest";
import { SimDetector, SimMotor, VirtualClock, type CountingOptions } from "../../../src/index.js";

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
