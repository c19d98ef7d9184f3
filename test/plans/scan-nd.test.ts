import { describe, expect, it } from "vitest";
import { cycler, scanNd } from "../../src/plans/index.js";
import { fakeDetector, fakeMotor, lines, only, respond } from "./responder.js";

describe("scanNd", () => {
  const det = fakeDetector("det");
  const m1 = fakeMotor("m1");
  const m2 = fakeMotor("m2", ["m2_rbv"]);

  it("moves only the motors whose position changes from one point to the next", () => {
    const path = cycler(m1, [0, 1]).mul(cycler(m2, [5, 6]));
    const { messages } = respond(scanNd([det], path));
    expect(lines(only(messages, "set"))).toEqual([
      "set m1 0",
      "set m2 5",
      "set m2 6",
      "set m1 1",
      "set m2 5",
      "set m2 6",
    ]);
    expect(only(messages, "save")).toHaveLength(4);
    expect(only(messages, "checkpoint")).toHaveLength(4);
  });

  it("describes the run: scan_nd, the motors, counts and one dimension per motor", () => {
    const path = cycler(m1, [0, 1, 2]).add(cycler(m2, [3, 4, 5]));
    const [open] = only(respond(scanNd([det], path)).messages, "open_run");
    expect(open?.md).toEqual({
      detectors: ["det"],
      motors: ["m1", "m2"],
      num_points: 3,
      num_intervals: 2,
      plan_args: { detectors: ["det"], cycler: { m1: [0, 1, 2], m2: [3, 4, 5] } },
      plan_name: "scan_nd",
      hints: {
        dimensions: [
          [["m1"], "primary"],
          [["m2_rbv"], "primary"],
        ],
      },
    });
  });

  it("stages the detectors and the stageable motors, and unstages them when a move fails", () => {
    const stageableMotor = { ...fakeMotor("m3"), stage: det.stage, unstage: det.unstage };
    const fault = new Error("limit switch");
    const { messages, error } = respond(scanNd([det], cycler(stageableMotor, [0, 1])), {
      fail: (msg) => (msg.command === "wait" ? fault : undefined),
    });
    expect(error).toBe(fault);
    expect(lines(messages)).toEqual([
      "stage det",
      "stage m3",
      "open_run",
      "checkpoint",
      "set m3 0",
      "wait",
      "unstage m3",
      "unstage det",
    ]);
  });
});
