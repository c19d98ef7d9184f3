import { describe, expect, it } from "vitest";
import { FirstOrderPlant } from "../../../sim/thermal/first-order-plant.js";

describe("FirstOrderPlant", () => {
  it("starts at ambient and follows 1 − e^(−t/τ) toward ambient + K·u", () => {
    const plant = new FirstOrderPlant({ ambient: 295, gain: 200, timeConstant: 60 });
    expect(plant.temperature).toBe(295);
    plant.step(0.5, 60);
    expect(plant.temperature).toBeCloseTo(295 + 100 * (1 - Math.exp(-1)), 10);
  });

  it("gives the same result for one big step or many small ones", () => {
    const one = new FirstOrderPlant({ ambient: 10, gain: 50, timeConstant: 5, initial: 30 });
    const many = new FirstOrderPlant({ ambient: 10, gain: 50, timeConstant: 5, initial: 30 });
    one.step(0.2, 7);
    for (let i = 0; i < 700; i++) many.step(0.2, 0.01);
    expect(many.temperature).toBeCloseTo(one.temperature, 9);
  });

  it("cools to ambient with the heater off and clamps the heater to [0, 1]", () => {
    const plant = new FirstOrderPlant({ ambient: 295, gain: 200, timeConstant: 60, initial: 400 });
    plant.step(-3, 1e4);
    expect(plant.temperature).toBeCloseTo(295, 9);
    plant.step(7, 1e4);
    expect(plant.temperature).toBeCloseTo(495, 9);
  });

  it("rejects a non-positive time constant", () => {
    expect(() => new FirstOrderPlant({ ambient: 0, gain: 1, timeConstant: 0 })).toThrow(
      new RangeError("timeConstant must be > 0, got 0"),
    );
  });
});
