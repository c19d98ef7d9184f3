import { describe, expect, it } from "vitest";
import { SetpointRamp } from "../../../sim/thermal/setpoint-ramp.js";

describe("SetpointRamp", () => {
  it("walks toward the target at the rate and stops on it", () => {
    const ramp = new SetpointRamp({ initial: 300, rate: 2 });
    ramp.setTarget(290);
    expect(ramp.isRamping).toBe(true);
    ramp.advance(1);
    expect(ramp.current).toBe(298);
    ramp.advance(10);
    expect(ramp.current).toBe(290);
    expect(ramp.isRamping).toBe(false);
  });

  it("lands exactly on the target after many small steps", () => {
    const ramp = new SetpointRamp({ initial: 295, rate: 1 });
    ramp.setTarget(325);
    for (let i = 0; i < 600; i++) ramp.advance(0.05);
    expect(ramp.current).toBe(325);
  });

  it.each([0, Infinity])("jumps at once for rate %d", (rate) => {
    const ramp = new SetpointRamp({ initial: 1, rate });
    ramp.setTarget(5);
    expect(ramp.current).toBe(5);
    expect(ramp.target).toBe(5);
  });

  it("rejects a negative rate", () => {
    expect(() => new SetpointRamp({ initial: 0, rate: -1 })).toThrow(/rate must be >= 0, got -1/);
  });
});
