import type { Clock } from "./clock.js";
import type { Datatype } from "./datatype.js";
import type { DataKey, Limits, Reading } from "./reading.js";

/** Static facts about a signal's value that describe() reports. */
export interface SignalMetadata {
  units?: string;
  precision?: number;
  limits?: Limits;
}

export type ReadingCallback<T> = (reading: Reading<T>) => void;

/**
 * Where a signal's value lives: memory, a physics model, a CA channel, a Modbus register,
 * a driver query. A Signal holds one backend and never asks which kind it is.
 */
export interface SignalBackend<T> {
  readonly datatype: Datatype<T>;
  /** Timestamps readings and times out operations. */
  readonly clock: Clock;
  readonly writable: boolean;
  /** Units, precision and limits known without I/O; a mock keeps them. */
  readonly metadata?: SignalMetadata;
  /** Where the value comes from, e.g. "soft://m1_velocity" or "ca://XF:31ID-MO{m1}". */
  source(name: string): string;
  connect(timeout: number): Promise<void>;
  /** Releases what connect() opened, if anything. */
  disconnect?(): Promise<void>;
  getReading(): Promise<Reading<T>>;
  /** The reading at once, for a backend that holds or computes it without I/O. */
  readingNow?(): Reading<T>;
  getValue(): Promise<T>;
  /** Writes a value already checked against the datatype; with `wait`, resolves when done. */
  put(value: T, wait: boolean): Promise<void>;
  getDataKey(source: string): Promise<DataKey>;
  /** At most one callback, set by the Signal, which fans out to its subscribers. */
  setCallback(callback: ReadingCallback<T> | undefined): void;
}

/** Builds the event-model data key of a value. */
export function makeDataKey<T>(
  datatype: Datatype<T>,
  value: T,
  source: string,
  metadata: SignalMetadata,
): DataKey {
  return {
    source,
    dtype: datatype.dtype,
    shape: datatype.shape(value),
    ...(datatype.dtypeNumpy === undefined ? {} : { dtype_numpy: datatype.dtypeNumpy }),
    ...(datatype.choices === undefined ? {} : { choices: [...datatype.choices] }),
    ...metadata,
  };
}
