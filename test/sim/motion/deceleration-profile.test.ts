import { describe, expect, it } from "vitest";
import { DecelerationProfile } from "../../../sim/motion/deceleration-profile.js";

describe("DecelerationProfile", () => {
  it("stops v²/(2a) further on after v/a seconds", () => {
    const stop = new DecelerationProfile({ position: 1, velocity: 3, acceleration: 2 });
    expect(stop.duration).toBe(1.5);
    expect(stop.target).toBe(1 + 9 / 4);
    expect(stop.positionAt(stop.duration)).toBe(stop.target);
    expect(stop.velocityAt(0)).toBe(3);
    expect(stop.velocityAt(0.75)).toBeCloseTo(1.5, 12);
    expect(stop.velocityAt(2)).toBe(0);
  });

  it("brakes a negative velocity toward lower positions", () => {
    const stop = new DecelerationProfile({ position: 0, velocity: -2, acceleration: 4 });
    expect(stop.target).toBe(-0.5);
    expect(stop.positionAt(0.25)).toBeCloseTo(-2 * 0.25 + 0.5 * 4 * 0.0625, 12);
    expect(stop.velocityAt(0.25)).toBeCloseTo(-1, 12);
  });

  it("is already at rest for zero velocity", () => {
    const stop = new DecelerationProfile({ position: 4, velocity: 0, acceleration: 1 });
    expect(stop.duration).toBe(0);
    expect(stop.target).toBe(4);
  });

  it("rejects a non-positive acceleration", () => {
    expect(() => new DecelerationProfile({ position: 0, velocity: 1, acceleration: -2 })).toThrow(
      new RangeError("acceleration must be > 0, got -2"),
    );
  });
});
