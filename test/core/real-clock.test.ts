// The real clock's timers: a wait shorter than Node's one-millisecond timer still comes after
// the time asked for, never before; cancelled, it never comes.
import { describe, expect, it } from "vitest";
import { RealClock } from "../../src/core/index.js";

describe("RealClock.schedule", () => {
  const clock = new RealClock();

  it("fires a 50 µs wait no sooner than 50 µs later", async () => {
    const started = clock.now();
    const fired = await new Promise<number>((done) =>
      clock.schedule(50e-6, () => done(clock.now())),
    );
    expect(fired - started).toBeGreaterThanOrEqual(50e-6);
    expect(fired - started).toBeLessThan(0.5);
  });

  it("fires millisecond waits no sooner than asked, though Node's timers may", async () => {
    for (let i = 0; i < 20; i++) {
      const seconds = 0.001 + i * 0.0003;
      const started = clock.now();
      const fired = await new Promise<number>((done) =>
        clock.schedule(seconds, () => done(clock.now())),
      );
      expect(fired - started).toBeGreaterThanOrEqual(seconds);
    }
  });

  it("never fires a cancelled short wait", async () => {
    let fired = false;
    clock.schedule(0, () => (fired = true)).cancel();
    // A later wait of the same kind has come: the cancelled one would have come first.
    await new Promise<void>((done) => clock.schedule(100e-6, done));
    expect(fired).toBe(false);
  });
});
