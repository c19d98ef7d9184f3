import { describe, expect, it } from "vitest";
import { PeakStats, peakStatistics } from "../../src/callbacks/index.js";
import { packEventPage } from "../../src/core/index.js";
import { centre, gaussian, gaussianRun, sigma } from "./fixtures.js";

const xs = Array.from({ length: 21 }, (_, i) => -1 + i / 10);
const ys = xs.map(gaussian);

describe("peakStatistics", () => {
  it("finds the centre and width of a Gaussian from 21 points", () => {
    const stats = peakStatistics(xs, ys)!;
    expect(Math.abs(stats.cen! - centre)).toBeLessThan(0.01);
    expect(stats.fwhm).toBeCloseTo(2.3548 * sigma, 2);
    expect(Math.abs(stats.com! - centre)).toBeLessThan(0.01);
    expect(stats.max).toEqual([xs[12], 1]);
    expect(stats.min).toEqual([-1, gaussian(-1)]);
  });

  it("interpolates the half-maximum crossings linearly", () => {
    // y - min: 0, 2, 4, 0 → half max 2 crossed at x = 1 and at 2.5.
    const stats = peakStatistics([0, 1, 2, 3], [1, 3, 5, 1])!;
    expect(stats.fwhm).toBeCloseTo(1.5, 12);
    expect(stats.cen).toBeCloseTo(1.75, 12);
    expect(stats.com).toBeCloseTo((1 * 2 + 2 * 4) / 6, 12);
  });

  it("gives the same answer for a scan in the other direction", () => {
    expect(peakStatistics([...xs].reverse(), [...ys].reverse())).toEqual(peakStatistics(xs, ys));
  });

  it("leaves cen and fwhm undefined for a peak cut off at an edge", () => {
    const stats = peakStatistics([0, 1, 2], [1, 2, 3])!;
    expect(stats.cen).toBeUndefined();
    expect(stats.fwhm).toBeUndefined();
    expect(stats.max).toEqual([2, 3]);
  });

  it("leaves com undefined for a flat signal, and all undefined for fewer than 2 points", () => {
    expect(peakStatistics([0, 1], [4, 4])?.com).toBeUndefined();
    expect(peakStatistics([0], [1])).toBeUndefined();
    expect(() => peakStatistics([0, 1], [1])).toThrow(RangeError);
  });
});

describe("PeakStats", () => {
  it("reports the statistics of a run's events at stop", () => {
    const lines: string[] = [];
    const peak = new PeakStats("m1", "det", { out: (line) => lines.push(line) });
    const { start, descriptor, events, stop } = gaussianRun();
    void peak.callback("start", start);
    void peak.callback("descriptor", descriptor);
    void peak.callback("event_page", packEventPage(events.slice(0, 10)));
    for (const event of events.slice(10)) void peak.callback("event", event);
    expect(peak.stats).toBeUndefined();
    void peak.callback("stop", stop);
    const m1 = events.map((event) => event.data["m1"] as number);
    expect(peak.stats).toEqual(peakStatistics(m1, m1.map(gaussian)));
    expect(lines[0]).toBe("peak stats of det against m1:");
    expect(lines[1]).toBe("  cen  0.2");
    expect(lines[5]).toMatch(/^ {2}fwhm 0\.70\d+$/);
    expect(lines).toContain("  max  [0.2, 1]");
    expect(lines).toHaveLength(6);
  });

  it("ignores other streams and has no statistics for a run of one point", () => {
    const lines: string[] = [];
    const peak = new PeakStats("m1", "det", { out: (line) => lines.push(line) });
    const run = gaussianRun({ points: 1 });
    const other = gaussianRun({ uid: "other", points: 5 });
    void peak.callback("start", run.start);
    void peak.callback("descriptor", run.descriptor);
    void peak.callback("descriptor", { ...other.descriptor, name: "baseline" });
    for (const event of [...run.events, ...other.events]) void peak.callback("event", event);
    void peak.callback("stop", run.stop);
    expect(peak.stats).toBeUndefined();
    expect(lines).toEqual(["peak stats of det against m1: too few points (1)"]);
  });
});
