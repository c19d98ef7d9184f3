import { describe, expect, it } from "vitest";
import {
  destinationIndex,
  insertionIndex,
  itemIndex,
  moveBatch,
  moveOne,
} from "../../../src/server/queue/queue-positions.js";

const order = ["a", "b", "c", "d"];

describe("queue positions", () => {
  it("inserts as Python's list.insert counts", () => {
    expect(insertionIndex(4, "front")).toBe(0);
    expect(insertionIndex(4, "back")).toBe(4);
    expect(insertionIndex(4, 2)).toBe(2);
    expect(insertionIndex(4, 10)).toBe(4);
    expect(insertionIndex(4, -1)).toBe(3);
    expect(insertionIndex(4, -10)).toBe(0);
    expect(() => insertionIndex(4, 1.5)).toThrow(/not an integer/);
  });

  it("finds items from either end and nothing past them", () => {
    expect(itemIndex(4, "back")).toBe(3);
    expect(itemIndex(4, -1)).toBe(3);
    expect(itemIndex(4, -4)).toBe(0);
    expect(itemIndex(4, -5)).toBeUndefined();
    expect(itemIndex(4, 4)).toBeUndefined();
    expect(itemIndex(0, "front")).toBeUndefined();
  });

  it("places new items beside a uid, never before the running item", () => {
    expect(destinationIndex(order, { before_uid: "c" }, undefined)).toBe(2);
    expect(destinationIndex(order, { after_uid: "c" }, undefined)).toBe(3);
    expect(destinationIndex(order, { after_uid: "r" }, "r")).toBe(0);
    expect(() => destinationIndex(order, { before_uid: "r" }, "r")).toThrow(/running/);
    expect(() => destinationIndex(order, { before_uid: "x" }, undefined)).toThrow(/'x'/);
    expect(() => destinationIndex(order, { pos: 1, after_uid: "a" }, undefined)).toThrow(
      /ambiguous/,
    );
  });

  it("moves one item to a final index or beside another", () => {
    expect(moveOne(order, 0, { pos_dest: 2 })).toEqual(["b", "c", "a", "d"]);
    expect(moveOne(order, 3, { pos_dest: 1 })).toEqual(["a", "d", "b", "c"]);
    expect(moveOne(order, 0, { pos_dest: "back" })).toEqual(["b", "c", "d", "a"]);
    expect(moveOne(order, 3, { pos_dest: "front" })).toEqual(["d", "a", "b", "c"]);
    expect(moveOne(order, 0, { after_uid: "c" })).toEqual(["b", "c", "a", "d"]);
    expect(moveOne(order, 3, { before_uid: "b" })).toEqual(["a", "d", "b", "c"]);
    expect(moveOne(order, 1, { before_uid: "b" })).toEqual(order);
    expect(() => moveOne(order, 0, { pos_dest: 4 })).toThrow(/out of range/);
  });

  it("moves a batch in the given order or the queue's", () => {
    expect(moveBatch(order, ["d", "b"], { pos_dest: "front" }, false)).toEqual([
      "d",
      "b",
      "a",
      "c",
    ]);
    expect(moveBatch(order, ["d", "b"], { pos_dest: "front" }, true)).toEqual(["b", "d", "a", "c"]);
    expect(moveBatch(order, ["a", "b"], { after_uid: "c" }, false)).toEqual(["c", "a", "b", "d"]);
    expect(() => moveBatch(order, ["a", "b"], { after_uid: "b" }, false)).toThrow(/in the batch/);
    expect(() => moveBatch(order, ["a", "x"], { pos_dest: "back" }, false)).toThrow(/'x'/);
    expect(() => moveBatch(order, ["a", "a"], { pos_dest: "back" }, false)).toThrow(/twice/);
    expect(() => moveBatch(order, ["a"], { pos_dest: 2 }, false)).toThrow(/front' or 'back/);
  });
});
