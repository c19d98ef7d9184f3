import { describe, expect, it } from "vitest";
import { spiral, spiralPattern } from "../../src/plans/index.js";
import { fakeDetector, fakeMotor, only, respond } from "./responder.js";

const x = fakeMotor("x");
const y = fakeMotor("y");
const pattern = { xStart: 5, yStart: -5, xRange: 2, yRange: 2, dr: 0.5, nth: 4 };

describe("spiralPattern", () => {
  it("keeps the ring points inside the rectangle: 4 on the first ring, 8 on the second", () => {
    // Rings of radius 0.5 and 1 fit in the 2 × 2 square; rings 1.5 and 2 have no point inside.
    const points = [...spiralPattern(x, y, pattern)].map((p) => [p.get(x)!, p.get(y)!]);
    expect(points).toHaveLength(12);
    expect(points[0]).toEqual([5.5, -5]);
    expect(points[4]).toEqual([6, -5]);
    for (const [px, py] of points) {
      expect(Math.abs(px! - 5)).toBeLessThanOrEqual(1 + 1e-12);
      expect(Math.abs(py! + 5)).toBeLessThanOrEqual(1 + 1e-12);
    }
    const radii = points.map(([px, py]) => Math.hypot(px! - 5, py! + 5));
    expect(radii.slice(0, 4).every((r) => Math.abs(r - 0.5) < 1e-12)).toBe(true);
    expect(radii.slice(4).every((r) => Math.abs(r - 1) < 1e-12)).toBe(true);
  });

  it("grows with the area: more rings fit in a wider rectangle", () => {
    const wide = spiralPattern(x, y, { ...pattern, xRange: 4, yRange: 4 });
    expect(wide.length).toBe(4 + 8 + 12 + 16);
  });

  it("with a tilt, keeps the points inside the slanted rectangle, out to its far corners", () => {
    const tilt = 1;
    const slant = Math.tan(tilt + Math.PI / 2);
    const points = [...spiralPattern(x, y, { ...pattern, xStart: 0, yStart: 0, tilt })].map((p) => [
      p.get(x)!,
      p.get(y)!,
    ]);
    for (const [px, py] of points) {
      expect(Math.abs(px! - py! / slant)).toBeLessThanOrEqual(1 + 1e-12);
      expect(Math.abs(py!)).toBeLessThanOrEqual(1 + 1e-12);
    }
    // a corner of the slanted rectangle lies beyond the untilted one's diagonal (√2)
    const farthest = Math.max(...points.map(([px, py]) => Math.hypot(px!, py!)));
    expect(farthest).toBeCloseTo(2, 12);
  });

  it("stretches y by drY / dr", () => {
    const ellipse = [
      ...spiralPattern(x, y, { ...pattern, xStart: 0, yStart: 0, yRange: 4, drY: 1 }),
    ];
    expect(ellipse[1]?.get(y)).toBeCloseTo(1, 12);
  });

  it("refuses dr or nth ≤ 0", () => {
    expect(() => spiralPattern(x, y, { ...pattern, dr: 0 })).toThrow(RangeError);
    expect(() => spiralPattern(x, y, { ...pattern, nth: 0 })).toThrow(RangeError);
  });
});

describe("spiral", () => {
  it("reads at every spiral point, moving both motors, and describes the spiral", () => {
    const { messages } = respond(spiral([fakeDetector("det")], x, y, pattern));
    expect(only(messages, "save")).toHaveLength(12);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({
      plan_name: "spiral",
      num_points: 12,
      motors: ["x", "y"],
      plan_args: { x_motor: "x", y_motor: "y", x_start: 5, dr: 0.5, nth: 4, tilt: 0 },
      hints: {
        dimensions: [
          [["x"], "primary"],
          [["y"], "primary"],
        ],
      },
    });
  });
});
