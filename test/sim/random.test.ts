import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../sim/random.js";

function draw(random: SeededRandom, n: number): number[] {
  return Array.from({ length: n }, () => random.uniform());
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((sum, x) => sum + x, 0) / values.length;
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

describe("SeededRandom", () => {
  it("replays the same sequence for the same seed", () => {
    expect(draw(new SeededRandom(42), 50)).toEqual(draw(new SeededRandom(42), 50));
  });

  it("gives different sequences for different seeds, even adjacent ones", () => {
    const a = draw(new SeededRandom(1), 20);
    const b = draw(new SeededRandom(2), 20);
    expect(a.filter((x, i) => x === b[i])).toHaveLength(0);
  });

  it("draws uniforms in [0, 1) with mean 1/2 and variance 1/12", () => {
    const values = draw(new SeededRandom(3), 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const { mean, variance } = meanAndVariance(values);
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / 20_000));
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it("rejects a non-integer seed", () => {
    expect(() => new SeededRandom(1.5)).toThrow(RangeError);
    expect(() => new SeededRandom(Number.NaN)).toThrow(/seed/);
  });

  describe("fork", () => {
    it("is reproducible and does not depend on draws already made", () => {
      const parent = new SeededRandom(9);
      const early = draw(parent.fork("x"), 10);
      draw(parent, 100);
      expect(draw(parent.fork("x"), 10)).toEqual(early);
      expect(draw(new SeededRandom(9).fork("x"), 10)).toEqual(early);
    });

    it("gives streams independent of the parent and of other labels", () => {
      const parent = new SeededRandom(9);
      const x = draw(parent.fork("x"), 20);
      const y = draw(parent.fork("y"), 20);
      const own = draw(new SeededRandom(9), 20);
      expect(x.filter((v, i) => v === y[i] || v === own[i])).toHaveLength(0);
      expect(draw(new SeededRandom(10).fork("x"), 20)).not.toEqual(x);
    });

    it("has a seed that rebuilds the same stream", () => {
      const child = new SeededRandom(5).fork("motor");
      expect(draw(new SeededRandom(child.seed), 10)).toEqual(draw(child, 10));
    });

    it("does not shift one part's numbers when another part is added", () => {
      const before = new SeededRandom(11);
      const a1 = before.fork("a");
      const a = draw(a1, 10);
      const after = new SeededRandom(11);
      draw(after.fork("new part"), 10);
      expect(draw(after.fork("a"), 10)).toEqual(a);
    });
  });

  it("draws normals with the requested mean and sd", () => {
    const random = new SeededRandom(4);
    const values = Array.from({ length: 20_000 }, () => random.normal(10, 2));
    const { mean, variance } = meanAndVariance(values);
    expect(Math.abs(mean - 10)).toBeLessThan(5 * (2 / Math.sqrt(20_000)));
    expect(Math.sqrt(variance)).toBeGreaterThan(2 * 0.97);
    expect(Math.sqrt(variance)).toBeLessThan(2 * 1.03);
    expect(() => random.normal(0, -1)).toThrow(RangeError);
  });

  describe("poisson", () => {
    const n = 20_000;
    it.each([3, 25, 29.5, 30, 100, 10_000])(
      "has mean and variance lambda for lambda %d",
      (lambda) => {
        const random = new SeededRandom(Math.round(lambda * 7));
        const values = Array.from({ length: n }, () => random.poisson(lambda));
        expect(values.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
        const { mean, variance } = meanAndVariance(values);
        expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
        expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.05);
      },
    );

    it("matches the probability of zero for a small lambda", () => {
      const random = new SeededRandom(12);
      const zeros = Array.from({ length: n }, () => random.poisson(1)).filter((k) => k === 0);
      const p = Math.exp(-1);
      expect(Math.abs(zeros.length / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });

    it("returns 0 for lambda 0 and rejects bad lambdas", () => {
      const random = new SeededRandom(1);
      expect(random.poisson(0)).toBe(0);
      expect(() => random.poisson(-1)).toThrow(/lambda must be .*got -1/);
      expect(() => random.poisson(Infinity)).toThrow(RangeError);
      expect(() => random.poisson(Number.NaN)).toThrow(RangeError);
    });
  });
});
