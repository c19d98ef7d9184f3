import type { Clock } from "./clock.js";
import type { Datatype } from "./datatype.js";
import type { DataKey, Reading } from "./reading.js";
import type { ReadingCallback, SignalBackend, SignalMetadata } from "./signal-backend.js";
import { makeDataKey } from "./signal-backend.js";

export interface SimSignalBackendOptions<T> extends SignalMetadata {
  clock: Clock;
  /** Computes the value now, e.g. a motor's encoder reading from its motion model. */
  read: () => T;
  /** Applies a write to the model; without it the signal is read-only. */
  write?: (value: T) => void | Promise<void>;
  /** Names the model in the data key's source: "sim://<model>". */
  model?: string;
}

/**
 * A value computed by a physics model on the clock. The model calls `notify()` when the
 * value changes so subscribers (progress bars, monitors, suspenders) see it move.
 */
export class SimSignalBackend<T> implements SignalBackend<T> {
  readonly datatype: Datatype<T>;
  readonly clock: Clock;
  readonly writable: boolean;
  private readonly compute: () => T;
  private readonly apply: ((value: T) => void | Promise<void>) | undefined;
  private readonly model: string | undefined;
  readonly metadata: SignalMetadata;
  private callback: ReadingCallback<T> | undefined;

  constructor(
    datatype: Datatype<T>,
    { clock, read, write, model, ...metadata }: SimSignalBackendOptions<T>,
  ) {
    this.datatype = datatype;
    this.clock = clock;
    this.compute = read;
    this.apply = write;
    this.writable = write !== undefined;
    this.model = model;
    this.metadata = metadata;
  }

  source(name: string): string {
    return `sim://${this.model ?? name}`;
  }

  async connect(): Promise<void> {}

  async getReading(): Promise<Reading<T>> {
    return this.current();
  }

  readingNow(): Reading<T> {
    return this.current();
  }

  async getValue(): Promise<T> {
    return this.compute();
  }

  async put(value: T): Promise<void> {
    if (!this.apply) throw new Error("a read-only sim signal was written");
    await this.apply(value);
    this.notify();
  }

  async getDataKey(source: string): Promise<DataKey> {
    return makeDataKey(this.datatype, this.compute(), source, this.metadata);
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.callback = callback;
  }

  /** Tells subscribers the model's value may have changed. */
  notify(): void {
    this.callback?.(this.current());
  }

  private current(): Reading<T> {
    return { value: this.compute(), timestamp: this.clock.now() };
  }
}
