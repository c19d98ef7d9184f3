import { describe, expect, it } from "vitest";
import { count } from "../../src/plans/index.js";
import { fakeDetector, fakeGauge, lines, only, respond } from "./responder.js";

const shot = [
  "checkpoint",
  "trigger det",
  "wait",
  "create primary",
  "read det",
  "read gauge",
  "save",
];

describe("count", () => {
  const det = fakeDetector("det");
  const gauge = fakeGauge("gauge");

  it("takes one reading by default, inside a staged run", () => {
    const { messages, result } = respond(count([det, gauge]));
    expect(lines(messages)).toEqual(["stage det", "open_run", ...shot, "close_run", "unstage det"]);
    expect(result).toBe("uid-1");
    expect(only(messages, "open_run")[0]?.md).toEqual({
      detectors: ["det", "gauge"],
      num_points: 1,
      num_intervals: 0,
      plan_args: { detectors: ["det", "gauge"], num: 1, delay: 0 },
      plan_name: "count",
      hints: { dimensions: [[["time"], "primary"]] },
    });
  });

  it("sleeps the delay between readings, not after the last", () => {
    const { messages } = respond(count([det, gauge], { num: 3, delay: 0.5 }));
    expect(lines(messages).slice(2, -2)).toEqual([
      ...shot,
      "sleep 0.5",
      ...shot,
      "sleep 0.5",
      ...shot,
    ]);
  });

  it("counts without end when num is Infinity, with no number of points in the metadata", () => {
    const plan = count([det], { num: Infinity, md: { sample: "Si" } });
    const first = plan.next();
    expect(first.value).toEqual({ command: "stage", obj: det });
    const open = plan.next();
    expect(open.value).toMatchObject({
      command: "open_run",
      md: { plan_args: { num: null }, sample: "Si" },
    });
    expect(open.value).not.toHaveProperty("md.num_points");
    let triggers = 0;
    for (let i = 0; i < 1000; i++) {
      const step = plan.next(undefined);
      if (step.done) throw new Error("an endless count ended");
      if (step.value.command === "trigger") triggers += 1;
    }
    expect(triggers).toBeGreaterThan(100);
  });

  it("refuses a bad number of readings or a negative delay", () => {
    expect(() => count([det], { num: 0 })).toThrow(RangeError);
    expect(() => count([det], { num: 1.5 })).toThrow(RangeError);
    expect(() => count([det], { delay: -1 })).toThrow(RangeError);
  });
});
