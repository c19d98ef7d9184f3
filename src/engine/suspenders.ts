import type { Clock, Plan, Timer } from "../core/index.js";

/** What a suspender watches: any signal. */
export interface Watchable<T> {
  readonly name: string;
  subscribeValue(
    callback: (value: T) => void,
    options?: { onError?: (error: Error) => void },
  ): () => void;
}

export interface SuspenderOptions {
  /** Seconds the condition must stay good before the run resumes (bluesky's `sleep`). */
  resumeDelay?: number;
  /** Runs once the engine has suspended, e.g. close a shutter. */
  prePlan?: () => Plan<unknown>;
  /** Runs before the run resumes, e.g. open the shutter again. */
  postPlan?: () => Plan<unknown>;
}

/** What the engine needs of a tripped suspender. */
export interface Suspension {
  readonly justification: string;
  /** Resolves when the condition has been good for the resume delay. */
  readonly cleared: Promise<void>;
  readonly prePlan: (() => Plan<unknown>) | undefined;
  readonly postPlan: (() => Plan<unknown>) | undefined;
}

/** How a suspender tells the engine it tripped. */
export type TripListener = () => void;

/** What the engine needs of any suspender. */
export interface SuspenderLike {
  readonly suspension: Suspension | undefined;
  /** Settles once the first value (or a failed read) has been judged after attach(). */
  readonly ready: Promise<void>;
  attach(clock: Clock, onTrip: TripListener): void;
  detach(): void;
}

/**
 * Watches a signal and suspends the run while its value is bad: the engine rewinds to the
 * last checkpoint, waits until the value has been good for `resumeDelay` seconds on its
 * clock, and replays from there, by itself. A signal that cannot be read counts as bad: a
 * suspender that cannot see the beam must not let a scan go on without it.
 */
export abstract class Suspender<T> implements SuspenderLike {
  private readonly signal: Watchable<T>;
  private readonly options: SuspenderOptions;
  private clock: Clock | undefined;
  private unsubscribe: (() => void) | undefined;
  private onTrip: TripListener | undefined;
  private current: (Suspension & { resolve: () => void }) | undefined;
  private resumeTimer: Timer | undefined;
  private firstJudged: (() => void) | undefined;
  private readyPromise: Promise<void> = Promise.resolve();

  constructor(signal: Watchable<T>, options: SuspenderOptions = {}) {
    this.signal = signal;
    this.options = options;
  }

  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** The suspension in force, while the value is bad or settling. */
  get suspension(): Suspension | undefined {
    return this.current;
  }

  /** Called by the engine when it installs the suspender. */
  attach(clock: Clock, onTrip: TripListener): void {
    this.clock = clock;
    this.onTrip = onTrip;
    this.readyPromise = new Promise<void>((resolve) => (this.firstJudged = resolve));
    this.unsubscribe = this.signal.subscribeValue((value) => this.update(value), {
      onError: (error) => this.unreadable(error),
    });
  }

  detach(): void {
    this.unsubscribe?.();
    this.resumeTimer?.cancel();
    this.unsubscribe = undefined;
    this.onTrip = undefined;
    this.current?.resolve();
    this.current = undefined;
    this.judged();
  }

  /** Whether `value` should suspend the run. */
  protected abstract shouldSuspend(value: T): boolean;
  /** Whether `value` lets a suspended run resume (defaults to not shouldSuspend). */
  protected shouldResume(value: T): boolean {
    return !this.shouldSuspend(value);
  }
  /** Says why, for logs and the engine's state. */
  protected abstract describe(value: T): string;

  private judged(): void {
    this.firstJudged?.();
    this.firstJudged = undefined;
  }

  private trip(justification: string): void {
    if (this.current) return;
    let resolve!: () => void;
    const cleared = new Promise<void>((r) => (resolve = r));
    this.current = {
      justification,
      cleared,
      resolve,
      prePlan: this.options.prePlan,
      postPlan: this.options.postPlan,
    };
    this.onTrip?.();
  }

  private unreadable(error: Error): void {
    this.trip(error.message);
    this.judged();
  }

  private update(value: T): void {
    if (!this.current) {
      if (this.shouldSuspend(value)) this.trip(`${this.signal.name} ${this.describe(value)}`);
      this.judged();
      return;
    }
    if (!this.shouldResume(value)) {
      this.resumeTimer?.cancel();
      this.resumeTimer = undefined;
    } else if (!this.resumeTimer) {
      this.resumeTimer = this.clock!.schedule(this.options.resumeDelay ?? 0, () => {
        this.resumeTimer = undefined;
        const suspension = this.current;
        this.current = undefined;
        suspension?.resolve();
      });
    }
  }
}

export interface ThresholdOptions extends SuspenderOptions {
  /** The value the signal must pass back over to resume (default: the threshold itself). */
  resumeThreshold?: number;
}

/** Suspends while the value is below `floor`, e.g. the ring current during a beam dump. */
export class SuspendFloor extends Suspender<number> {
  constructor(
    signal: Watchable<number>,
    private readonly floor: number,
    private readonly thresholds: ThresholdOptions = {},
  ) {
    super(signal, thresholds);
  }
  protected shouldSuspend(value: number): boolean {
    return value < this.floor;
  }
  protected override shouldResume(value: number): boolean {
    return value >= (this.thresholds.resumeThreshold ?? this.floor);
  }
  protected describe(value: number): string {
    return `= ${value}, below ${this.floor}`;
  }
}

/** Suspends while the value is above `ceiling`, e.g. a temperature or a pressure. */
export class SuspendCeil extends Suspender<number> {
  constructor(
    signal: Watchable<number>,
    private readonly ceiling: number,
    private readonly thresholds: ThresholdOptions = {},
  ) {
    super(signal, thresholds);
  }
  protected shouldSuspend(value: number): boolean {
    return value > this.ceiling;
  }
  protected override shouldResume(value: number): boolean {
    return value <= (this.thresholds.resumeThreshold ?? this.ceiling);
  }
  protected describe(value: number): string {
    return `= ${value}, above ${this.ceiling}`;
  }
}

/** Suspends while a boolean is true (`SuspendBoolHigh`) or false (`SuspendBoolLow`). */
export class SuspendBoolHigh extends Suspender<boolean> {
  protected shouldSuspend(value: boolean): boolean {
    return value;
  }
  protected describe(): string {
    return "is high";
  }
}

export class SuspendBoolLow extends Suspender<boolean> {
  protected shouldSuspend(value: boolean): boolean {
    return !value;
  }
  protected describe(): string {
    return "is low";
  }
}

export interface WhenChangedOptions<T> extends SuspenderOptions {
  /** The good value (default: the first value seen). */
  expected?: T;
  /** Resume when the value returns to the expected one (default false: stay suspended). */
  allowResume?: boolean;
}

/** Suspends when the value leaves the expected one, e.g. a mode switch mid-scan. */
export class SuspendWhenChanged<T> extends Suspender<T> {
  private expected: { value: T } | undefined;
  private readonly allowResume: boolean;

  constructor(signal: Watchable<T>, options: WhenChangedOptions<T> = {}) {
    super(signal, options);
    this.expected = "expected" in options ? { value: options.expected as T } : undefined;
    this.allowResume = options.allowResume ?? false;
  }
  protected shouldSuspend(value: T): boolean {
    this.expected ??= { value };
    return value !== this.expected.value;
  }
  protected override shouldResume(value: T): boolean {
    return this.allowResume && !this.shouldSuspend(value);
  }
  protected describe(value: T): string {
    return `changed to ${String(value)} from ${String(this.expected?.value)}`;
  }
}
