import type { Clock, Timer } from "../../core/index.js";

/**
 * When a player gives back what was recorded: "immediate" (on the next microtask, as a port
 * delivers later than write() returns), or after the recorded gap between the request and
 * each piece of the reply, times `scale`, on `clock` (a VirtualClock makes it free).
 */
export type ReplayTiming = "immediate" | { readonly clock: Clock; readonly scale?: number };

/** Runs callbacks after recorded gaps; cancel() drops those not yet run. */
export class ReplayScheduler {
  private readonly timing: ReplayTiming;
  private readonly timers = new Set<Timer>();
  private generation = 0;

  constructor(timing: ReplayTiming = "immediate") {
    if (timing !== "immediate") {
      const { scale = 1 } = timing;
      if (!(scale >= 0) || !Number.isFinite(scale)) {
        throw new RangeError(`timing.scale must be a number >= 0, got ${scale}`);
      }
    }
    this.timing = timing;
  }

  /** Replies come back at once rather than after their recorded gaps. */
  get immediate(): boolean {
    return this.timing === "immediate";
  }

  /** Runs `callback` `gap` recorded seconds from now (scaled), or on the next microtask. */
  after(gap: number, callback: () => void): void {
    const generation = this.generation;
    const run = (): void => {
      if (generation === this.generation) callback();
    };
    const timing = this.timing;
    if (timing === "immediate") {
      queueMicrotask(run);
      return;
    }
    const timer = timing.clock.schedule(Math.max(0, gap) * (timing.scale ?? 1), () => {
      this.timers.delete(timer);
      run();
    });
    this.timers.add(timer);
  }

  /** Resolves `gap` recorded seconds from now (scaled), or on the next microtask. */
  wait(gap: number): Promise<void> {
    return new Promise((resolve) => this.after(gap, resolve));
  }

  cancel(): void {
    this.generation++;
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }
}
