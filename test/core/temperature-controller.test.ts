import { describe, expect, it } from "vitest";
import { VirtualClock, isTemperatureController } from "../../src/core/index.js";
import { SimMotor, SimTemperatureController } from "../../sim/index.js";

describe("isTemperatureController", () => {
  const clock = new VirtualClock();

  it("recognises a heater loop by its temperature, setpoint, ramp and heater signals", () => {
    expect(isTemperatureController(new SimTemperatureController({ name: "tc1", clock }))).toBe(
      true,
    );
  });

  it("does not take a motor for one", () => {
    expect(isTemperatureController(new SimMotor({ name: "m1", clock }))).toBe(false);
    expect(isTemperatureController({ temperature: 1, set: () => undefined })).toBe(false);
  });
});
