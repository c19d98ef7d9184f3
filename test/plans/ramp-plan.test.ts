import { describe, expect, it } from "vitest";
import type { Clock, Readable } from "../../src/core/index.js";
import { Status } from "../../src/core/index.js";
import { RampTimeoutError, absSet, rampPlan, triggerAndRead } from "../../src/plans/index.js";
import type { ResponderOptions } from "./responder.js";
import { fakeDetector, fakeGauge, fakeMotor, lines, only, respond } from "./responder.js";

/** A clock the test moves by hand: one second per read of the detector. */
class HandClock implements Clock {
  time = 0;
  now(): number {
    return this.time;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
  schedule(): { cancel(): void } {
    return { cancel: () => undefined };
  }
}

const det = fakeDetector("det");
const gauge = fakeGauge("gauge");
const m1 = fakeMotor("m1");

/** The engine: the ramp's Status runs on the hand clock; `end` decides when it finishes. */
function ramping(end: (status: Status, reads: number) => void): ResponderOptions {
  const clock = new HandClock();
  let status: Status | undefined;
  let reads = 0;
  return {
    onSet: () => (status = new Status({ clock })),
    readings: (obj: Readable) => {
      if (obj === det) {
        clock.time += 1;
        reads += 1;
        if (status) end(status, reads);
      }
      return { [obj.name]: { value: clock.time, timestamp: clock.time } };
    },
  };
}

describe("rampPlan", () => {
  const point = ["trigger det", "wait", "create primary", "read det", "save"];

  it("takes a point before the ramp, points until its Status is done, and one after", () => {
    const elapsed: number[] = [];
    const inner = (seconds: number) => {
      elapsed.push(seconds);
      return triggerAndRead([det]);
    };
    const { messages, result, error } = respond(
      rampPlan(absSet(m1, 10), [], inner),
      ramping((status, reads) => reads === 4 && status.finish()),
    );
    expect(error).toBeUndefined();
    expect(result).toBe("uid-1");
    expect(lines(messages)).toEqual([
      "open_run",
      ...point,
      "set m1 10",
      ...point,
      ...point,
      ...point,
      ...point,
      "close_run",
    ]);
    expect(elapsed).toEqual([0, 0, 1, 2, 3]);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({ plan_name: "ramp_plan" });
  });

  it("reads the monitor devices into their own stream at every point", () => {
    const { messages } = respond(
      rampPlan(absSet(m1, 10), [gauge], () => triggerAndRead([det]), { takePreData: false }),
      ramping((status, reads) => reads === 1 && status.finish()),
    );
    expect(lines(messages)).toEqual([
      "open_run",
      "set m1 10",
      ...point,
      "create monitor",
      "read gauge",
      "save",
      ...point,
      "create monitor",
      "read gauge",
      "save",
      "close_run",
    ]);
  });

  it("keeps to the period by sleeping what the point left of it", () => {
    const { messages } = respond(
      rampPlan(absSet(m1, 10), [], () => triggerAndRead([det]), { period: 2.5 }),
      ramping((status, reads) => reads === 3 && status.finish()),
    );
    expect(only(messages, "sleep").map((msg) => msg.seconds)).toEqual([1.5]);
  });

  it("fails with RampTimeoutError when the ramp outlasts the timeout", () => {
    const { messages, error } = respond(
      rampPlan(absSet(m1, 10), [], () => triggerAndRead([det]), { timeout: 2.5 }),
      ramping(() => undefined),
    );
    expect(error).toBeInstanceOf(RampTimeoutError);
    expect(only(messages, "save")).toHaveLength(4); // pre, then 1 s, 2 s, 3 s > 2.5 s
    expect(only(messages, "close_run")).toHaveLength(0);
  });

  it("fails with the ramp's error when its Status fails", () => {
    const fault = new Error("heater tripped");
    const { messages, error } = respond(
      rampPlan(absSet(m1, 10), [], () => triggerAndRead([det])),
      ramping((status, reads) => reads === 2 && status.fail(fault)),
    );
    expect(error).toBe(fault);
    expect(only(messages, "save")).toHaveLength(3);
  });
});
