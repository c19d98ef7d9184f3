import { describe, expect, it } from "vitest";
import { AxisModel } from "../../../sim/motion/axis-model.js";
import { SeededRandom } from "../../../sim/random.js";

/** Sample times from t0 to t1 inclusive. */
function times(t0: number, t1: number, n = 500): number[] {
  return Array.from({ length: n + 1 }, (_, i) => t0 + ((t1 - t0) * i) / n);
}

describe("AxisModel", () => {
  it("starts at rest at its initial position", () => {
    const axis = new AxisModel({ position: 3, maxVelocity: 1, acceleration: 1 });
    expect(axis.positionAt(0)).toBe(3);
    expect(axis.isMoving(0)).toBe(false);
    expect(axis.arrivalTime).toBe(-Infinity);
  });

  it("moves along a trapezoid from the time of the move", () => {
    const axis = new AxisModel({ maxVelocity: 2, acceleration: 4 });
    const { arrival } = axis.move(10, 100);
    expect(arrival).toBe(105.5);
    expect(axis.arrivalTime).toBe(105.5);
    expect(axis.positionAt(100)).toBe(0);
    expect(axis.positionAt(102.75)).toBeCloseTo(5, 12);
    expect(axis.velocityAt(102)).toBe(2);
    expect(axis.isMoving(102)).toBe(true);
    expect(axis.isMoving(105.5)).toBe(false);
    expect(axis.positionAt(200)).toBe(10);
  });

  describe("backlash", () => {
    it("overshoots and comes back when approaching from the wrong side", () => {
      const axis = new AxisModel({ maxVelocity: 2, acceleration: 4, backlash: 0.5 });
      const { arrival } = axis.move(-5, 0);
      // First leg 0 → -5.5 takes 5.5/2 + 2/4 = 3.25 s.
      expect(axis.positionAt(3.25)).toBe(-5.5);
      const path = times(0, arrival).map((t) => axis.positionAt(t));
      expect(Math.min(...path)).toBeGreaterThanOrEqual(-5.5);
      expect(axis.positionAt(arrival)).toBe(-5);
      const fractions = times(0, arrival).map((t) => axis.pathFraction(t));
      expect(fractions[0]).toBe(0);
      expect(fractions[fractions.length - 1]).toBe(1);
      for (let i = 1; i < fractions.length; i++) {
        expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] ?? Infinity);
      }
      // Path length is 5.5 out plus 0.5 back, so the turn is 5.5/6 of the way.
      expect(axis.pathFraction(3.25)).toBeCloseTo(5.5 / 6, 12);
    });

    it("goes straight when already approaching in the preferred direction", () => {
      const axis = new AxisModel({ position: -5, maxVelocity: 2, acceleration: 4, backlash: 0.5 });
      const { arrival } = axis.move(0, 0);
      const path = times(0, arrival).map((t) => axis.positionAt(t));
      expect(Math.max(...path)).toBe(0);
      expect(arrival).toBe(5 / 2 + 2 / 4);
    });

    it("approaches from above for a negative backlash", () => {
      const axis = new AxisModel({ maxVelocity: 2, acceleration: 4, backlash: -1 });
      const { arrival } = axis.move(3, 0);
      expect(axis.positionAt(4 / 2 + 2 / 4)).toBe(4);
      const path = times(0, arrival).map((t) => axis.positionAt(t));
      expect(Math.max(...path)).toBeLessThanOrEqual(4);
      expect(axis.positionAt(arrival)).toBe(3);
    });
  });

  describe("stop", () => {
    it("comes to rest v²/(2a) further on when cruising", () => {
      const axis = new AxisModel({ maxVelocity: 2, acceleration: 4 });
      axis.move(100, 0);
      const here = axis.positionAt(10);
      const { arrival } = axis.stop(10);
      expect(arrival).toBeCloseTo(10.5, 12);
      expect(axis.positionAt(arrival)).toBeCloseTo(here + 0.5, 12);
      expect(axis.positionAt(50)).toBeCloseTo(here + 0.5, 12);
      expect(axis.velocityAt(10)).toBe(2);
      expect(axis.isMoving(10.6)).toBe(false);
    });

    it("stops from the accelerating phase using the velocity at that time", () => {
      const axis = new AxisModel({ maxVelocity: 2, acceleration: 4 });
      axis.move(100, 0);
      const { arrival } = axis.stop(0.25);
      expect(arrival).toBeCloseTo(0.5, 12);
      expect(axis.positionAt(arrival)).toBeCloseTo(0.125 + 1 / 8, 12);
    });

    it("does nothing once the axis is at rest", () => {
      const axis = new AxisModel({ maxVelocity: 2, acceleration: 4 });
      axis.move(1, 0);
      const before = axis.arrivalTime;
      expect(axis.stop(10).arrival).toBe(before);
      expect(axis.positionAt(11)).toBe(1);
    });
  });

  it("retargets a moving axis by braking first, keeping velocity continuous", () => {
    const axis = new AxisModel({ maxVelocity: 2, acceleration: 4 });
    axis.move(100, 0);
    const here = axis.positionAt(10);
    const { arrival } = axis.move(0, 10);
    expect(axis.velocityAt(10)).toBe(2);
    expect(axis.positionAt(10)).toBe(here);
    expect(axis.positionAt(10.5)).toBeCloseTo(here + 0.5, 12);
    expect(axis.velocityAt(10.5)).toBeCloseTo(0, 12);
    const path = times(10, arrival).map((t) => axis.positionAt(t));
    expect(Math.max(...path)).toBeLessThanOrEqual(here + 0.5 + 1e-12);
    expect(axis.positionAt(arrival)).toBe(0);
    expect(arrival).toBeCloseTo(10.5 + (here + 0.5) / 2 + 0.5, 9);
  });

  it("applies new speed settings to the next move", () => {
    const axis = new AxisModel({ maxVelocity: 2, acceleration: 4 });
    axis.maxVelocity = 1;
    axis.acceleration = 1;
    expect(axis.move(10, 0).arrival).toBe(11);
    expect(() => (axis.maxVelocity = 0)).toThrow(/maxVelocity must be > 0, got 0/);
  });

  describe("hard limits", () => {
    const make = (): AxisModel =>
      new AxisModel({ maxVelocity: 2, acceleration: 4, hardLimits: { low: -10, high: 10 } });

    it("stops dead at the switch when a move would cross it", () => {
      const axis = make();
      const { arrival } = axis.move(20, 0);
      // 0.5 s ramp covers 0.5, then 9.5 at 2 units/s.
      expect(arrival).toBeCloseTo(5.25, 9);
      expect(axis.positionAt(arrival)).toBe(10);
      expect(axis.positionAt(arrival + 100)).toBe(10);
      expect(axis.stoppedByLimitAt(arrival)).toBe("high");
      expect(axis.stoppedByLimitAt(1)).toBeUndefined();
      expect(axis.limitSwitchesAt(1)).toEqual({ low: false, high: false });
      expect(axis.limitSwitchesAt(arrival)).toEqual({ low: false, high: true });
      expect(axis.pathFraction(arrival)).toBe(1);
      expect(axis.isMoving(arrival)).toBe(false);
    });

    it("refuses to drive further into an active switch", () => {
      const axis = make();
      const { arrival } = axis.move(20, 0);
      expect(axis.move(15, arrival + 1)).toEqual({ arrival: arrival + 1 });
      expect(axis.positionAt(arrival + 5)).toBe(10);
      expect(axis.stoppedByLimitAt(arrival + 1)).toBe("high");
    });

    it("moves away from an active switch", () => {
      const axis = make();
      const cut = axis.move(20, 0).arrival;
      const { arrival } = axis.move(0, cut + 1);
      expect(arrival).toBeGreaterThan(cut + 1);
      expect(axis.positionAt(arrival)).toBe(0);
      expect(axis.limitSwitchesAt(arrival)).toEqual({ low: false, high: false });
      expect(axis.stoppedByLimitAt(arrival)).toBeUndefined();
    });

    it("reaches a target exactly on the switch and reports the switch", () => {
      const axis = make();
      const { arrival } = axis.move(-10, 0);
      expect(axis.positionAt(arrival)).toBe(-10);
      expect(axis.limitSwitchesAt(arrival).low).toBe(true);
    });

    it("cuts a backlash overshoot that runs into the switch", () => {
      const axis = new AxisModel({
        position: -5,
        maxVelocity: 2,
        acceleration: 4,
        backlash: 1,
        hardLimits: { low: -10, high: 10 },
      });
      const { arrival } = axis.move(-9.5, 0);
      expect(axis.positionAt(arrival)).toBe(-10);
      expect(axis.stoppedByLimitAt(arrival)).toBe("low");
    });

    it("cuts a braking leg that runs into the switch", () => {
      const axis = make();
      axis.move(9.9, 0);
      // Cruising at 2 past 9.3; with a = 1 braking takes v²/(2a) = 2 more, through 10.
      axis.acceleration = 1;
      const { arrival } = axis.move(-5, 4.9);
      // 9.3 + 2t − t²/2 = 10 gives t = 2 − sqrt(2.6).
      expect(arrival).toBeCloseTo(4.9 + 2 - Math.sqrt(2.6), 9);
      expect(axis.positionAt(arrival)).toBe(10);
      expect(axis.stoppedByLimitAt(arrival)).toBe("high");
    });

    it("rejects limits in the wrong order", () => {
      expect(
        () => new AxisModel({ maxVelocity: 1, acceleration: 1, hardLimits: { low: 1, high: -1 } }),
      ).toThrow(/hardLimits/);
    });
  });

  describe("readback", () => {
    it("is quantised to the encoder resolution", () => {
      const axis = new AxisModel({
        position: 0.123456,
        maxVelocity: 1,
        acceleration: 1,
        encoderResolution: 0.01,
      });
      expect(axis.readbackAt(0)).toBeCloseTo(0.12, 12);
      axis.move(1.0049, 0);
      expect(axis.readbackAt(100)).toBeCloseTo(1.0, 12);
      expect(axis.positionAt(100)).toBe(1.0049);
    });

    it("is the true position without noise or resolution", () => {
      const axis = new AxisModel({ position: 0.3, maxVelocity: 1, acceleration: 1 });
      expect(axis.readbackAt(0)).toBe(0.3);
    });

    it("adds noise that is reproducible for identical seeds", () => {
      const make = (seed: number): AxisModel =>
        new AxisModel({
          maxVelocity: 1,
          acceleration: 1,
          readbackNoise: 0.1,
          random: new SeededRandom(seed),
        });
      const read = (axis: AxisModel): number[] => times(0, 1, 20).map((t) => axis.readbackAt(t));
      const a = read(make(5));
      expect(read(make(5))).toEqual(a);
      expect(read(make(6))).not.toEqual(a);
      expect(new Set(a).size).toBe(a.length);
      expect(Math.max(...a.map(Math.abs))).toBeLessThan(0.6);
    });

    it("requires a random source for noise", () => {
      expect(() => new AxisModel({ maxVelocity: 1, acceleration: 1, readbackNoise: 0.1 })).toThrow(
        /random is required/,
      );
    });
  });

  it("rejects replanning before the current plan started", () => {
    const axis = new AxisModel({ maxVelocity: 1, acceleration: 1 });
    axis.move(1, 10);
    expect(() => axis.move(2, 5)).toThrow(RangeError);
  });
});
