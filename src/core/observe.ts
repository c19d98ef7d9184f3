import type { Timer } from "./clock.js";
import { HilError } from "./errors.js";
import type { SignalR } from "./signal.js";

/** A signal did not change, or reach a value, within the time given. */
export class SignalTimeoutError extends HilError {
  constructor(message: string) {
    super("HIL_SIGNAL_TIMEOUT", message);
  }
}

export interface ObserveValueOptions {
  /** Seconds, on the signal's clock, that may pass between two values before it fails. */
  timeout?: number;
  /** Ends the iteration when it settles (a Status of the motion watched, say); fails if it fails. */
  done?: PromiseLike<unknown>;
}

type Item<T> = { value: T } | { error: Error } | { end: true };

/**
 * The signal's values as an async iterator: the current one, then each change (ophyd-async's
 * observe_value). Breaking out of the loop unsubscribes. A failed read, or `timeout`
 * seconds without a change, fails the iteration with an error naming the signal.
 */
export async function* observeValue<T>(
  signal: SignalR<T>,
  { timeout, done }: ObserveValueOptions = {},
): AsyncGenerator<T, void, undefined> {
  const queue: Array<Item<T>> = [];
  let wake: (() => void) | undefined;
  const push = (item: Item<T>): void => {
    queue.push(item);
    wake?.();
  };
  const unsubscribe = signal.subscribeValue((value) => push({ value }), {
    onError: (error) => push({ error }),
  });
  done?.then(
    () => push({ end: true }),
    (cause: unknown) => push({ error: cause instanceof Error ? cause : new Error(String(cause)) }),
  );
  let timer: Timer | undefined;
  try {
    for (;;) {
      if (queue.length === 0) {
        const arrived = new Promise<void>((resolve) => (wake = resolve));
        if (timeout !== undefined) {
          timer = signal.backend.clock.schedule(timeout, () =>
            push({
              error: new SignalTimeoutError(`${signal.name} did not change within ${timeout} s`),
            }),
          );
        }
        await arrived;
        wake = undefined;
        timer?.cancel();
        timer = undefined;
      }
      const item = queue.shift()!;
      if ("error" in item) throw item.error;
      if ("end" in item) return;
      yield item.value;
    }
  } finally {
    timer?.cancel();
    unsubscribe();
  }
}

export interface WaitForValueOptions {
  /** Seconds, on the signal's clock, before it fails (default: wait for ever). */
  timeout?: number;
}

/**
 * Resolves with the value once the signal holds `match` (compared with Object.is) or a value
 * `match` accepts (ophyd-async's wait_for_value). Fails naming the signal, the wanted value
 * and the last one seen when `timeout` passes first, or when a read fails.
 */
export function waitForValue<T>(
  signal: SignalR<T>,
  match: T | ((value: T) => boolean),
  { timeout }: WaitForValueOptions = {},
): Promise<T> {
  const matches =
    typeof match === "function"
      ? (match as (value: T) => boolean)
      : (value: T) => Object.is(value, match);
  const wanted = typeof match === "function" ? "the value wanted" : String(match);
  return new Promise<T>((resolve, reject) => {
    let last: { value: T } | undefined;
    let timer: Timer | undefined;
    // Filled in once subscribe() returns; a match cannot arrive before that.
    const subscription: { end?: () => void } = {};
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      subscription.end?.();
      outcome();
    };
    subscription.end = signal.subscribeValue(
      (value) => {
        last = { value };
        if (matches(value)) settle(() => resolve(value));
      },
      { onError: (error) => settle(() => reject(error)) },
    );
    if (settled) subscription.end();
    else if (timeout !== undefined) {
      timer = signal.backend.clock.schedule(timeout, () => {
        const seen = last ? `last value ${String(last.value)}` : "no value read";
        const message = `${signal.name} did not reach ${wanted} within ${timeout} s (${seen})`;
        settle(() => reject(new SignalTimeoutError(message)));
      });
    }
  });
}
