import type { Clock, Timer } from "./clock.js";
import { sleepOn } from "./clock.js";

/** Milliseconds since the epoch at which performance.now() counts from; fixed per process. */
const TIME_ORIGIN = performance.timeOrigin;

/** Wall-clock time for real hardware: sub-millisecond POSIX seconds and Node timers. */
export class RealClock implements Clock {
  now(): number {
    return (TIME_ORIGIN + performance.now()) / 1000;
  }

  sleep(seconds: number, options: { signal?: AbortSignal } = {}): Promise<void> {
    return sleepOn(this, seconds, options.signal);
  }

  schedule(seconds: number, callback: () => void): Timer {
    const handle = setTimeout(callback, Math.max(0, seconds) * 1000);
    return { cancel: () => clearTimeout(handle) };
  }
}

/** The clock used where none is given: devices talking to real hardware. */
export const realClock: Clock = new RealClock();
