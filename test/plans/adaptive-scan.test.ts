import { describe, expect, it } from "vitest";
import type { Readable } from "../../src/core/index.js";
import { MissingReadingError, adaptiveScan } from "../../src/plans/index.js";
import { fakeDetector, fakeMotor, only, respond } from "./responder.js";

const det = fakeDetector("det");
const m1 = fakeMotor("m1");

/** A detector that sees `signal` at the motor's position. */
const sees =
  (signal: (x: number) => number) => (obj: Readable, positions: ReadonlyMap<object, number>) => {
    const x = positions.get(m1) ?? 0;
    return { [obj.name]: { value: obj === det ? signal(x) : x, timestamp: 0 } };
  };

const edge = (x: number): number => 1000 / (1 + Math.exp(-(x - 5) * 4));

function positions(messages: ReturnType<typeof respond>["messages"]): number[] {
  return only(messages, "set").map((msg) => msg.value as number);
}

describe("adaptiveScan", () => {
  it("with backstep, steps back and resolves a sharp edge, then crosses the flat in long steps", () => {
    const { messages, error } = respond(adaptiveScan([det], "det", m1, 0, 10, 0.05, 2, 50, true), {
      readings: sees(edge),
    });
    expect(error).toBeUndefined();
    const xs = positions(messages);
    const steps = xs.slice(1).map((x, i) => x - xs[i]!);
    expect(xs[0]).toBe(0);
    expect(steps[0]).toBeCloseTo((2 - 0.05) / 2, 12);
    expect(steps.some((s) => s < 0)).toBe(true);
    expect(xs.filter((x) => x > 4.5 && x < 5.5).length).toBeGreaterThanOrEqual(10);
    expect(steps.at(-1)).toBeGreaterThan(1);
    expect(xs.at(-1)).toBeLessThan(10);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({
      plan_name: "adaptive_scan",
      plan_args: { target_field: "det", motor: "m1", min_step: 0.05, max_step: 2, backstep: true },
    });
  });

  it("without backstep, only ever steps forward, shortening the step after a big change", () => {
    const xs = positions(
      respond(adaptiveScan([det], "det", m1, 0, 10, 0.05, 2, 50, false), { readings: sees(edge) })
        .messages,
    );
    const steps = xs.slice(1).map((x, i) => x - xs[i]!);
    expect(steps.every((s) => s > 0)).toBe(true);
    const afterEdge = xs.findIndex((x) => x > 5);
    expect(steps[afterEdge]!).toBeLessThan(steps[afterEdge - 1]!);
  });

  it("grows the step up to maxStep on a flat signal", () => {
    const { messages } = respond(adaptiveScan([det], "det", m1, 0, 100, 0.1, 3, 1, false), {
      readings: sees(() => 7),
    });
    const xs = positions(messages);
    const steps = xs.slice(1).map((x, i) => x - xs[i]!);
    expect(steps.slice(1).every((s, i) => s >= steps[i]! - 1e-12)).toBe(true);
    expect(steps.at(-1)).toBeGreaterThan(2.9);
    expect(Math.max(...steps)).toBeLessThanOrEqual(3 + 1e-12);
  });

  it("scans downwards when stop < start, backsteps included, as the mirror image of upwards", () => {
    const up = positions(
      respond(adaptiveScan([det], "det", m1, 0, 10, 0.05, 2, 50, true), { readings: sees(edge) })
        .messages,
    );
    const down = positions(
      respond(adaptiveScan([det], "det", m1, 10, 0, 0.05, 2, 50, true), {
        readings: sees((x) => edge(10 - x)),
      }).messages,
    );
    expect(down).toHaveLength(up.length);
    down.forEach((x, i) => expect(x).toBeCloseTo(10 - up[i]!, 9));
  });

  it("fails with MissingReadingError when the target field is not read", () => {
    const { error } = respond(adaptiveScan([det], "nope", m1, 0, 10, 0.1, 1, 5, false));
    expect(error).toBeInstanceOf(MissingReadingError);
    expect((error as Error).message).toMatch(/"nope".*det, m1/);
  });

  it("refuses steps that are not 0 < minStep < maxStep", () => {
    expect(() => adaptiveScan([det], "det", m1, 0, 1, 0, 1, 1, false)).toThrow(RangeError);
    expect(() => adaptiveScan([det], "det", m1, 0, 1, 1, 1, 1, false)).toThrow(RangeError);
  });
});
