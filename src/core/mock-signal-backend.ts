import type { Clock } from "./clock.js";
import type { Datatype } from "./datatype.js";
import type { DataKey, Reading } from "./reading.js";
import type { ReadingCallback, SignalBackend, SignalMetadata } from "./signal-backend.js";
import { makeDataKey } from "./signal-backend.js";
import { SoftSignalBackend } from "./soft-signal-backend.js";

/** One write a mock received, as ophyd-async's `call(value, wait=...)`. */
export interface MockPut<T> {
  readonly value: T;
  readonly wait: boolean;
}

/** Runs on each write to a mock, after the value is stored; a put waits for it. */
export type MockPutCallback<T> = (value: T, wait: boolean) => void | Promise<void>;

/** Numbers every put of every mock, so the puts of a whole device can be put in order. */
let putsSoFar = 0;

/**
 * Stands in for a real backend after `connect({mock: true})`: same datatype, clock and
 * metadata, no transport. Values live in memory; every put is recorded and may be hooked.
 * A soft backend is its own store (its owner's setter keeps working); any other real
 * backend is never called, not even connect().
 */
export class MockSignalBackend<T> implements SignalBackend<T> {
  readonly datatype: Datatype<T>;
  readonly clock: Clock;
  readonly writable: boolean;
  readonly metadata: SignalMetadata;
  private readonly real: SignalBackend<T>;
  private readonly store: SoftSignalBackend<T>;
  private readonly puts: Array<MockPut<T> & { readonly order: number }> = [];
  private putCallback: MockPutCallback<T> | undefined;

  constructor(real: SignalBackend<T>) {
    this.real = real;
    this.datatype = real.datatype;
    this.clock = real.clock;
    this.writable = real.writable;
    this.metadata = { ...real.metadata };
    this.store =
      real instanceof SoftSignalBackend
        ? real
        : new SoftSignalBackend(real.datatype, { clock: real.clock });
  }

  source(name: string): string {
    return `mock+${this.real.source(name)}`;
  }

  /** Nothing to open: a mock never touches the real backend's transport. */
  async connect(): Promise<void> {}

  async getReading(): Promise<Reading<T>> {
    return this.store.readingNow();
  }

  readingNow(): Reading<T> {
    return this.store.readingNow();
  }

  async getValue(): Promise<T> {
    return this.store.readingNow().value;
  }

  async put(value: T, wait: boolean): Promise<void> {
    this.puts.push({ value, wait, order: ++putsSoFar });
    this.store.set(value);
    await this.putCallback?.(value, wait);
  }

  async getDataKey(source: string): Promise<DataKey> {
    return makeDataKey(this.datatype, this.store.readingNow().value, source, this.metadata);
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.store.setCallback(callback);
  }

  /** Stores a value as if the hardware reported it; subscribers hear of it. */
  setValue(value: T): void {
    this.store.set(value);
  }

  /** Hooks every later put (one hook at a time; undefined removes it). */
  onPut(callback: MockPutCallback<T> | undefined): void {
    this.putCallback = callback;
  }

  /** Every put so far, oldest first. */
  getPuts(): Array<MockPut<T>> {
    return this.puts.map(({ value, wait }) => ({ value, wait }));
  }

  /** Every put so far with its place among the puts of all mocks. */
  getOrderedPuts(): ReadonlyArray<MockPut<T> & { readonly order: number }> {
    return this.puts;
  }

  /** Forgets the puts so far (ophyd-async's reset_mock). */
  clearPuts(): void {
    this.puts.length = 0;
  }
}
