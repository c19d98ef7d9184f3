import { describe, expect, it } from "vitest";
import { gridScan, listGridScan, relGridScan } from "../../src/plans/index.js";
import { fakeDetector, fakeMotor, only, respond } from "./responder.js";
import type { Msg } from "../../src/core/index.js";

const m1 = fakeMotor("m1");
const m2 = fakeMotor("m2");
const m3 = fakeMotor("m3");

/** The position of every motor at each saved point, from the sets since the start. */
function visited(messages: readonly Msg[], motors = [m1, m2]): number[][] {
  const at = new Map<object, number>();
  const points: number[][] = [];
  for (const msg of messages) {
    if (msg.command === "set" && typeof msg.value === "number") at.set(msg.obj, msg.value);
    if (msg.command === "save") points.push(motors.map((m) => at.get(m)!));
  }
  return points;
}

describe("gridScan", () => {
  it("runs the last axis fastest and flies back without snaking", () => {
    const { messages } = respond(
      gridScan(
        [],
        [
          [m1, 0, 1, 2],
          [m2, 10, 30, 3],
        ],
      ),
    );
    expect(visited(messages)).toEqual([
      [0, 10],
      [0, 20],
      [0, 30],
      [1, 10],
      [1, 20],
      [1, 30],
    ]);
  });

  it("winds the inner axis back and forth with snake: true", () => {
    const { messages } = respond(
      gridScan(
        [],
        [
          [m1, 0, 2, 3],
          [m2, 10, 20, 2],
        ],
        { snake: true },
      ),
    );
    expect(visited(messages)).toEqual([
      [0, 10],
      [0, 20],
      [1, 20],
      [1, 10],
      [2, 10],
      [2, 20],
    ]);
    // the inner motor stays put when the row changes
    expect(only(messages, "set").map((msg) => msg.obj.name)).toEqual([
      "m1",
      "m2",
      "m2",
      "m1",
      "m2",
      "m1",
      "m2",
    ]);
  });

  it("snakes only the axes flagged", () => {
    const axes = [
      [m1, 0, 1, 2],
      [m2, 0, 1, 2],
      [m3, 0, 1, 2],
    ] as const;
    const { messages } = respond(gridScan([], axes, { snake: [false, false, true] }));
    expect(visited(messages, [m1, m2, m3]).map((p) => p.join(""))).toEqual([
      "000",
      "001",
      "011",
      "010",
      "100",
      "101",
      "111",
      "110",
    ]);
  });

  it("refuses to snake the slowest axis or a wrong number of flags", () => {
    expect(() =>
      gridScan(
        [],
        [
          [m1, 0, 1, 2],
          [m2, 0, 1, 2],
        ],
        { snake: [true, false] },
      ),
    ).toThrow(RangeError);
    expect(() =>
      gridScan(
        [],
        [
          [m1, 0, 1, 2],
          [m2, 0, 1, 2],
        ],
        { snake: [false] },
      ),
    ).toThrow(RangeError);
    expect(() =>
      gridScan(
        [],
        [
          [m1, 0, 1, 2],
          [m1, 0, 1, 2],
        ],
      ),
    ).toThrow(RangeError);
    expect(() => gridScan([], [])).toThrow(RangeError);
  });

  it("describes the grid: shape, extents, snaking, rectilinear gridding, one dimension per motor", () => {
    const det = fakeDetector("det");
    const [open] = only(
      respond(
        gridScan(
          [det],
          [
            [m1, -1, 1, 3],
            [m2, 0, 4, 5],
          ],
          { snake: true },
        ),
      ).messages,
      "open_run",
    );
    expect(open?.md).toMatchObject({
      plan_name: "grid_scan",
      detectors: ["det"],
      motors: ["m1", "m2"],
      num_points: 15,
      num_intervals: 14,
      shape: [3, 5],
      extents: [
        [-1, 1],
        [0, 4],
      ],
      snaking: [false, true],
      plan_args: { detectors: ["det"], args: ["m1", -1, 1, 3, "m2", 0, 4, 5, true] },
      hints: {
        gridding: "rectilinear",
        dimensions: [
          [["m1"], "primary"],
          [["m2"], "primary"],
        ],
      },
    });
  });
});

describe("relGridScan", () => {
  it("moves relative to the starting positions and back to them at the end", () => {
    const { messages, positions } = respond(
      relGridScan(
        [],
        [
          [m1, -1, 1, 2],
          [m2, 0, 1, 2],
        ],
      ),
      {
        positions: [
          [m1, 10],
          [m2, 20],
        ],
      },
    );
    expect(visited(messages).slice(0, 4)).toEqual([
      [9, 20],
      [9, 21],
      [11, 20],
      [11, 21],
    ]);
    expect([positions.get(m1), positions.get(m2)]).toEqual([10, 20]);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({ plan_name: "rel_grid_scan" });
  });
});

describe("listGridScan", () => {
  it("visits the product of the listed positions, snaking when asked", () => {
    const { messages } = respond(
      listGridScan(
        [],
        [
          [m1, [5, 1]],
          [m2, [0, 2, 1]],
        ],
        { snake: true },
      ),
    );
    expect(visited(messages)).toEqual([
      [5, 0],
      [5, 2],
      [5, 1],
      [1, 1],
      [1, 2],
      [1, 0],
    ]);
    expect(only(messages, "open_run")[0]?.md).toMatchObject({
      plan_name: "list_grid_scan",
      shape: [2, 3],
      extents: [
        [1, 5],
        [0, 2],
      ],
      plan_args: { args: ["m1", [5, 1], "m2", [0, 2, 1]], snaking: [false, true] },
    });
  });

  it("refuses an axis without positions", () => {
    expect(() => listGridScan([], [[m1, []]])).toThrow(RangeError);
  });
});
