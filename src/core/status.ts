import type { Clock, Timer } from "./clock.js";
import { StatusTimeoutError } from "./errors.js";
import { realClock } from "./real-clock.js";

/** What a progress watcher is told: enough for a bar with time remaining. */
export interface WatcherUpdate {
  name: string;
  current: number;
  initial: number;
  target: number;
  units?: string;
  precision?: number;
  /** Share of the work done, from 0 to 1, never decreasing. */
  fraction: number;
  /** Seconds since the status was made, on its clock. */
  elapsed: number;
  /** Seconds still expected. */
  remaining: number;
}

export type Watcher = (update: WatcherUpdate) => void;

/** What the producer of a status reports; the status fills in the rest. */
export interface ProgressReport {
  current: number;
  initial: number;
  target: number;
  /** When omitted: the distance covered over the whole distance. */
  fraction?: number;
  /** When omitted: estimated from the elapsed time and the fraction. */
  remaining?: number;
}

export interface StatusOptions {
  /** Names the operation in errors and watcher updates, e.g. "m1 move to 3". */
  name?: string;
  /** Fails the status with a StatusTimeoutError after this many seconds on `clock`. */
  timeout?: number;
  clock?: Clock;
  /** Of the positions in progress updates. */
  units?: string;
  precision?: number;
}

type Callback = (status: Status) => void;

/**
 * The outcome of an operation that takes time: awaitable, with completion callbacks, a
 * timeout on the clock and progress watchers. Awaiting a failed status throws its error;
 * a failed status nobody awaits is not an unhandled rejection.
 */
export class Status implements PromiseLike<undefined> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly started: number;
  /** Made on the first then(): most statuses are only called back, never awaited. */
  private promise: Promise<undefined> | undefined;
  private resolvePromise: ((value: undefined) => void) | undefined;
  private rejectPromise: ((error: Error | undefined) => void) | undefined;
  private state: "running" | "succeeded" | "failed" = "running";
  private failure: Error | undefined;
  private readonly callbacks: Callback[] = [];
  /** Made on the first watch(): most statuses are never watched. */
  private watchers: Set<Watcher> | undefined;
  private readonly units: string | undefined;
  private readonly precision: number | undefined;
  /** The latest report, turned into an update only when someone watches. */
  private progress: { report: ProgressReport; fraction: number; elapsed: number } | undefined;
  private ended: number | undefined;
  private readonly timer: Timer | undefined;

  constructor({
    name = "status",
    timeout,
    clock = realClock,
    units,
    precision,
  }: StatusOptions = {}) {
    this.name = name;
    this.units = units;
    this.precision = precision;
    this.clock = clock;
    this.started = clock.now();
    if (timeout !== undefined) {
      this.timer = clock.schedule(timeout, () => this.fail(new StatusTimeoutError(name, timeout)));
    }
  }

  /** A status that has already succeeded. */
  static finished(options?: StatusOptions): Status {
    const status = new Status(options);
    status.finish();
    return status;
  }

  /** A status that has already failed with `error`. */
  static failed(error: Error, options?: StatusOptions): Status {
    const status = new Status(options);
    status.fail(error);
    return status;
  }

  /** A status that follows a promise. */
  static wrap(promise: PromiseLike<unknown>, options?: StatusOptions): Status {
    const status = new Status(options);
    promise.then(
      () => status.finish(),
      (error: unknown) => status.fail(asError(error)),
    );
    return status;
  }

  /** Succeeds when every status has succeeded; fails with the first failure. */
  static all(statuses: readonly Status[], options?: StatusOptions): Status {
    const combined = new Status({ name: statuses.map((s) => s.name).join(" & "), ...options });
    let left = statuses.length;
    if (left === 0) combined.finish();
    for (const status of statuses) {
      status.addCallback((s) => {
        if (!s.success) combined.fail(s.error ?? new Error(`${s.name} failed`));
        else if (--left === 0) combined.finish();
      });
    }
    return combined;
  }

  get done(): boolean {
    return this.state !== "running";
  }

  get success(): boolean {
    return this.state === "succeeded";
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Seconds since the status was made, frozen once it is done. */
  get elapsed(): number {
    return (this.ended ?? this.clock.now()) - this.started;
  }

  /** Marks success. Does nothing once done, so a late producer cannot undo a timeout. */
  finish(): void {
    if (this.done) return;
    if (this.progress && this.watchers) {
      this.progress = { ...this.progress, fraction: 1, elapsed: this.elapsed };
      this.emit();
    }
    this.complete("succeeded");
  }

  /** Marks failure. Does nothing once done. */
  fail(error: Error): void {
    if (this.done) return;
    this.failure = error;
    this.complete("failed");
  }

  /** Runs `callback` when done; at once if it already is. */
  addCallback(callback: Callback): void {
    if (this.done) this.runCallback(callback);
    else this.callbacks.push(callback);
  }

  /** Sends progress to `watcher`, starting with the latest update; returns an unwatch function. */
  watch(watcher: Watcher): () => void {
    (this.watchers ??= new Set()).add(watcher);
    if (this.progress) watcher(this.update(this.progress));
    return () => this.watchers?.delete(watcher);
  }

  /** For the producer: reports progress to every watcher. */
  report(report: ProgressReport): void {
    if (this.done) return;
    const span = Math.abs(report.target - report.initial);
    const covered = span === 0 ? 1 : Math.abs(report.current - report.initial) / span;
    const raw = Math.min(1, Math.max(0, report.fraction ?? covered));
    const fraction = Math.max(this.progress?.fraction ?? 0, raw);
    this.progress = { report, fraction, elapsed: this.elapsed };
    if (this.watchers) this.emit();
  }

  then<A = void, B = never>(
    onFulfilled?: ((value: undefined) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.settled().then(onFulfilled, onRejected);
  }

  toString(): string {
    return `Status(${this.name}, ${this.state})`;
  }

  /** The promise of the outcome, marked handled: a failure nobody awaits is no unhandled rejection. */
  private settled(): Promise<undefined> {
    if (this.promise) return this.promise;
    if (this.state === "succeeded") this.promise = Promise.resolve(undefined);
    else if (this.state === "failed") this.promise = Promise.reject(this.failure);
    else {
      this.promise = new Promise<undefined>((resolve, reject) => {
        this.resolvePromise = resolve;
        this.rejectPromise = reject;
      });
    }
    this.promise.catch(ignore);
    return this.promise;
  }

  private emit(): void {
    const update = this.update(this.progress!);
    for (const watcher of this.watchers ?? []) watcher(update);
  }

  private update({ report, fraction, elapsed }: NonNullable<Status["progress"]>): WatcherUpdate {
    const remaining =
      fraction === 1
        ? 0
        : (report.remaining ?? (fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Infinity));
    return {
      name: this.name,
      current: report.current,
      initial: report.initial,
      target: report.target,
      units: this.units,
      precision: this.precision,
      fraction,
      elapsed,
      remaining,
    };
  }

  private complete(state: "succeeded" | "failed"): void {
    this.state = state;
    this.ended = this.clock.now();
    this.timer?.cancel();
    if (state === "failed") this.rejectPromise?.(this.failure);
    else this.resolvePromise?.(undefined);
    this.resolvePromise = undefined;
    this.rejectPromise = undefined;
    for (const callback of this.callbacks.splice(0)) this.runCallback(callback);
    this.watchers = undefined;
  }

  private runCallback(callback: Callback): void {
    try {
      callback(this);
    } catch (error) {
      // A broken callback must not change the outcome or starve the other callbacks.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

function ignore(): void {}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
