import type {
  Clock,
  DataKey,
  Datatype,
  Reading,
  ReadingCallback,
  SignalBackend,
  SignalMetadata,
} from "../../src/core/index.js";
import { makeDataKey } from "../../src/core/index.js";

export interface QuerySignalBackendOptions<T> extends SignalMetadata {
  clock: Clock;
  /** The data key's source, e.g. "smc100://serial:/dev/ttyUSB0/1/TP". */
  source: string;
  /** The value before the first read (the device has not connected yet). */
  initial: T;
  /** Asks the controller. */
  read: () => Promise<T>;
  /** Tells the controller; without it the signal is read-only. */
  write?: (value: T) => Promise<void>;
  /** False until the device has connected: reads give the last value, never the wire. */
  live: () => boolean;
}

/**
 * A value the driver asks the controller for at each read, kept as the last reading so the
 * device can also push values it learned otherwise (the readback polled during a move).
 * Before the device connects, reads answer from memory: a signal subscribed in a
 * constructor (the Motor's limits) must not talk to a port that is not open yet.
 */
export class QuerySignalBackend<T> implements SignalBackend<T> {
  readonly datatype: Datatype<T>;
  readonly clock: Clock;
  readonly writable: boolean;
  private readonly options: QuerySignalBackendOptions<T>;
  private readonly metadata: SignalMetadata;
  private reading: Reading<T>;
  private callback: ReadingCallback<T> | undefined;

  constructor(datatype: Datatype<T>, options: QuerySignalBackendOptions<T>) {
    const { clock, initial, write, units, precision, limits } = options;
    this.datatype = datatype;
    this.clock = clock;
    this.writable = write !== undefined;
    this.options = options;
    this.metadata = {
      ...(units === undefined ? {} : { units }),
      ...(precision === undefined ? {} : { precision }),
      ...(limits === undefined ? {} : { limits }),
    };
    this.reading = { value: initial, timestamp: clock.now() };
  }

  source(): string {
    return this.options.source;
  }

  /** The device connects the controller; the signal has nothing of its own to open. */
  async connect(): Promise<void> {}

  async getReading(): Promise<Reading<T>> {
    if (this.options.live()) this.update(await this.options.read());
    return this.reading;
  }

  async getValue(): Promise<T> {
    return (await this.getReading()).value;
  }

  async put(value: T): Promise<void> {
    if (!this.options.write) throw new Error(`${this.options.source} is read-only`);
    await this.options.write(value);
    this.update(value);
  }

  async getDataKey(source: string): Promise<DataKey> {
    return makeDataKey(this.datatype, this.reading.value, source, this.metadata);
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.callback = callback;
  }

  /** Records a value learned from the controller; subscribers hear of it when it changed. */
  update(value: T): void {
    const changed = !Object.is(value, this.reading.value);
    this.reading = { value, timestamp: this.clock.now() };
    if (changed) this.callback?.(this.reading);
  }
}
