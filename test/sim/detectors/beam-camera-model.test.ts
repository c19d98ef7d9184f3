import { describe, expect, it } from "vitest";
import { BeamCameraModel } from "../../../sim/detectors/beam-camera-model.js";
import { BeamImage } from "../../../sim/detectors/beam-image.js";
import { PoissonFrameSampler } from "../../../sim/detectors/poisson-frame-sampler.js";
import { SeededRandom } from "../../../sim/random.js";

function stats(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, variance: squares / (values.length - 1) };
}

describe("BeamImage", () => {
  const image = new BeamImage({
    width: 200,
    height: 100,
    pixelSize: 0.01,
    flux: 1e6,
    sigma: [0.2, 0.1],
    centre: [0.105, 0],
    darkRate: 0,
  });

  it("puts the whole beam on the detector, brightest at its centre", () => {
    const counts = image.expected(2);
    const total = counts.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(2e6, -2);
    const brightest = counts.indexOf(Math.max(...counts));
    // x = 0.105 mm is the middle of column 110; rows 49 and 50 share the peak at y = 0
    expect(brightest % 200).toBe(110);
    expect([49, 50]).toContain(Math.floor(brightest / 200));
  });

  it("lets through only the rows inside a slit, a blade inside a pixel opening part of it", () => {
    const counts = image.expected(1, { axis: "y", gap: 0.1, centre: 0.005 });
    const rowSum = (row: number): number =>
      counts.subarray(row * 200, (row + 1) * 200).reduce((a, b) => a + b, 0);
    // the opening is y in [-0.045, 0.055]: rows 45.5 .. 55.5
    expect(rowSum(44)).toBe(0);
    expect(rowSum(56)).toBe(0);
    expect(rowSum(45)).toBeGreaterThan(0);
    expect(rowSum(45)).toBeLessThan(rowSum(46) / 1.5);
    expect(rowSum(50)).toBeGreaterThan(rowSum(46));
  });

  it("adds dark counts over the exposure and refuses a bad size", () => {
    const dark = new BeamImage({ width: 4, height: 3, flux: 0, darkRate: 5 });
    expect([...dark.expected(0.5)]).toEqual(new Array(12).fill(2.5));
    expect(() => new BeamImage({ width: 0, height: 3 })).toThrow(/width/);
    expect(() => dark.expected(-1)).toThrow(/exposure/);
  });
});

describe("PoissonFrameSampler", () => {
  const pixels = 200_000;

  it.each([0.25, 4, 100, 2500, 9000])(
    "draws counts with mean and variance %s over a flat field",
    (mean) => {
      expect(PoissonFrameSampler.levelMean(mean)).toBe(mean);
      const sampler = new PoissonFrameSampler(pixels);
      sampler.setExpected(new Float64Array(pixels).fill(mean));
      const frame = sampler.sample(new SeededRandom(7));
      const { mean: m, variance } = stats(frame);
      expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / pixels));
      // the sd of a sample variance of Poisson(λ) is about sqrt((λ + 2λ²)/n)
      expect(Math.abs(variance - mean)).toBeLessThan(
        5 * Math.sqrt((mean + 2 * mean * mean) / pixels),
      );
    },
  );

  it("gives the probability of zero counts of a dim pixel", () => {
    const sampler = new PoissonFrameSampler(pixels);
    sampler.setExpected(new Float64Array(pixels).fill(0.25));
    const frame = sampler.sample(new SeededRandom(3));
    const zeros = frame.filter((v) => v === 0).length / pixels;
    expect(Math.abs(zeros - Math.exp(-0.25))).toBeLessThan(0.005);
  });

  it("rounds dim means to a grid finer than a tenth of their noise", () => {
    for (const mean of [0.3, 7.7, 123.4, 4000]) {
      const used = PoissonFrameSampler.levelMean(mean);
      expect(Math.abs(used - mean)).toBeLessThanOrEqual(0.05 * Math.sqrt(mean) + 1e-3);
    }
    expect(PoissonFrameSampler.levelMean(1e5)).toBe(1e5);
  });

  it("saturates at 65535 and refuses means that are not counts", () => {
    const sampler = new PoissonFrameSampler(3);
    sampler.setExpected(new Float64Array([1e6, 0, 1e5]));
    expect([...sampler.sample(new SeededRandom(1))].slice(0, 2)).toEqual([65535, 0]);
    expect(() => sampler.setExpected(new Float64Array([1, NaN, 1]))).toThrow(/pixel 1/);
  });
});

describe("BeamCameraModel", () => {
  const make = (): BeamCameraModel =>
    new BeamCameraModel(new BeamImage({ width: 64, height: 48, pixelSize: 0.05, flux: 1e7 }));

  it("gives the same frame for the same seed and another for another seed", () => {
    const a = make().frame(0.1, undefined, new SeededRandom(5));
    const b = make().frame(0.1, undefined, new SeededRandom(5));
    const c = make().frame(0.1, undefined, new SeededRandom(6));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("scatters each frame around the expected counts", () => {
    const model = make();
    const random = new SeededRandom(9);
    const sum = new Float64Array(64 * 48);
    const frames = 50;
    for (let f = 0; f < frames; f++) {
      const frame = model.frame(0.1, { axis: "y", gap: 0.6, centre: 0 }, random);
      for (let i = 0; i < frame.length; i++) sum[i]! += frame[i]!;
    }
    const expected = model.expected(0.1, { axis: "y", gap: 0.6, centre: 0 });
    const total = expected.reduce((a, b) => a + b, 0);
    const measured = sum.reduce((a, b) => a + b, 0) / frames;
    expect(Math.abs(measured - total)).toBeLessThan(5 * Math.sqrt(total / frames));
    // rows outside the slit see dark counts only
    const row0 = sum.subarray(0, 64).reduce((a, b) => a + b, 0) / frames;
    expect(row0).toBeLessThan(64 * 0.1 * 2 * 3);
  });
});
