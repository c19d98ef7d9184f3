// The circuit's send path without sockets: batching, coalescing under back-pressure and
// EVENTS_OFF, and replies never dropped.
import { describe, expect, it } from "vitest";
import { SendQueue, type MonitorSlot } from "../../../src/ca/server/send-queue.js";

function harness(maxBatchBytes?: number) {
  const writes: number[][] = [];
  let accept = true;
  let pending: (() => void) | undefined;
  const queue = new SendQueue<number>(
    {
      write: (bytes) => {
        writes.push([...bytes]);
        return accept;
      },
    },
    { maxBatchBytes, defer: (flush) => (pending = flush) },
  );
  const tick = (): void => {
    const flush = pending;
    pending = undefined;
    flush?.();
  };
  const slot = (tag: number): MonitorSlot<number> => ({
    pending: undefined,
    encode: (state) => Uint8Array.of(tag, state),
  });
  return {
    queue,
    writes,
    tick,
    slot,
    setAccept: (value: boolean) => (accept = value),
  };
}

describe("SendQueue", () => {
  it("gathers a tick's replies and updates into one write, every update kept", () => {
    const { queue, writes, tick, slot } = harness();
    const a = slot(1);
    queue.reply(Uint8Array.of(9));
    for (let i = 0; i < 5; i++) queue.monitor(a, i);
    tick();
    expect(writes).toEqual([[9, 1, 0, 1, 1, 1, 2, 1, 3, 1, 4]]);
    expect(queue.dropped).toBe(0);
  });

  it("keeps only the latest update per subscription while the socket is full", () => {
    const { queue, writes, tick, slot, setAccept } = harness();
    const a = slot(1);
    const b = slot(2);
    setAccept(false);
    queue.monitor(a, 0);
    tick();
    expect(queue.blocked).toBe(true);
    for (let i = 1; i <= 100; i++) {
      queue.monitor(a, i);
      queue.monitor(b, 1000 + i);
    }
    queue.reply(Uint8Array.of(9));
    tick();
    expect(writes).toHaveLength(1);
    expect(queue.pendingMonitors).toBe(2);
    expect(queue.dropped).toBe(99 * 2);
    setAccept(true);
    queue.drained();
    tick();
    expect(writes[1]).toEqual([9, 1, 100, 2, 1100 & 0xff]);
    expect(queue.pendingMonitors).toBe(0);
  });

  it("EVENTS_OFF holds the latest update; EVENTS_ON sends it; replies still flow", () => {
    const { queue, writes, tick, slot } = harness();
    const a = slot(1);
    queue.paused = true;
    for (let i = 1; i <= 10; i++) queue.monitor(a, i);
    queue.reply(Uint8Array.of(9));
    tick();
    expect(writes).toEqual([[9]]);
    queue.paused = false;
    tick();
    expect(writes[1]).toEqual([1, 10]);
  });

  it("coalesces once a tick's batch is full, even when the socket keeps up", () => {
    const { queue, writes, tick, slot } = harness(4);
    const a = slot(1);
    for (let i = 1; i <= 10; i++) queue.monitor(a, i);
    tick();
    expect(writes[0]).toEqual([1, 1, 1, 2]);
    tick();
    expect(writes[1]).toEqual([1, 10]);
  });

  it("a discarded slot sends nothing; a closed queue takes nothing", () => {
    const { queue, writes, tick, slot } = harness();
    const a = slot(1);
    queue.paused = true;
    queue.monitor(a, 1);
    queue.discard(a);
    queue.paused = false;
    tick();
    expect(writes).toEqual([]);
    queue.close();
    queue.reply(Uint8Array.of(1));
    queue.monitor(a, 2);
    tick();
    expect(writes).toEqual([]);
  });

  it("writes a large piece as it is, joining the small pieces around it", () => {
    const large = new Uint8Array(1 << 16).fill(7);
    const sizes: number[] = [];
    const written: Uint8Array[] = [];
    let pending: (() => void) | undefined;
    const queue = new SendQueue<number>(
      {
        write: (bytes) => {
          sizes.push(bytes.length);
          written.push(bytes);
          return true;
        },
      },
      { defer: (flush) => (pending = flush) },
    );
    queue.reply(Uint8Array.of(1));
    queue.reply([Uint8Array.of(2, 3), large]);
    queue.reply([Uint8Array.of(4), Uint8Array.of(5)]);
    queue.reply([Uint8Array.of(6), large]);
    pending?.();
    expect(sizes).toEqual([3, 1 << 16, 3, 1 << 16]);
    expect(written[1]).toBe(large);
    expect(written[3]).toBe(large);
    expect([...written[0]!, ...written[2]!]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
