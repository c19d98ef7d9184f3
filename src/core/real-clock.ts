import type { Clock, Timer } from "./clock.js";
import { sleepOn } from "./clock.js";

/** Milliseconds since the epoch at which performance.now() counts from; fixed per process. */
const TIME_ORIGIN = performance.timeOrigin;

/** Seconds below which a Node timer would wait longer than asked. */
const SHORTEST_TIMEOUT = 0.001;

/** Wall-clock time for real hardware: sub-millisecond POSIX seconds and Node timers. */
export class RealClock implements Clock {
  now(): number {
    return (TIME_ORIGIN + performance.now()) / 1000;
  }

  sleep(seconds: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    return sleepOn(this, seconds, options.signal);
  }

  schedule(seconds: number, callback: () => void): Timer {
    if (seconds >= SHORTEST_TIMEOUT) {
      const handle = setTimeout(callback, seconds * 1000);
      return { cancel: () => clearTimeout(handle) };
    }
    // Node's timers wait at least a millisecond: a shorter wait (a simulated exposure of a
    // microsecond) checks the time on each turn of the event loop instead, never firing early.
    const due = this.now() + Math.max(0, seconds);
    const check = (): void => {
      if (this.now() >= due) callback();
      else handle = setImmediate(check);
    };
    let handle = setImmediate(check);
    return { cancel: () => clearImmediate(handle) };
  }
}

/** The clock used where none is given: devices talking to real hardware. */
export const realClock: Clock = new RealClock();
