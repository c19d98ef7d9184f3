import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/index.js";
import { absSet, mv, mvr, positionOf, relSet } from "../../src/plans/index.js";
import { fakeGauge, fakeMotor, lines, respond } from "./responder.js";

describe("absSet", () => {
  const m1 = fakeMotor("m1");

  it("yields one set and returns the engine's Status without waiting by default", () => {
    const status = Status.finished();
    const { messages, result } = respond(absSet(m1, 3), { onSet: () => status });
    expect(messages).toStrictEqual([{ command: "set", obj: m1, value: 3 }]);
    expect(result).toBe(status);
  });

  it("with wait, waits on a fresh group of its own", () => {
    const first = respond(absSet(m1, 3, { wait: true })).messages;
    const second = respond(absSet(m1, 4, { wait: true })).messages;
    const [set1, wait1] = first;
    expect(lines(first)).toEqual(["set m1 3", "wait"]);
    expect(set1).toMatchObject({ group: expect.any(String) });
    expect(wait1).toEqual({ command: "wait", group: (set1 as { group: string }).group });
    expect((second[0] as { group: string }).group).not.toBe((set1 as { group: string }).group);
  });

  it("uses the caller's group, and waits on it when asked", () => {
    expect(respond(absSet(m1, 3, { group: "g" })).messages).toEqual([
      { command: "set", obj: m1, value: 3, group: "g" },
    ]);
    expect(respond(absSet(m1, 3, { group: "g", wait: true })).messages[1]).toEqual({
      command: "wait",
      group: "g",
    });
  });
});

describe("relSet", () => {
  it("locates, then sets relative to the setpoint, not the noisy readback", () => {
    const m1 = fakeMotor("m1");
    const { messages } = respond(relSet(m1, 0.5), { positions: [[m1, 2]], readbackOffset: 0.1 });
    expect(lines(messages)).toEqual(["locate m1", "set m1 2.5"]);
  });
});

describe("positionOf", () => {
  it("reads a device that cannot be located and takes its hinted field", () => {
    const setter = {
      ...fakeGauge("temp"),
      hints: { fields: ["temp_rbv"] },
      set: () => Status.finished(),
    };
    const { messages, result } = respond(positionOf(setter), {
      readings: () => ({
        temp_sp: { value: 1, timestamp: 0 },
        temp_rbv: { value: 290, timestamp: 0 },
      }),
    });
    expect(lines(messages)).toEqual(["read temp"]);
    expect(result).toBe(290);
  });

  it("refuses a device it can neither locate nor read", () => {
    const blind = { name: "shutter", set: () => Status.finished() };
    expect(respond(positionOf(blind)).error).toBeInstanceOf(TypeError);
  });
});

describe("mv and mvr", () => {
  const m1 = fakeMotor("m1");
  const m2 = fakeMotor("m2");

  it("mv starts every move in one group, then waits once, and returns the statuses", () => {
    const { messages, result } = respond(mv([m1, 1], [m2, 2]));
    expect(lines(messages)).toEqual(["set m1 1", "set m2 2", "wait"]);
    const groups = messages.map((msg) => (msg as { group?: string }).group);
    expect(new Set(groups).size).toBe(1);
    expect(groups[0]).toEqual(expect.any(String));
    expect(result).toHaveLength(2);
  });

  it("mv refuses the same movable twice", () => {
    expect(respond(mv([m1, 1], [m1, 2])).error).toBeInstanceOf(RangeError);
  });

  it("mvr locates every motor first, then moves them together by their deltas", () => {
    const { messages } = respond(mvr([m1, 1], [m2, -1]), {
      positions: [
        [m1, 10],
        [m2, 20],
      ],
    });
    expect(lines(messages)).toEqual(["locate m1", "locate m2", "set m1 11", "set m2 19", "wait"]);
  });
});
