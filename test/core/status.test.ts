import { describe, expect, it } from "vitest";
import {
  Status,
  StatusTimeoutError,
  VirtualClock,
  type WatcherUpdate,
} from "../../src/core/index.js";

describe("Status", () => {
  it("resolves when finished and reports done and success", async () => {
    const clock = new VirtualClock();
    const status = new Status({ clock });
    expect([status.done, status.success]).toEqual([false, false]);
    clock.schedule(2, () => status.finish());
    await status;
    expect([status.done, status.success, status.error]).toEqual([true, true, undefined]);
    expect(status.elapsed).toBe(2);
  });

  it("rejects with its error and never raises an unhandled rejection by itself", async () => {
    const status = Status.failed(new Error("motor fault"));
    expect(status.done).toBe(true);
    expect(status.success).toBe(false);
    await expect(status).rejects.toThrow("motor fault");
  });

  it("fails with a StatusTimeoutError on its clock, and a late finish changes nothing", async () => {
    const clock = new VirtualClock();
    const status = new Status({ name: "slow move", clock, timeout: 5 });
    await expect(status).rejects.toBeInstanceOf(StatusTimeoutError);
    expect(status.error?.message).toBe("slow move did not finish within 5 s");
    expect(clock.now()).toBe(5);
    status.finish();
    expect(status.success).toBe(false);
  });

  it("cancels its timeout timer once done, so virtual time does not jump to it", async () => {
    const clock = new VirtualClock();
    const status = new Status({ clock, timeout: 1000 });
    status.finish();
    await status;
    expect(clock.pendingTimers).toBe(0);
  });

  it("runs completion callbacks once, including ones added after completion", async () => {
    const status = new Status();
    const calls: string[] = [];
    status.addCallback((s) => calls.push(`early ${s.success}`));
    status.finish();
    status.finish();
    status.addCallback((s) => calls.push(`late ${s.success}`));
    expect(calls).toEqual(["early true", "late true"]);
  });

  it("gives watchers monotonic fractions ending at 1 with elapsed and remaining time", async () => {
    const clock = new VirtualClock();
    const status = new Status({ name: "m1", clock });
    const updates: WatcherUpdate[] = [];
    status.watch((u) => updates.push(u));
    for (const [t, current] of [
      [1, 2],
      [2, 5],
      [3, 4], // a wobble backwards must not move the bar backwards
      [4, 8],
    ] as const) {
      clock.schedule(t, () => status.report({ current, initial: 0, target: 10 }));
    }
    clock.schedule(5, () => status.finish());
    await status;
    const fractions = updates.map((u) => u.fraction);
    expect(fractions).toEqual([0.2, 0.5, 0.5, 0.8, 1]);
    expect(updates[1]).toMatchObject({ elapsed: 2, remaining: 2, current: 5, target: 10 });
    expect(updates.at(-1)).toMatchObject({ fraction: 1, remaining: 0 });
  });

  it("combines with all(): success when every one succeeds, first failure otherwise", async () => {
    const clock = new VirtualClock();
    const a = new Status({ clock });
    const b = new Status({ clock });
    const both = Status.all([a, b]);
    a.finish();
    expect(both.done).toBe(false);
    b.finish();
    await both;
    expect(both.success).toBe(true);

    const c = new Status({ clock });
    const failing = Status.all([c, Status.failed(new Error("b broke"))]);
    await expect(failing).rejects.toThrow("b broke");
    expect(Status.all([]).success).toBe(true);
  });

  it("follows a promise with wrap()", async () => {
    const clock = new VirtualClock();
    const status = Status.wrap(clock.sleep(3), { clock });
    await status;
    expect(status.elapsed).toBe(3);
    await expect(Status.wrap(Promise.reject(new Error("no")))).rejects.toThrow("no");
  });
});
