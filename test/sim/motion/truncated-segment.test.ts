import { describe, expect, it } from "vitest";
import { TrapezoidProfile } from "../../../sim/motion/trapezoid-profile.js";
import { cutAtLimits, firstReachTime } from "../../../sim/motion/truncated-segment.js";

const move = new TrapezoidProfile({ start: 0, target: 10, maxVelocity: 2, acceleration: 4 });

describe("firstReachTime", () => {
  it("finds the crossing to within 1e-12 s", () => {
    // Inside the first ramp a·t²/2 = 0.3 gives t = sqrt(0.15).
    expect(Math.abs((firstReachTime(move, 0.3, 1) ?? NaN) - Math.sqrt(0.15))).toBeLessThan(2e-12);
    expect(Math.abs((firstReachTime(move, 6, 1) ?? NaN) - 3.25)).toBeLessThan(2e-12);
  });

  it("is 0 when already there and undefined when never reached", () => {
    expect(firstReachTime(move, 0, 1)).toBe(0);
    expect(firstReachTime(move, 10.5, 1)).toBeUndefined();
    expect(firstReachTime(move, -1, -1)).toBeUndefined();
  });
});

describe("cutAtLimits", () => {
  it("stops dead on the switch the segment heads toward", () => {
    const cut = cutAtLimits(move, { low: -1, high: 6 });
    expect(cut?.side).toBe("high");
    expect(cut?.segment.target).toBe(6);
    expect(cut?.segment.duration).toBeCloseTo(3.25, 11);
    expect(cut?.segment.velocityAt(3.3)).toBe(0);
    expect(cut?.segment.velocityAt(3)).toBe(2);
    expect(cutAtLimits(move, { low: 1, high: 20 })).toBeUndefined();
  });
});
