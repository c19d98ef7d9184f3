import { describe, expect, it } from "vitest";
import { GaussianPeak } from "../../../sim/detectors/gaussian-peak.js";

describe("GaussianPeak", () => {
  it("peaks at the centre and falls to half maximum at ±FWHM/2", () => {
    const peak = new GaussianPeak({ centre: 2, sigma: 0.5, amplitude: 1000, background: 10 });
    expect(peak.rateAt(2)).toBe(1010);
    const fwhm = peak.fwhm[0] ?? NaN;
    expect(fwhm).toBeCloseTo(2.354820045 * 0.5, 8);
    expect(peak.rateAt(2 + fwhm / 2)).toBeCloseTo(510, 9);
    expect(peak.rateAt(2 - fwhm / 2)).toBeCloseTo(510, 9);
    expect(peak.rateAt(100)).toBeCloseTo(10, 12);
    expect(peak.rateAt([2])).toBe(1010);
  });

  it("multiplies the two axes in 2-D", () => {
    const peak = new GaussianPeak({ centre: [0, 1], sigma: [1, 2], amplitude: 100 });
    expect(peak.dimensions).toBe(2);
    expect(peak.rateAt([0, 1])).toBe(100);
    expect(peak.rateAt([1, 3])).toBeCloseTo(100 * Math.exp(-0.5) * Math.exp(-0.5), 12);
    expect(peak.fwhm[1]).toBeCloseTo(2 * (peak.fwhm[0] ?? NaN), 12);
  });

  it("validates its options and positions", () => {
    expect(() => new GaussianPeak({ centre: [0, 1], sigma: 1, amplitude: 1 })).toThrow(/sigma/);
    expect(() => new GaussianPeak({ centre: 0, sigma: 0, amplitude: 1 })).toThrow(
      new RangeError("sigma must be > 0, got 0"),
    );
    expect(() => new GaussianPeak({ centre: 0, sigma: 1, amplitude: -1 })).toThrow(/amplitude/);
    const peak = new GaussianPeak({ centre: 0, sigma: 1, amplitude: 1 });
    expect(() => peak.rateAt([0, 0])).toThrow(RangeError);
  });
});
