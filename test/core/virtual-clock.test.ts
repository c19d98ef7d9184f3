import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/index.js";

describe("VirtualClock", () => {
  it("jumps to the next timer when everything is waiting", async () => {
    const clock = new VirtualClock({ start: 100 });
    const wallStart = performance.now();
    await clock.sleep(3600);
    expect(clock.now()).toBe(3700);
    expect(performance.now() - wallStart).toBeLessThan(1000);
  });

  it("fires timers in time order, ties first-in first-out", async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.schedule(2, () => fired.push("b@2"));
    clock.schedule(1, () => fired.push("a@1"));
    clock.schedule(2, () => fired.push("c@2"));
    await clock.sleep(5);
    expect(fired).toEqual(["a@1", "b@2", "c@2"]);
  });

  it("lets the work a timer starts schedule its own timers before time moves on", async () => {
    const clock = new VirtualClock();
    const seen: Array<[string, number]> = [];
    const worker = async (name: string, period: number): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(period);
        seen.push([name, clock.now()]);
      }
    };
    await Promise.all([worker("fast", 1), worker("slow", 1.5)]);
    expect(seen).toEqual([
      ["fast", 1],
      ["slow", 1.5],
      ["fast", 2],
      ["slow", 3], // due at 3 too, but scheduled earlier (at 1.5) than fast's (at 2)
      ["fast", 3],
      ["slow", 4.5],
    ]);
  });

  it("does not advance for a cancelled timer", async () => {
    const clock = new VirtualClock();
    const timer = clock.schedule(1000, () => {
      throw new Error("cancelled timer fired");
    });
    timer.cancel();
    await clock.sleep(1);
    expect(clock.now()).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("rejects a sleep that is aborted, without moving time", async () => {
    const clock = new VirtualClock({ auto: false });
    const controller = new AbortController();
    const sleeping = clock.sleep(10, { signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
    expect(clock.pendingTimers).toBe(0);
  });

  it("moves only through advance() when made with auto: false", async () => {
    const clock = new VirtualClock({ auto: false });
    const fired: number[] = [];
    for (const t of [1, 2, 3]) clock.schedule(t, () => fired.push(clock.now()));
    await clock.advance(2.5);
    expect(fired).toEqual([1, 2]);
    expect(clock.now()).toBe(2.5);
    await clock.advance(1);
    expect(fired).toEqual([1, 2, 3]);
    expect(clock.now()).toBe(3.5);
  });

  it("runs two independent clocks side by side", async () => {
    const a = new VirtualClock();
    const b = new VirtualClock({ start: 50 });
    await Promise.all([a.sleep(10), b.sleep(1)]);
    expect([a.now(), b.now()]).toEqual([10, 51]);
  });
});
