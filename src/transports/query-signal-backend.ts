import type {
  AlarmSeverity,
  Clock,
  DataKey,
  Datatype,
  Reading,
  ReadingCallback,
  SignalBackend,
  SignalMetadata,
} from "../core/index.js";
import { makeDataKey } from "../core/index.js";

export interface QuerySignalBackendOptions<T> extends SignalMetadata {
  clock: Clock;
  /** The data key's source, e.g. "smc100://serial:/dev/ttyUSB0/1/TP". */
  source: string;
  /** The value before the first read (the device has not connected yet). */
  initial: T;
  /** Asks the instrument (a query such as `1TP`); without it a read gives the last value the device recorded. */
  read?: () => Promise<T>;
  /**
   * Tells the instrument; without it the signal is read-only. It may resolve with the value
   * the instrument actually took (a range snaps up), which is recorded instead of `value`.
   */
  write?: (value: T) => Promise<T | undefined>;
  /** False until the device has connected: reads give the last value, never the wire. */
  live: () => boolean;
}

/**
 * A value the driver asks the instrument for at each read (a setting), or one it records
 * itself (the current of the last trigger), kept as the last reading with its alarm
 * severity. Before the device connects, reads answer from memory.
 */
export class QuerySignalBackend<T> implements SignalBackend<T> {
  readonly datatype: Datatype<T>;
  readonly clock: Clock;
  readonly writable: boolean;
  private readonly options: QuerySignalBackendOptions<T>;
  readonly metadata: SignalMetadata;
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

  /** The device connects the instrument; the signal has nothing of its own to open. */
  async connect(): Promise<void> {}

  async getReading(): Promise<Reading<T>> {
    const { read, live } = this.options;
    if (read && live()) this.update(await read());
    return this.reading;
  }

  async getValue(): Promise<T> {
    return (await this.getReading()).value;
  }

  async put(value: T): Promise<void> {
    if (!this.options.write) throw new Error(`${this.options.source} is read-only`);
    const taken = await this.options.write(value);
    this.update(taken === undefined ? value : taken);
  }

  async getDataKey(source: string): Promise<DataKey> {
    return makeDataKey(this.datatype, this.reading.value, source, this.metadata);
  }

  setCallback(callback: ReadingCallback<T> | undefined): void {
    this.callback = callback;
  }

  /**
   * Records a value learned from the instrument. Subscribers hear of every recorded value
   * (each trigger is news, even when the current repeats) and of a setting that changed.
   */
  update(value: T, severity: AlarmSeverity = 0): void {
    const previous = this.reading;
    const changed =
      !Object.is(value, previous.value) || severity !== (previous.alarm_severity ?? 0);
    this.reading =
      severity === 0
        ? { value, timestamp: this.clock.now() }
        : { value, timestamp: this.clock.now(), alarm_severity: severity };
    if (changed || this.options.read === undefined) this.callback?.(this.reading);
  }
}
