import { describe, expect, it } from "vitest";
import { CountingModel } from "../../../sim/detectors/counting-model.js";
import { SeededRandom } from "../../../sim/random.js";

describe("CountingModel", () => {
  it("returns the expected counts exactly when noiseless", () => {
    const model = new CountingModel({ darkCurrent: 5 });
    expect(model.noisy).toBe(false);
    expect(model.expectedCounts(1000, 2)).toBe(2010);
    expect(model.count(1000, 2)).toBe(2010);
  });

  it("reduces the rate by non-paralysable dead time m = r/(1 + rτ)", () => {
    const model = new CountingModel({ deadTime: 1e-6 });
    expect(model.measuredRate(1e6)).toBeCloseTo(5e5, 6);
    expect(model.expectedCounts(1e5, 1)).toBeCloseTo(1e5 / 1.1, 6);
    // Saturates toward 1/τ however high the true rate.
    expect(model.measuredRate(1e12)).toBeLessThan(1e6);
  });

  it("clips at saturation, with or without noise", () => {
    expect(new CountingModel({ saturation: 100 }).count(1e6, 1)).toBe(100);
    const noisy = new CountingModel({ saturation: 100, random: new SeededRandom(1) });
    expect(noisy.count(1e6, 1)).toBe(100);
  });

  it("draws integer Poisson counts whose mean is the expected value", () => {
    const model = new CountingModel({ random: new SeededRandom(8), darkCurrent: 2 });
    const expected = model.expectedCounts(48, 0.5);
    const n = 20_000;
    const counts = Array.from({ length: n }, () => model.count(48, 0.5));
    expect(counts.every(Number.isInteger)).toBe(true);
    const mean = counts.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - expected)).toBeLessThan(5 * Math.sqrt(expected / n));
  });

  it("is reproducible for identical seeds", () => {
    const read = (seed: number): number[] => {
      const model = new CountingModel({ random: new SeededRandom(seed) });
      return Array.from({ length: 10 }, () => model.count(100, 1));
    };
    expect(read(3)).toEqual(read(3));
    expect(read(3)).not.toEqual(read(4));
  });

  it("rejects bad options and exposures", () => {
    expect(() => new CountingModel({ deadTime: -1 })).toThrow(/deadTime must be >= 0, got -1/);
    expect(() => new CountingModel({ saturation: 0 })).toThrow(/saturation/);
    expect(() => new CountingModel().count(10, 0)).toThrow(/exposure must be > 0, got 0/);
  });
});
