import { describe, expect, it, vi } from "vitest";
import {
  SignalR,
  SignalReadError,
  SignalTimeoutError,
  SimSignalBackend,
  SoftSignalBackend,
  Status,
  VirtualClock,
  datatype,
  observeValue,
  waitForValue,
} from "../../src/core/index.js";

function counter(clock: VirtualClock): [SignalR<number>, (value: number) => void] {
  const backend = new SoftSignalBackend(datatype.float, { clock });
  return [new SignalR(backend, { name: "counter" }), (value) => backend.set(value)];
}

/** Sets the value at each of the given times, on the clock. */
function changeAt(clock: VirtualClock, set: (value: number) => void, at: Array<[number, number]>) {
  for (const [time, value] of at) clock.schedule(time, () => set(value));
}

describe("observeValue", () => {
  it("gives the current value, then each change, and unsubscribes when the loop breaks", async () => {
    const clock = new VirtualClock();
    const [signal, set] = counter(clock);
    const setCallback = vi.spyOn(signal.backend, "setCallback");
    changeAt(clock, set, [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const seen: Array<[number, number]> = [];
    for await (const value of observeValue(signal)) {
      seen.push([clock.now(), value]);
      if (value === 2) break;
    }
    expect(seen).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    // The loop's subscription is gone: the backend no longer calls anyone back.
    expect(setCallback).toHaveBeenLastCalledWith(undefined);
  });

  it("fails naming the signal when no change comes within the timeout", async () => {
    const clock = new VirtualClock();
    const [signal, set] = counter(clock);
    changeAt(clock, set, [[1, 1]]);
    const seen: number[] = [];
    const loop = (async () => {
      for await (const value of observeValue(signal, { timeout: 1.5 })) seen.push(value);
    })();
    await expect(loop).rejects.toThrow(
      new SignalTimeoutError("counter did not change within 1.5 s"),
    );
    expect(seen).toEqual([0, 1]);
    expect(clock.now()).toBe(2.5);
  });

  it("fails naming the signal when its read fails", async () => {
    const clock = new VirtualClock();
    const broken = new SignalR(
      new SimSignalBackend(datatype.float, {
        clock,
        read: () => {
          throw new Error("no reply");
        },
      }),
      { name: "broken" },
    );
    const loop = (async () => {
      for await (const value of observeValue(broken)) return value;
    })();
    await expect(loop).rejects.toThrow(SignalReadError);
    await expect(loop).rejects.toThrow(/broken/);
  });

  it("ends when `done` settles, failing if it failed", async () => {
    const clock = new VirtualClock();
    const [signal, set] = counter(clock);
    changeAt(clock, set, [[1, 1]]);
    const done = new Status({ clock });
    clock.schedule(2, () => done.finish());
    const seen: number[] = [];
    for await (const value of observeValue(signal, { done })) seen.push(value);
    expect(seen).toEqual([0, 1]);
    expect(clock.now()).toBe(2);

    const failed = new Status({ clock });
    clock.schedule(1, () => failed.fail(new Error("motion fault")));
    const loop = (async () => {
      for await (const value of observeValue(signal, { done: failed })) void value;
    })();
    await expect(loop).rejects.toThrow("motion fault");
  });
});

describe("waitForValue", () => {
  it("resolves when the value equals the one given, or a predicate accepts it", async () => {
    const clock = new VirtualClock();
    const [signal, set] = counter(clock);
    changeAt(clock, set, [
      [1, 1],
      [2, 5],
      [3, 9],
    ]);
    expect(await waitForValue(signal, 5)).toBe(5);
    expect(clock.now()).toBe(2);
    expect(await waitForValue(signal, (value) => value > 6, { timeout: 10 })).toBe(9);
    expect(clock.now()).toBe(3);
  });

  it("fails naming the signal, the value wanted and the last seen after the timeout", async () => {
    const clock = new VirtualClock();
    const [signal, set] = counter(clock);
    changeAt(clock, set, [[1, 1]]);
    await expect(waitForValue(signal, 7, { timeout: 2 })).rejects.toThrow(
      "counter did not reach 7 within 2 s (last value 1)",
    );
    expect(clock.now()).toBe(2);
  });
});
