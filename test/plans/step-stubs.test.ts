import { describe, expect, it } from "vitest";
import type { Movable } from "../../src/core/index.js";
import type { PositionCache } from "../../src/plans/index.js";
import { movePerStep, oneNdStep, triggerAndRead } from "../../src/plans/index.js";
import { fakeDetector, fakeGauge, fakeMotor, lines, only, respond } from "./responder.js";

describe("triggerAndRead", () => {
  const det1 = fakeDetector("det1");
  const det2 = fakeDetector("det2");
  const gauge = fakeGauge("gauge");

  it("triggers all triggerables in one group, waits, then reads all into one event", () => {
    const { messages, result } = respond(triggerAndRead([det1, gauge, det2, det1]));
    expect(lines(messages)).toEqual([
      "trigger det1",
      "trigger det2",
      "wait",
      "create primary",
      "read det1",
      "read gauge",
      "read det2",
      "save",
    ]);
    const [t1, t2, waitMsg] = messages as Array<{ group?: string }>;
    expect(t1?.group).toEqual(expect.any(String));
    expect(t2?.group).toBe(t1?.group);
    expect(waitMsg?.group).toBe(t1?.group);
    expect(result).toEqual({
      det1: { value: 1, timestamp: 0 },
      gauge: { value: 1, timestamp: 0 },
      det2: { value: 1, timestamp: 0 },
    });
  });

  it("skips the wait when nothing can be triggered, and uses the given stream", () => {
    const { messages } = respond(triggerAndRead([gauge], { stream: "baseline" }));
    expect(lines(messages)).toEqual(["create baseline", "read gauge", "save"]);
  });

  it("drops the bundle when a read fails, and passes the error on", () => {
    const fault = new Error("read failed");
    const { messages, error } = respond(triggerAndRead([det1, det2]), {
      fail: (msg) => (msg.command === "read" && msg.obj === det2 ? fault : undefined),
    });
    expect(error).toBe(fault);
    expect(lines(messages).slice(-2)).toEqual(["read det2", "drop"]);
  });
});

describe("movePerStep and oneNdStep", () => {
  const m1 = fakeMotor("m1");
  const m2 = fakeMotor("m2");

  it("moves only the motors whose target changed, after a checkpoint, then waits", () => {
    const cache: PositionCache = new Map();
    const step = (a: number, b: number): Map<Movable<number>, number> =>
      new Map([
        [m1, a],
        [m2, b],
      ]);
    const first = respond(movePerStep(step(0, 0), cache)).messages;
    const second = respond(movePerStep(step(0, 1), cache)).messages;
    const third = respond(movePerStep(step(0, 1), cache)).messages;
    expect(lines(first)).toEqual(["checkpoint", "set m1 0", "set m2 0", "wait"]);
    expect(lines(second)).toEqual(["checkpoint", "set m2 1", "wait"]);
    expect(lines(third)).toEqual(["checkpoint", "wait"]);
    expect(only(first, "wait")[0]?.group).toBe(only(first, "set")[0]?.group);
    expect(cache.get(m2)).toBe(1);
  });

  it("oneNdStep moves, then triggers and reads the detectors and the motors", () => {
    const det = fakeDetector("det");
    const { messages, result } = respond(oneNdStep([det], new Map([[m1, 2]]), new Map()));
    expect(lines(messages)).toEqual([
      "checkpoint",
      "set m1 2",
      "wait",
      "trigger det",
      "wait",
      "create primary",
      "read det",
      "read m1",
      "save",
    ]);
    expect(result).toMatchObject({ m1: { value: 2 } });
  });
});
