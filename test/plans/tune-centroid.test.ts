import { describe, expect, it } from "vitest";
import type { Readable } from "../../src/core/index.js";
import { tuneCentroid } from "../../src/plans/index.js";
import { fakeDetector, fakeMotor, lines, only, respond } from "./responder.js";

const det = fakeDetector("det");
const m1 = fakeMotor("m1");

const peakAt =
  (centre: number, offset = 0) =>
  (obj: Readable, positions: ReadonlyMap<object, number>) => {
    const x = positions.get(m1) ?? 0;
    const value = obj === det ? 1000 * Math.exp(-((x - centre) ** 2) / (2 * 0.5 ** 2)) : x + offset;
    return { [obj.name]: { value, timestamp: 0 } };
  };

describe("tuneCentroid", () => {
  it("narrows the scan around the centroid until the step is below minStep, then goes there", () => {
    const { messages, error } = respond(tuneCentroid([det], "det", m1, -2, 2, 0.01), {
      readings: peakAt(0.3),
    });
    expect(error).toBeUndefined();
    // steps 4/9, 4/27, 4/81, 4/243 are ≥ 0.01; 4/729 is not: 4 passes of 10 points
    expect(only(messages, "save")).toHaveLength(40);
    const sets = only(messages, "set").map((msg) => msg.value as number);
    const centroid = sets.at(-1)!;
    expect(centroid).toBeCloseTo(0.3, 2);
    expect(lines(messages).slice(-4)).toEqual([
      `set m1 ${centroid}`,
      "wait",
      "close_run",
      "unstage det",
    ]);
    const secondPass = sets.slice(10, 20);
    expect(secondPass[9]! - secondPass[0]!).toBeCloseTo(4 / 3, 12);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({
      plan_name: "tune_centroid",
      plan_args: { signal: "det", motor: "m1", start: -2, stop: 2, num: 10, min_step: 0.01 },
    });
  });

  it("weighs by the motor's readback, not where it was sent", () => {
    // One pass over -1, 0, 1 (the next step, 1/3, is below minStep) with a symmetric signal;
    // the readback sits 0.05 above the setpoint, so the centroid is at 0.05, not 0.
    const { messages } = respond(tuneCentroid([det], "det", m1, -1, 1, 0.5, { numPoints: 3 }), {
      readings: (obj, positions) => {
        const x = positions.get(m1)!;
        return { [obj.name]: { value: obj === det ? 2 - Math.abs(x) : x + 0.05, timestamp: 0 } };
      },
    });
    expect(only(messages, "set").map((msg) => msg.value)).toEqual([
      -1,
      0,
      1,
      expect.closeTo(0.05, 12),
    ]);
  });

  it("alternates the direction of the passes with snake", () => {
    const { messages } = respond(tuneCentroid([det], "det", m1, -2, 2, 0.01, { snake: true }), {
      readings: peakAt(0.3),
    });
    const sets = only(messages, "set").map((msg) => msg.value as number);
    expect(sets[1]! > sets[0]!).toBe(true);
    expect(sets[11]! < sets[10]!).toBe(true);
    expect(sets[21]! > sets[20]!).toBe(true);
    expect(sets.at(-1)).toBeCloseTo(0.3, 2);
  });

  it("does not move to a centroid when there is no signal", () => {
    const { messages } = respond(tuneCentroid([det], "det", m1, -2, 2, 0.01, { numPoints: 5 }), {
      readings: (obj) => ({ [obj.name]: { value: 0, timestamp: 0 } }),
    });
    expect(only(messages, "set")).toHaveLength(5);
    expect(lines(messages).slice(-2)).toEqual(["close_run", "unstage det"]);
  });

  it("refuses minStep ≤ 0, stepFactor ≤ 1 and fewer than 2 points", () => {
    expect(() => tuneCentroid([det], "det", m1, 0, 1, 0)).toThrow(RangeError);
    expect(() => tuneCentroid([det], "det", m1, 0, 1, 0.1, { stepFactor: 1 })).toThrow(RangeError);
    expect(() => tuneCentroid([det], "det", m1, 0, 1, 0.1, { numPoints: 1 })).toThrow(RangeError);
  });
});
