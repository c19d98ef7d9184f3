import type { Clock, Timer } from "./clock.js";
import { sleepOn } from "./clock.js";
import { TimerQueue } from "./timer-queue.js";

export interface VirtualClockOptions {
  /** The time at construction, POSIX seconds (default 0). */
  start?: number;
  /**
   * Jump to the next timer by itself whenever the process is otherwise idle (default true).
   * With `false`, time moves only through `advance()`, for tests that step time by hand.
   */
  auto?: boolean;
}

/**
 * Simulated time. Timers wait in a queue; when every pending promise chain has settled (the
 * next macrotask turn), the clock jumps to the earliest timer and fires it. A 60 s move takes
 * as long as the work it causes, and the same program always sees the same times.
 *
 * It stands in for time only: real I/O in flight (a socket, a pty) does not hold it back.
 */
export class VirtualClock implements Clock {
  private time: number;
  private readonly queue = new TimerQueue();
  private readonly auto: boolean;
  private tickScheduled = false;

  constructor({ start = 0, auto = true }: VirtualClockOptions = {}) {
    this.time = start;
    this.auto = auto;
  }

  now(): number {
    return this.time;
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.queue.size;
  }

  sleep(seconds: number, options?: { signal?: AbortSignal }): Promise<void> {
    const signal = options?.signal;
    if (signal) return sleepOn(this, seconds, signal);
    // Nothing can cut it short: the timer resolves the promise itself.
    return new Promise((resolve) => void this.schedule(seconds, resolve));
  }

  schedule(seconds: number, callback: () => void): Timer {
    const due = this.time + (seconds > 0 ? seconds : 0);
    const timer = this.queue.push(due, callback);
    this.wake();
    return timer;
  }

  /**
   * Moves time forward by `seconds`, firing every timer due on the way in order and letting
   * the work each one starts settle before the next. Only for a clock made with `auto: false`.
   */
  async advance(seconds: number): Promise<void> {
    if (this.auto) throw new Error("advance() is for a VirtualClock made with auto: false");
    const end = this.time + seconds;
    await nextTurn();
    for (let next = this.queue.peek(); next && next.due <= end; next = this.queue.peek()) {
      this.fireNext();
      await nextTurn();
    }
    this.time = end;
  }

  private wake(): void {
    if (!this.auto || this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(this.tick);
  }

  private readonly tick = (): void => {
    this.tickScheduled = false;
    try {
      this.fireNext();
    } finally {
      if (this.queue.size > 0) this.wake();
    }
  };

  private fireNext(): void {
    const timer = this.queue.pop();
    if (!timer) return;
    if (timer.due > this.time) this.time = timer.due;
    timer.callback();
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
