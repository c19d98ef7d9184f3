import type { Clock } from "./clock.js";
import type { Datatype } from "./datatype.js";
import type { DataKey, Reading } from "./reading.js";
import { realClock } from "./real-clock.js";
import type { ReadingCallback, SignalBackend, SignalMetadata } from "./signal-backend.js";
import { makeDataKey } from "./signal-backend.js";

export interface SoftSignalBackendOptions<T> extends SignalMetadata {
  initial?: T;
  clock?: Clock;
}

/** A value held in memory; a write is done at once and stamped with the clock's time. */
export class SoftSignalBackend<T> implements SignalBackend<T> {
  readonly datatype: Datatype<T>;
  readonly clock: Clock;
  readonly writable = true;
  readonly metadata: SignalMetadata;
  private reading: Reading<T>;
  private callback: ReadingCallback<T> | undefined;

  constructor(
    datatype: Datatype<T>,
    { initial, clock = realClock, ...metadata }: SoftSignalBackendOptions<T> = {},
  ) {
    this.datatype = datatype;
    this.clock = clock;
    this.metadata = metadata;
    this.reading = { value: initial ?? datatype.initial, timestamp: clock.now() };
  }

  source(name: string): string {
    return `soft://${name}`;
  }

  async connect(): Promise<void> {}

  async getReading(): Promise<Reading<T>> {
    return this.reading;
  }

  readingNow(): Reading<T> {
    return this.reading;
  }

  async getValue(): Promise<T> {
    return this.reading.value;
  }

  async put(value: T): Promise<void> {
    this.set(value);
  }

  /** Writes at once, for the owner of a read-only signal. */
  set(value: T): void {
    this.reading = { value, timestamp: this.clock.now() };
    this.callback?.(this.reading);
  }

  async getDataKey(source: string): Promise<DataKey> {
    return makeDataKey(this.datatype, this.reading.value, source, this.metadata);
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.callback = callback;
  }
}
