/** The data types of event-model data keys. */
export type Dtype = "number" | "integer" | "string" | "boolean" | "array";

/** A range of limits; null where there is none. */
export interface LimitRange {
  low: number | null;
  high: number | null;
}

/** event-model's limits of a data key. */
export interface Limits {
  control?: LimitRange;
  display?: LimitRange;
  warning?: LimitRange;
  alarm?: LimitRange;
}

/** What describe() gives for one field: an event-model data key. */
export interface DataKey {
  source: string;
  dtype: Dtype;
  /** [] for scalars, [n] for a 1-D array. */
  shape: number[];
  /** numpy's description of the element type, e.g. "<f8", so Python readers allocate right. */
  dtype_numpy?: string;
  units?: string;
  precision?: number;
  limits?: Limits;
  /** The strings of an enumeration. */
  choices?: string[];
  object_name?: string;
  /**
   * Where the data are when not in the events: "STREAM:" for frames a detector writes to
   * files, described by stream_resource and stream_datum documents.
   */
  external?: string;
}

/** EPICS alarm severities: 0 none, 1 minor, 2 major, 3 invalid. */
export type AlarmSeverity = 0 | 1 | 2 | 3;

/** What read() gives for one field. */
export interface Reading<T = unknown> {
  value: T;
  timestamp: number;
  alarm_severity?: AlarmSeverity;
}

export type Readings = Record<string, Reading>;
export type DataKeys = Record<string, DataKey>;
