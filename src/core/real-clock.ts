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

  /**
   * Calls back once `seconds` have passed, never sooner. Node's timers count whole
   * milliseconds from the loop's cached time, so they can fire up to a millisecond early and
   * never wait less than one: the last stretch is checked on each turn of the event loop.
   */
  schedule(seconds: number, callback: () => void): Timer {
    const due = this.now() + Math.max(0, seconds);
    let timeout: NodeJS.Timeout | undefined;
    let immediate: NodeJS.Immediate | undefined;
    const check = (): void => {
      if (this.now() >= due) callback();
      else immediate = setImmediate(check);
    };
    if (seconds >= SHORTEST_TIMEOUT) timeout = setTimeout(check, seconds * 1000);
    else immediate = setImmediate(check);
    return {
      cancel: () => {
        clearTimeout(timeout);
        clearImmediate(immediate);
      },
    };
  }
}

/** The clock used where none is given: devices talking to real hardware. */
export const realClock: Clock = new RealClock();
