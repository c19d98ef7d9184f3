import { describe, expect, it } from "vitest";
import { NoisyValueModel } from "../../../sim/detectors/noisy-value-model.js";
import { SeededRandom } from "../../../sim/random.js";

describe("NoisyValueModel", () => {
  it("is exactly mean + drift·t when sd is 0", () => {
    const model = new NoisyValueModel({ mean: 5, sd: 0, drift: 0.5, random: new SeededRandom(1) });
    expect(model.valueAt(0)).toBe(5);
    expect(model.valueAt(10)).toBe(10);
  });

  it("scatters around the mean with the given sd, reproducibly", () => {
    const values = (seed: number): number[] => {
      const model = new NoisyValueModel({ mean: 100, sd: 3, random: new SeededRandom(seed) });
      return Array.from({ length: 10_000 }, (_, i) => model.valueAt(i));
    };
    const v = values(2);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
    expect(Math.abs(mean - 100)).toBeLessThan(5 * (3 / 100));
    expect(sd).toBeGreaterThan(2.9);
    expect(sd).toBeLessThan(3.1);
    expect(values(2)).toEqual(v);
  });

  it("rejects a negative sd", () => {
    expect(() => new NoisyValueModel({ mean: 0, sd: -1, random: new SeededRandom(1) })).toThrow(
      /sd must be >= 0, got -1/,
    );
  });
});
