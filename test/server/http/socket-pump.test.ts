import { describe, expect, it } from "vitest";
import { FanOut } from "../../../src/server/http/fan-out.js";
import type { PushSocket } from "../../../src/server/http/socket-pump.js";
import { highWater, pump } from "../../../src/server/http/socket-pump.js";

/** A stand-in for a `ws` socket whose writes finish only when the test says so. */
class StalledSocket implements PushSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Array<Record<string, unknown>> = [];
  readonly #pending: Array<(error?: Error) => void> = [];
  closedWith: { code: number; reason: string } | undefined;
  readonly #onClose: Array<() => void> = [];

  send(data: string, callback: (error?: Error) => void): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
    this.bufferedAmount += data.length;
    this.#pending.push(callback);
  }

  /** The network took everything buffered. */
  drain(): void {
    this.bufferedAmount = 0;
    for (const done of this.#pending.splice(0)) done();
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
    this.readyState = 2;
  }

  once(_event: "close", listener: () => void): void {
    this.#onClose.push(listener);
  }

  hangUp(): void {
    this.readyState = 3;
    for (const listener of this.#onClose) listener();
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const frame = (m: { seq: number; payload: string; dropped?: number }) => JSON.stringify(m);

describe("pump", () => {
  it("sends in order while the socket has room, and more as each send completes", async () => {
    const feed = new FanOut<string>();
    const socket = new StalledSocket();
    pump(socket, feed, "lossless", 10, frame);
    feed.publish("a");
    feed.publish("b");
    await turn();
    expect(socket.sent.map((m) => m.payload)).toEqual(["a", "b"]);

    socket.bufferedAmount = highWater;
    feed.publish("c");
    await turn();
    expect(socket.sent).toHaveLength(2);
    socket.drain();
    await turn();
    expect(socket.sent.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("closes a lossless socket with 1008 when it falls a whole queue behind; publishing goes on", async () => {
    const feed = new FanOut<string>();
    const stalled = new StalledSocket();
    const healthy = new StalledSocket();
    pump(stalled, feed, "lossless", 3, frame);
    pump(healthy, feed, "lossless", 3, frame);
    stalled.bufferedAmount = highWater;
    for (let i = 0; i < 10; i += 1) {
      feed.publish(`m${i}`);
      await turn();
      healthy.drain();
    }
    expect(stalled.closedWith?.code).toBe(1008);
    expect(stalled.closedWith?.reason).toMatch(/more than 3 messages behind/);
    expect(stalled.sent).toHaveLength(0);
    expect(healthy.sent.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(feed.subscriberCount).toBe(1);
  });

  it("tells a lossy socket how many messages it missed", async () => {
    const feed = new FanOut<string>();
    const socket = new StalledSocket();
    pump(socket, feed, "lossy", 2, frame);
    socket.bufferedAmount = highWater;
    for (const text of ["a", "b", "c", "d", "e"]) feed.publish(text);
    socket.drain();
    await turn();
    expect(socket.sent).toEqual([
      { seq: 4, payload: "d", dropped: 3 },
      { seq: 5, payload: "e" },
    ]);
    expect(socket.closedWith).toBeUndefined();
  });

  it("forgets a socket once it has closed", async () => {
    const feed = new FanOut<string>();
    const socket = new StalledSocket();
    pump(socket, feed, "lossless", 2, frame);
    socket.hangUp();
    feed.publish("a");
    await turn();
    expect(socket.sent).toEqual([]);
    expect(feed.subscriberCount).toBe(0);
  });
});
