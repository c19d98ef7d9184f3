import { describe, expect, it } from "vitest";
import { TrapezoidProfile } from "../../../sim/motion/trapezoid-profile.js";

function samples(profile: TrapezoidProfile, n = 400): number[] {
  return Array.from({ length: n + 1 }, (_, i) => (profile.duration * i) / n);
}

describe("TrapezoidProfile", () => {
  const long = new TrapezoidProfile({ start: 0, target: 10, maxVelocity: 2, acceleration: 4 });

  it("takes d/v + v/a when top speed is reached", () => {
    expect(long.duration).toBe(5.5);
    expect(long.distance).toBe(10);
    expect(long.peakVelocity).toBe(2);
    expect(long.positionAt(long.duration)).toBe(10);
    expect(long.positionAt(0)).toBe(0);
    expect(long.velocityAt(2)).toBe(2);
  });

  it("follows the analytic ramp and cruise", () => {
    // Ramp lasts v/a = 0.5 s and covers a·t²/2 = 0.5.
    expect(long.positionAt(0.25)).toBeCloseTo(0.125, 12);
    expect(long.positionAt(0.5)).toBeCloseTo(0.5, 12);
    expect(long.positionAt(3)).toBeCloseTo(0.5 + 2 * 2.5, 12);
    expect(long.velocityAt(0.25)).toBeCloseTo(1, 12);
    expect(long.velocityAt(5.25)).toBeCloseTo(1, 12);
  });

  it("is a triangle for short moves and never reaches maxVelocity", () => {
    const short = new TrapezoidProfile({ start: 0, target: 0.5, maxVelocity: 2, acceleration: 4 });
    expect(short.duration).toBeCloseTo(2 * Math.sqrt(0.5 / 4), 14);
    expect(short.peakVelocity).toBeCloseTo(Math.sqrt(0.5 * 4), 14);
    expect(short.peakVelocity).toBeLessThan(2);
    const speeds = samples(short).map((t) => short.velocityAt(t));
    expect(Math.max(...speeds)).toBeLessThanOrEqual(short.peakVelocity + 1e-12);
    expect(short.positionAt(short.duration)).toBe(0.5);
  });

  it("never exceeds maxVelocity and moves monotonically", () => {
    const positions = samples(long).map((t) => long.positionAt(t));
    const speeds = samples(long).map((t) => Math.abs(long.velocityAt(t)));
    expect(Math.max(...speeds)).toBeLessThanOrEqual(2);
    for (let i = 1; i < positions.length; i++) {
      expect(positions[i]).toBeGreaterThanOrEqual(positions[i - 1] ?? -Infinity);
    }
  });

  it("is symmetric about its midpoint", () => {
    for (const profile of [
      long,
      new TrapezoidProfile({ start: 1, target: 1.3, maxVelocity: 2, acceleration: 4 }),
    ]) {
      const { start, target, duration } = profile;
      expect(profile.positionAt(duration / 2)).toBeCloseTo((start + target) / 2, 12);
      for (const t of [0.1, 0.2, duration / 3]) {
        const early = profile.positionAt(t) - start;
        const late = target - profile.positionAt(duration - t);
        expect(early).toBeCloseTo(late, 12);
      }
    }
  });

  it("handles negative moves with negative velocity", () => {
    const back = new TrapezoidProfile({ start: 5, target: -5, maxVelocity: 2, acceleration: 4 });
    expect(back.duration).toBe(5.5);
    expect(back.distance).toBe(10);
    expect(back.velocityAt(2)).toBe(-2);
    expect(back.positionAt(0.5)).toBeCloseTo(4.5, 12);
    expect(back.positionAt(back.duration)).toBe(-5);
  });

  it("clamps time outside the move", () => {
    expect(long.positionAt(-1)).toBe(0);
    expect(long.positionAt(100)).toBe(10);
    expect(long.velocityAt(-1)).toBe(0);
    expect(long.velocityAt(100)).toBe(0);
  });

  it("has zero duration for a zero-length move", () => {
    const still = new TrapezoidProfile({ start: 3, target: 3, maxVelocity: 1, acceleration: 1 });
    expect(still.duration).toBe(0);
    expect(still.positionAt(0.5)).toBe(3);
  });

  it("rejects bad options with the option's name and value", () => {
    expect(
      () => new TrapezoidProfile({ start: 0, target: 1, maxVelocity: -1, acceleration: 1 }),
    ).toThrow(new RangeError("maxVelocity must be > 0, got -1"));
    expect(
      () => new TrapezoidProfile({ start: 0, target: 1, maxVelocity: 1, acceleration: 0 }),
    ).toThrow(/acceleration must be > 0, got 0/);
    expect(
      () => new TrapezoidProfile({ start: 0, target: Number.NaN, maxVelocity: 1, acceleration: 1 }),
    ).toThrow(/target/);
  });
});
