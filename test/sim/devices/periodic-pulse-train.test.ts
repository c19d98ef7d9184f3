import { describe, expect, it } from "vitest";
import { PeriodicPulseTrain } from "../../../sim/index.js";

describe("PeriodicPulseTrain", () => {
  it("fires `total` pulses a period apart from its start", () => {
    const train = new PeriodicPulseTrain(100, 0.1, 4);
    expect([0, 1, 2, 3].map((i) => train.timeOf(i))).toEqual([100, 100.1, 100.2, 100.3]);
    expect(train.countAt(99.99)).toBe(0);
    expect(train.countAt(100)).toBe(1);
    expect(train.countAt(100.15)).toBe(2);
    expect(train.countAt(1000)).toBe(4);
  });

  it("counts a pulse due at a time reached by adding periods", () => {
    const train = new PeriodicPulseTrain(0, 0.1, 10);
    let t = 0;
    for (let i = 0; i < 3; i++) t += 0.1; // 0.30000000000000004 or just under
    expect(train.countAt(0.3)).toBe(4);
    expect(train.countAt(t)).toBe(4);
  });

  it("refuses a pulse it does not fire and a bad period", () => {
    const train = new PeriodicPulseTrain(0, 1, 2);
    expect(() => train.timeOf(2)).toThrow("pulse 2 is not one of the train's 2");
    expect(() => new PeriodicPulseTrain(0, 0, 2)).toThrow(/period/);
    expect(() => new PeriodicPulseTrain(0, 1, 1.5)).toThrow(/total/);
  });
});
