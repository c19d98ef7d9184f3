import { describe, expect, it } from "vitest";
import { PidController } from "../../../sim/thermal/pid-controller.js";

describe("PidController", () => {
  it("adds proportional and integral terms", () => {
    const pid = new PidController({ kp: 0.1, ki: 0.01, kd: 0, outputMin: -10, outputMax: 10 });
    expect(pid.update(10, 8, 1)).toBeCloseTo(0.2 + 0.02, 12);
    expect(pid.update(10, 8, 1)).toBeCloseTo(0.2 + 0.04, 12);
  });

  it("takes the derivative of the measurement, with no kick on a setpoint change", () => {
    const pid = new PidController({ kp: 0, ki: 0, kd: 2, outputMin: -10, outputMax: 10 });
    expect(pid.update(0, 1, 0.5)).toBe(0);
    expect(pid.update(100, 1, 0.5)).toBe(0);
    // Measurement rising 1 per 0.5 s: −kd·2 = −4.
    expect(pid.update(100, 2, 0.5)).toBeCloseTo(-4, 12);
  });

  it("clamps the output and does not wind up while saturated", () => {
    const pid = new PidController({ kp: 1, ki: 1, kd: 0 });
    for (let i = 0; i < 1000; i++) expect(pid.update(100, 0, 1)).toBe(1);
    // Without windup the integral is small, so the output drops as soon as the error reverses.
    expect(pid.update(100, 100.5, 1)).toBeLessThan(1);
  });

  it("forgets its history on reset", () => {
    const pid = new PidController({ kp: 0, ki: 0.1, kd: 1, outputMin: -100, outputMax: 100 });
    pid.update(1, 0, 1);
    pid.update(1, 0.5, 1);
    pid.reset();
    expect(pid.update(1, 0, 1)).toBeCloseTo(0.1, 12);
  });

  it("rejects bad options", () => {
    expect(() => new PidController({ kp: -1, ki: 0, kd: 0 })).toThrow(/kp must be >= 0, got -1/);
    expect(() => new PidController({ kp: 1, ki: 0, kd: 0, outputMin: 1, outputMax: 0 })).toThrow(
      /outputMax/,
    );
  });
});
