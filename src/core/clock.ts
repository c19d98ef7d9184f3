/** A scheduled callback that can be cancelled before it fires. */
export interface Timer {
  cancel(): void;
}

/**
 * The only source of time for devices, the simulator and the RunEngine. Times are POSIX
 * seconds as floating-point numbers, as in event-model documents.
 */
export interface Clock {
  now(): number;
  /** Resolves after `seconds`; rejects with the signal's reason if it is aborted first. */
  sleep(seconds: number, options?: { signal?: AbortSignal }): Promise<void>;
  /** Calls `callback` once, `seconds` from now. */
  schedule(seconds: number, callback: () => void): Timer;
}

/** Sleeps on any clock through its `schedule`, so each clock only implements timers. */
export function sleepOn(
  clock: Pick<Clock, "schedule">,
  seconds: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.schedule(seconds, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
