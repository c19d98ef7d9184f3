import { describe, expect, it } from "vitest";
import { TurnQueue } from "../../src/transports/turn-queue.js";

describe("TurnQueue", () => {
  it("starts one item at a time, in order, each when the one before is done", () => {
    const started: string[] = [];
    const turns = new TurnQueue<string>((item) => started.push(item));
    turns.push("a");
    turns.push("b");
    turns.push("c");
    expect(started).toEqual(["a"]);
    expect(turns.current).toBe("a");
    turns.done("b"); // not its turn: nothing moves
    expect(started).toEqual(["a"]);
    turns.done("a");
    expect([started, turns.current]).toEqual([["a", "b"], "b"]);
    expect(turns.drain()).toEqual(["c"]);
    turns.done("b");
    expect([started, turns.current]).toEqual([["a", "b"], undefined]);
  });

  it("goes through a hundred thousand items that end as they start without deepening the stack", () => {
    let count = 0;
    const turns: TurnQueue<number> = new TurnQueue((item) => {
      if (item === 0) return; // the first holds its turn while the rest queue behind it
      count++;
      turns.done(item);
    });
    for (let i = 0; i <= 100_000; i++) turns.push(i);
    expect(count).toBe(0);
    turns.done(0);
    expect(count).toBe(100_000);
    expect(turns.current).toBeUndefined();
  });
});
