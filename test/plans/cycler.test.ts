import { describe, expect, it } from "vitest";
import type { Movable } from "../../src/core/index.js";
import type { Cycler } from "../../src/plans/index.js";
import { cycler, linspace } from "../../src/plans/index.js";
import { fakeMotor } from "./responder.js";

const x = fakeMotor("x");
const y = fakeMotor("y");
const z = fakeMotor("z");

/** The points as arrays of positions in key order. */
function points(c: Cycler): number[][] {
  return [...c].map((point) => c.keys.map((key) => point.get(key as Movable<number>)!));
}

describe("cycler", () => {
  it("iterates one Map per point, keyed by motor", () => {
    const c = cycler(x, [1, 2, 3]);
    expect(c.length).toBe(3);
    expect(c.keys).toEqual([x]);
    expect([...c]).toEqual([new Map([[x, 1]]), new Map([[x, 2]]), new Map([[x, 3]])]);
  });

  it("add zips two cyclers of the same length (inner product)", () => {
    const c = cycler(x, [1, 2]).add(cycler(y, [10, 20]));
    expect(c.keys).toEqual([x, y]);
    expect(points(c)).toEqual([
      [1, 10],
      [2, 20],
    ]);
    expect(() => cycler(x, [1, 2]).add(cycler(y, [1]))).toThrow(RangeError);
  });

  it("mul nests the second inside the first (outer product)", () => {
    const c = cycler(x, [1, 2]).mul(cycler(y, [10, 20, 30]));
    expect(c.length).toBe(6);
    expect(points(c)).toEqual([
      [1, 10],
      [1, 20],
      [1, 30],
      [2, 10],
      [2, 20],
      [2, 30],
    ]);
  });

  it("mul with snake winds the inner axis back on every other outer point", () => {
    const c = cycler(x, [1, 2, 3]).mul(cycler(y, [10, 20]), { snake: true });
    expect(points(c)).toEqual([
      [1, 10],
      [1, 20],
      [2, 20],
      [2, 10],
      [3, 10],
      [3, 20],
    ]);
  });

  it("snakes the fastest axis of three on every point of the two slower ones", () => {
    const c = cycler(x, [0, 1])
      .mul(cycler(y, [0, 1]))
      .mul(cycler(z, [0, 1]), { snake: true });
    expect(points(c).map((p) => p.join(""))).toEqual([
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

  it("concat appends points of the same motors", () => {
    const c = cycler(x, [1])
      .add(cycler(y, [2]))
      .concat(cycler(x, [3]).add(cycler(y, [4])));
    expect(points(c)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(() => cycler(x, [1]).concat(cycler(y, [1]))).toThrow(RangeError);
  });

  it("refuses a motor in both cyclers", () => {
    expect(() => cycler(x, [1]).mul(cycler(x, [2]))).toThrow(/x cannot be in both/);
  });

  it("reports positions by key and by name", () => {
    const c = cycler(x, [1, 2]).add(cycler(y, [3, 4]));
    expect(c.byKey().get(y)).toEqual([3, 4]);
    expect(c.toJSON()).toEqual({ x: [1, 2], y: [3, 4] });
    expect(points(c.reversed())).toEqual([
      [2, 4],
      [1, 3],
    ]);
  });
});

describe("linspace", () => {
  it("spaces num points evenly, both ends included exactly", () => {
    expect(linspace(-1, 1, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(linspace(0, 1, 50).at(-1)).toBe(1); // 49 × (1 / 49) would be 0.9999999999999999
    expect(linspace(-1, 0.3, 7).at(-1)).toBe(0.3);
    expect(linspace(2, 0, 3)).toEqual([2, 1, 0]);
    expect(linspace(7, 9, 1)).toEqual([7]);
  });

  it("refuses a number of points that is not a whole number ≥ 1", () => {
    expect(() => linspace(0, 1, 0)).toThrow(RangeError);
    expect(() => linspace(0, 1, 1.5)).toThrow(RangeError);
  });
});
