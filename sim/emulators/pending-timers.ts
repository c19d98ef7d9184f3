import type { Clock, Timer } from "../../src/core/index.js";

/** An emulator's delayed replies: scheduled on its clock, all cancelled when its port closes. */
export class PendingTimers {
  private readonly clock: Clock;
  private readonly timers = new Set<Timer>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** Runs `callback` after `seconds`, unless cancelAll() comes first. */
  later(seconds: number, callback: () => void): void {
    const timer = this.clock.schedule(seconds, () => {
      this.timers.delete(timer);
      callback();
    });
    this.timers.add(timer);
  }

  cancelAll(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers.clear();
  }
}
