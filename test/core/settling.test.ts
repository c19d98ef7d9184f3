import { describe, expect, it } from "vitest";
import {
  MoveInterruptedError,
  Settler,
  Status,
  StatusTimeoutError,
  VirtualClock,
  datatype,
  softSignalRW,
  type TemperatureSource,
  type WatcherUpdate,
} from "../../src/core/index.js";

const TARGET = 300;

/** A settler polling every 0.5 s, done after 2 s within 0.1 of the target. */
function settler(temperatureAt: (time: number) => number, kind: "at" | "query" = "at") {
  const clock = new VirtualClock();
  const source: TemperatureSource =
    kind === "at" ? { at: temperatureAt } : { query: async () => temperatureAt(clock.now()) };
  const tolerance = softSignalRW(datatype.float, 0.1, { clock });
  const settleTime = softSignalRW(datatype.float, 2, { clock });
  const s = new Settler({
    device: { name: "tc1" },
    clock,
    pollPeriod: 0.5,
    temperature: source,
    tolerance,
    settleTime,
  });
  const set = (options: { timeout?: number } = {}) => {
    const status = new Status({ clock, ...options });
    const settling = s.begin(status, TARGET, temperatureAt(clock.now()));
    void s.follow(settling);
    return { status, settling };
  };
  return { clock, settler: s, set };
}

describe("Settler", () => {
  it.each(["at", "query"] as const)(
    "finishes once the temperature (%s) has stayed within tolerance for the settle time",
    async (kind) => {
      const { clock, set } = settler((t) => (t < 3 ? 290 : TARGET + 0.05), kind);
      const { status } = set();
      const updates: WatcherUpdate[] = [];
      status.watch((u) => updates.push(u));
      await status;
      expect(clock.now()).toBe(5);
      expect(updates[0]).toMatchObject({ current: 290, initial: 290, target: TARGET });
      expect(updates.at(-1)).toMatchObject({ current: TARGET + 0.05, fraction: 1 });
      expect(clock.pendingTimers).toBe(0);
    },
  );

  it("starts the wait again when the temperature leaves the band", async () => {
    const { clock, set } = settler((t) => (t >= 1 && t < 2 ? TARGET + 0.5 : TARGET));
    await set().status;
    // Within from 0, out at 1 and 1.5, back at 2: settled 2 s later.
    expect(clock.now()).toBe(4);
  });

  it("never counts a NaN reading as within tolerance", async () => {
    const { clock, set } = settler((t) => (t < 1 ? Number.NaN : TARGET));
    await set().status;
    expect(clock.now()).toBe(3);
  });

  it("fails the set() in progress with a MoveInterruptedError at the latest reading", async () => {
    const { clock, settler: s, set } = settler((t) => 290 + t);
    const { status, settling } = set();
    await clock.sleep(1.25);
    s.interrupt("was superseded");
    await expect(status).rejects.toBeInstanceOf(MoveInterruptedError);
    expect(status.error?.message).toBe("tc1: move to 300 was superseded at 291");
    expect(s.isCurrent(settling)).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it("takes the set() in progress for stop(), which ends it", async () => {
    const { clock, settler: s, set } = settler(() => 290);
    const { status, settling } = set();
    await clock.sleep(1);
    expect(s.take()).toBe(settling);
    expect(s.take()).toBeUndefined();
    expect(status.done).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it("stops polling once the Status has timed out", async () => {
    let reads = 0;
    const { clock, set } = settler(() => {
      reads += 1;
      return 290;
    });
    const { status } = set({ timeout: 1.2 });
    await expect(status).rejects.toBeInstanceOf(StatusTimeoutError);
    const readsAtTimeout = reads;
    await clock.sleep(5);
    // The poll due after the timeout sees it and reads no more.
    expect(reads).toBe(readsAtTimeout);
    expect(clock.pendingTimers).toBe(0);
  });

  it("fails the Status when a read fails", async () => {
    let reads = 0;
    const { set } = settler(() => {
      reads += 1;
      if (reads > 1) throw new Error("no reply");
      return 290;
    }, "query");
    await expect(set().status).rejects.toThrow("no reply");
  });
});
