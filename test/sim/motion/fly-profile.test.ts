import { describe, expect, it } from "vitest";
import { AxisModel, FlyProfile } from "../../../sim/models.js";

describe("FlyProfile", () => {
  it("puts the ramps outside the range so the velocity is reached at startPosition", () => {
    const up = new FlyProfile({
      startPosition: 1,
      endPosition: 3,
      timeForMove: 4,
      acceleration: 2,
    });
    expect(up.velocity).toBe(0.5);
    expect(up.direction).toBe(1);
    expect(up.runUp).toBe(1 - 0.0625); // v²/2a
    expect(up.runOut).toBe(3 + 0.0625);
    expect(up.rampTime).toBe(0.25);
    expect(up.duration).toBe(4.5);
    expect(up.crossingTime(1)).toBe(0.25);
    expect(up.crossingTime(2)).toBe(2.25);
    const down = new FlyProfile({
      startPosition: 3,
      endPosition: 1,
      timeForMove: 4,
      acceleration: 2,
    });
    expect([down.runUp, down.runOut, down.crossingTime(1)]).toEqual([3.0625, 0.9375, 4.25]);
  });

  it("refuses a range of no length and non-positive times", () => {
    const ok = { startPosition: 0, endPosition: 1, timeForMove: 1, acceleration: 1 };
    expect(() => new FlyProfile({ ...ok, endPosition: 0 })).toThrow("must differ");
    expect(() => new FlyProfile({ ...ok, timeForMove: 0 })).toThrow("timeForMove must be > 0");
    expect(() => new FlyProfile({ ...ok, acceleration: -1 })).toThrow("acceleration must be > 0");
  });

  it("is what AxisModel.fly moves: on the line through the range, no backlash leg", () => {
    const profile = new FlyProfile({
      startPosition: -1,
      endPosition: 1,
      timeForMove: 2,
      acceleration: 4,
    });
    const axis = new AxisModel({
      position: profile.runUp,
      maxVelocity: 3,
      acceleration: 4,
      backlash: -0.5,
    });
    axis.fly(profile.runOut, 10, profile);
    expect(axis.arrivalTime).toBeCloseTo(10 + profile.duration, 12);
    for (const x of [-1, -0.3, 0.4, 1]) {
      const t = 10 + profile.crossingTime(x);
      expect(axis.positionAt(t)).toBeCloseTo(x, 12);
      expect(axis.velocityAt(t)).toBeCloseTo(1, 12);
    }
    expect(axis.positionAt(20)).toBe(profile.runOut);
  });
});
