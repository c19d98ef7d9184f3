import type { DataKey, DataKeys } from "./reading.js";

/**
 * The documents of a run, as bluesky's event-model defines them, so Python tools
 * (databroker, tiled, suitcase) read our runs as their own.
 */
export type ExitStatus = "success" | "abort" | "fail";

/** `hints.dimensions` of a start document: which fields are the independent axes, per stream. */
export type Dimensions = Array<[string[], string]>;

export interface RunStart {
  uid: string;
  time: number;
  scan_id?: number;
  plan_name?: string;
  plan_type?: string;
  plan_args?: Record<string, unknown>;
  detectors?: string[];
  motors?: string[];
  num_points?: number;
  num_intervals?: number;
  hints?: { dimensions?: Dimensions; [key: string]: unknown };
  [key: string]: unknown;
}

/** A data key as a descriptor holds it: with the name of the device it came from. */
export interface DescriptorDataKey extends DataKey {
  object_name?: string;
}

export interface ObjectConfiguration {
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
  data_keys: DataKeys;
}

export interface EventDescriptor {
  uid: string;
  time: number;
  run_start: string;
  /** The stream: "primary", "baseline", ... */
  name: string;
  data_keys: Record<string, DescriptorDataKey>;
  configuration: Record<string, ObjectConfiguration>;
  object_keys: Record<string, string[]>;
  hints: Record<string, { fields: string[] }>;
  [key: string]: unknown;
}

export interface Event {
  uid: string;
  time: number;
  descriptor: string;
  /** Counts from 1 within a stream, across its descriptors. */
  seq_num: number;
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
  filled: Record<string, boolean>;
}

/** Several events of one descriptor, column-wise. */
export interface EventPage {
  uid: string[];
  time: number[];
  descriptor: string;
  seq_num: number[];
  data: Record<string, unknown[]>;
  timestamps: Record<string, number[]>;
  filled: Record<string, boolean[]>;
}

export interface RunStop {
  uid: string;
  time: number;
  run_start: string;
  exit_status: ExitStatus;
  reason: string;
  num_events: Record<string, number>;
}

/** A file (or set of files) a detector writes one data key's frames to (event-model 1.24). */
export interface StreamResource {
  uid: string;
  run_start: string;
  /** The data key of the descriptor whose values are in the file. */
  data_key: string;
  /** How to read it, e.g. "application/x-hdf5". */
  mimetype: string;
  /** Where it is, e.g. "file://localhost/data/run/det.h5". */
  uri: string;
  /** What a reader needs besides the file, e.g. `{dataset: "/entry/data/data"}`. */
  parameters: Record<string, unknown>;
}

/** A half-open range of integers, [start, stop). */
export interface StreamRange {
  start: number;
  stop: number;
}

/** Which frames of a stream resource belong to which events of a descriptor. */
export interface StreamDatum {
  /** By convention `<stream_resource uid>/<index of this datum>`. */
  uid: string;
  stream_resource: string;
  descriptor: string;
  /** The frames in the file. */
  indices: StreamRange;
  /** The events they belong to. */
  seq_nums: StreamRange;
}

export interface DocumentMap {
  start: RunStart;
  descriptor: EventDescriptor;
  event: Event;
  event_page: EventPage;
  stream_resource: StreamResource;
  stream_datum: StreamDatum;
  stop: RunStop;
}

export type DocumentName = keyof DocumentMap;

/** A document with its name, as a `[name, doc]` line of a JSONL file holds it. */
export type NamedDocument = { [K in DocumentName]: [K, DocumentMap[K]] }[DocumentName];

/** Receives documents; may return a promise, which the engine awaits for lossless subscribers. */
export type DocumentCallback = (...document: NamedDocument) => void | Promise<void>;

/** Packs events of one descriptor into a page. */
export function packEventPage(events: readonly Event[]): EventPage {
  const first = events[0];
  if (!first) throw new RangeError("an event page needs at least one event");
  const column = <V>(pick: (e: Event) => Record<string, V>): Record<string, V[]> => {
    const columns: Record<string, V[]> = {};
    for (const key of Object.keys(pick(first))) columns[key] = events.map((e) => pick(e)[key]!);
    return columns;
  };
  return {
    uid: events.map((e) => e.uid),
    time: events.map((e) => e.time),
    descriptor: first.descriptor,
    seq_num: events.map((e) => e.seq_num),
    data: column((e) => e.data),
    timestamps: column((e) => e.timestamps),
    filled: column((e) => e.filled),
  };
}

/** Unpacks a page into its events. */
export function unpackEventPage(page: EventPage): Event[] {
  const row = <V>(columns: Record<string, V[]>, i: number): Record<string, V> =>
    Object.fromEntries(Object.entries(columns).map(([key, values]) => [key, values[i]!]));
  return page.uid.map((uid, i) => ({
    uid,
    time: page.time[i]!,
    descriptor: page.descriptor,
    seq_num: page.seq_num[i]!,
    data: row(page.data, i),
    timestamps: row(page.timestamps, i),
    filled: row(page.filled, i),
  }));
}
