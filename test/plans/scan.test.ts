import { describe, expect, it } from "vitest";
import type { Plan, Readable } from "../../src/core/index.js";
import type { PositionCache, Step } from "../../src/plans/index.js";
import { listScan, relScan, scan, triggerAndRead } from "../../src/plans/index.js";
import { fakeDetector, fakeMotor, lines, only, respond } from "./responder.js";

const point = (position: number): string[] => [
  "checkpoint",
  `set m1 ${position}`,
  "wait",
  "trigger det",
  "wait",
  "create primary",
  "read det",
  "read m1",
  "save",
];

describe("scan", () => {
  it("stages, opens a run, steps through evenly spaced points, closes and unstages", () => {
    const det = fakeDetector("det");
    const m1 = fakeMotor("m1");
    const { messages, result } = respond(scan([det], m1, -1, 1, 3));
    expect(lines(messages)).toEqual([
      "stage det",
      "open_run",
      ...point(-1),
      ...point(0),
      ...point(1),
      "close_run",
      "unstage det",
    ]);
    expect(result).toBe("uid-1");
  });

  it("puts plan_name, JSON-friendly plan_args, counts and dimensions in the start document", () => {
    const m1 = fakeMotor("m1", ["m1_readback"]);
    const [openRun] = only(
      respond(scan([fakeDetector("det")], m1, -1, 1, 21)).messages,
      "open_run",
    );
    expect(openRun?.md).toEqual({
      detectors: ["det"],
      motors: ["m1"],
      num_points: 21,
      num_intervals: 20,
      plan_args: { detectors: ["det"], motor: "m1", start: -1, stop: 1, num: 21 },
      plan_name: "scan",
      hints: { dimensions: [[["m1_readback"], "primary"]] },
    });
    expect(JSON.parse(JSON.stringify(openRun?.md))).toEqual(openRun?.md);
  });

  it("lets the caller's md override the plan's own, hints key by key", () => {
    const md = { plan_name: "custom", sample: "Si", hints: { extra: 1 } };
    const m1 = fakeMotor("m1");
    const [openRun] = only(respond(scan([], m1, 0, 1, 2, { md })).messages, "open_run");
    expect(openRun?.md).toMatchObject({
      plan_name: "custom",
      sample: "Si",
      hints: { extra: 1, dimensions: [[["m1"], "primary"]] },
    });
  });

  it("falls back to the motor's name for dimensions when it has no hints", () => {
    const m1 = { name: "m1", set: fakeMotor("m1").set };
    const [openRun] = only(respond(scan([], m1, 0, 1, 2)).messages, "open_run");
    expect(openRun?.md?.hints).toEqual({ dimensions: [[["m1"], "primary"]] });
  });

  it("runs a custom perStep at each point and names it in plan_args", () => {
    const m1 = fakeMotor("m1");
    const seen: number[] = [];
    function* countsOnly(
      detectors: readonly Readable[],
      step: Step,
      _cache: PositionCache,
    ): Plan<void> {
      seen.push(step.get(m1)!);
      yield* triggerAndRead(detectors);
    }
    const { messages } = respond(scan([fakeDetector("det")], m1, 0, 2, 3, { perStep: countsOnly }));
    expect(seen).toEqual([0, 1, 2]);
    expect(only(messages, "set")).toEqual([]);
    expect(only(messages, "open_run")[0]?.md?.plan_args).toMatchObject({ per_step: "countsOnly" });
  });

  it("refuses a number of points that is not a whole number ≥ 1", () => {
    expect(() => scan([], fakeMotor("m1"), 0, 1, 0)).toThrow(RangeError);
    expect(() => scan([], fakeMotor("m1"), 0, 1, 2.5)).toThrow(RangeError);
  });
});

describe("relScan", () => {
  it("scans around the setpoint at the start and moves back there at the end", () => {
    const m1 = fakeMotor("m1");
    const { messages, positions } = respond(relScan([fakeDetector("det")], m1, -1, 1, 3), {
      positions: [[m1, 5]],
      readbackOffset: 0.01,
    });
    const sets = only(messages, "set").map((msg) => msg.value);
    expect(sets).toEqual([4, 5, 6, 5]);
    expect(positions.get(m1)).toBe(5);
    expect(lines(messages).slice(0, 6)).toEqual([
      "stage det",
      "open_run",
      "checkpoint",
      "locate m1", // the origin of the relative moves
      "locate m1", // where to go back to
      "set m1 4",
    ]);
    expect(lines(messages).slice(-3)).toEqual(["unstage det", "set m1 5", "wait"]);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({
      plan_name: "rel_scan",
      plan_args: { start: -1, stop: 1, num: 3 },
    });
  });

  it("moves back even when the scan fails", () => {
    const m1 = fakeMotor("m1");
    const fault = new Error("detector fault");
    const { messages, error, positions } = respond(relScan([fakeDetector("det")], m1, -1, 1, 3), {
      positions: [[m1, 2]],
      fail: (msg) => (msg.command === "trigger" ? fault : undefined),
    });
    expect(error).toBe(fault);
    expect(lines(messages).slice(-3)).toEqual(["unstage det", "set m1 2", "wait"]);
    expect(positions.get(m1)).toBe(2);
  });
});

describe("listScan", () => {
  it("visits the positions in the given order", () => {
    const m1 = fakeMotor("m1");
    const { messages } = respond(listScan([], m1, [3, 1, 2]));
    expect(only(messages, "set").map((msg) => msg.value)).toEqual([3, 1, 2]);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({
      plan_name: "list_scan",
      num_points: 3,
      plan_args: { detectors: [], motor: "m1", positions: [3, 1, 2] },
    });
  });

  it("refuses an empty list", () => {
    expect(() => listScan([], fakeMotor("m1"), [])).toThrow(RangeError);
  });
});
