import { describe, expect, it } from "vitest";
import { ConsoleBuffer } from "../../../src/server/http/console-buffer.js";
import type { Delivery, Numbered, Subscriber } from "../../../src/server/http/fan-out.js";
import { FanOut } from "../../../src/server/http/fan-out.js";

function subscriberOf(feed: FanOut<string>, delivery: Delivery, capacity: number) {
  const events: string[] = [];
  const subscriber = feed.subscribe({
    delivery,
    capacity,
    ready: () => events.push("ready"),
    overflow: () => events.push("overflow"),
  });
  return { subscriber, events };
}

function drain(subscriber: Subscriber<string>): Array<Numbered<string>> {
  const taken: Array<Numbered<string>> = [];
  for (let next = subscriber.take(); next !== undefined; next = subscriber.take()) taken.push(next);
  return taken;
}

describe("FanOut", () => {
  it("numbers messages in order and gives every subscriber all of them", () => {
    const feed = new FanOut<string>();
    const a = subscriberOf(feed, "lossless", 10);
    const b = subscriberOf(feed, "lossy", 10);
    expect(feed.publish("x")).toBe(1);
    expect(feed.publish("y")).toBe(2);
    expect(drain(a.subscriber)).toEqual([
      { seq: 1, payload: "x" },
      { seq: 2, payload: "y" },
    ]);
    expect(drain(b.subscriber).map((m) => m.payload)).toEqual(["x", "y"]);
    expect(feed.seq).toBe(2);
  });

  it("says ready when an empty queue gets a message, not for each message", () => {
    const feed = new FanOut<string>();
    const { subscriber, events } = subscriberOf(feed, "lossless", 10);
    feed.publish("a");
    feed.publish("b");
    expect(events).toEqual(["ready"]);
    drain(subscriber);
    feed.publish("c");
    expect(events).toEqual(["ready", "ready"]);
  });

  it("cuts a lossless subscriber off when it falls a whole queue behind, and only it", () => {
    const feed = new FanOut<string>();
    const slow = subscriberOf(feed, "lossless", 3);
    const fast = subscriberOf(feed, "lossless", 3);
    const fastSeen: string[] = [];
    for (const text of ["a", "b", "c", "d", "e"]) {
      feed.publish(text);
      fastSeen.push(...drain(fast.subscriber).map((m) => m.payload));
    }
    expect(slow.events).toEqual(["ready", "overflow"]);
    expect(slow.subscriber.closed).toBe(true);
    expect(slow.subscriber.take()).toBeUndefined();
    expect(fastSeen).toEqual(["a", "b", "c", "d", "e"]);
    expect(feed.subscriberCount).toBe(1);
  });

  it("drops the oldest for a lossy subscriber and counts them on the next message taken", () => {
    const feed = new FanOut<string>();
    const { subscriber, events } = subscriberOf(feed, "lossy", 3);
    for (const text of ["a", "b", "c", "d", "e"]) feed.publish(text);
    expect(events).toEqual(["ready"]);
    expect(subscriber.dropped).toBe(2);
    expect(drain(subscriber)).toEqual([
      { seq: 3, payload: "c", dropped: 2 },
      { seq: 4, payload: "d" },
      { seq: 5, payload: "e" },
    ]);
    feed.publish("f");
    expect(subscriber.take()).toEqual({ seq: 6, payload: "f" });
  });

  it("forgets a closed subscriber", () => {
    const feed = new FanOut<string>();
    const { subscriber } = subscriberOf(feed, "lossy", 3);
    feed.publish("a");
    subscriber.close();
    feed.publish("b");
    expect(subscriber.take()).toBeUndefined();
    expect(feed.subscriberCount).toBe(0);
  });

  it("refuses a queue with no room", () => {
    expect(() => subscriberOf(new FanOut<string>(), "lossy", 0)).toThrow(RangeError);
  });
});

describe("ConsoleBuffer", () => {
  it("keeps the last lines and gives the last N as text", () => {
    const buffer = new ConsoleBuffer(3);
    for (let i = 1; i <= 8; i += 1) buffer.push({ time: i, msg: `line ${i}` });
    expect(buffer.last().map((l) => l.msg)).toEqual(["line 6", "line 7", "line 8"]);
    expect(buffer.text(2)).toBe("line 7\nline 8\n");
    expect(buffer.text(0)).toBe("");
    expect(buffer.text(10)).toBe("line 6\nline 7\nline 8\n");
  });
});
