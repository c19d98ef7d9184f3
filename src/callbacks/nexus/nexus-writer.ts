import { mkdirSync } from "node:fs";
import { dirname, relative } from "node:path";
import { HilError } from "../../core/index.js";
import type {
  DocumentCallback,
  EventDescriptor,
  EventPage,
  NamedDocument,
  RunStart,
  RunStop,
  StreamDatum,
  StreamResource,
} from "../../core/index.js";
import { asText, columnKind, flatNumbers } from "./columns.js";
import {
  append,
  type Column,
  extendable,
  type H5Dataset,
  type H5File,
  type H5Group,
  isoTime,
  makeColumn,
  setAttribute,
  text,
} from "./datasets.js";
import { type Hdf5, loadHdf5, loadedHdf5, resourceFrames } from "./hdf5.js";
import { Instrument } from "./instrument.js";

/** The group of the primary stream, as NeXus names the plottable data of an entry. */
export const NEXUS_DATA_GROUP = "data";
const HDF5_MIMETYPE = "application/x-hdf5";

interface Stream {
  readonly name: string;
  readonly group: H5Group;
  readonly columns: Map<string, Column>;
  /** Event times, seconds since the epoch. */
  readonly time: H5Dataset;
  /** Rows in the file. */
  rows: number;
  /** Rows not yet written: their times and, by field, their values. */
  waiting: { times: number[]; values: Map<string, unknown[]> };
}

/** Rows are written in batches of at most this many, or once this much event time has passed. */
const BATCH_ROWS = 1000;
const BATCH_SECONDS = 1;

/**
 * Writes one run as a NeXus/HDF5 file: `/entry` (NXentry) with the start document's
 * metadata as attributes and the NeXus fields title, start_time, end_time,
 * entry_identifier and exit_status; the primary stream in `/entry/data` (NXdata, its
 * `signal` the first hinted detector field and `axes` the scan's dimensions), every other
 * stream in `/entry/<stream>` (NXcollection). Each field is a dataset of shape
 * [events, ...the data key's shape], its dtype from the data key, `units` as an attribute,
 * plus a `time` dataset of event times.
 *
 * Numbers are appended to chunked, extendable datasets in batches (every 1000 rows or 1 s of
 * event time, whichever comes first) and the file is flushed after each, so it is a valid
 * HDF5 file at every moment, at most one batch behind the documents; text
 * fields (strings, arrays of unknown shape) are kept until stop and written then. The file
 * is closed at stop, whatever the exit status. Frames a detector wrote to its own HDF5 file
 * (stream_resource/stream_datum) become external links: `/entry/data/<field>` opens the
 * detector's dataset, by a path relative to this file.
 *
 * `/entry/instrument` (NXinstrument) holds a group per device of the run: an NXpositioner
 * per motor, an NXdetector per detector, an NXcollection per other device, their fields
 * links to the streams' datasets and their configuration beside them (see `Instrument`).
 *
 * Documents are handled synchronously once HDF5 is loaded; the first start document may
 * return a promise while it loads (await `NexusWriter.ready()` to avoid that).
 */
export class NexusWriter {
  readonly path: string;
  readonly callback: DocumentCallback = (...document) => this.receive(document);
  private file: H5File | undefined;
  private entry: H5Group | undefined;
  private instrument: Instrument | undefined;
  private start: RunStart | undefined;
  private readonly streams = new Map<string, Stream>();
  private readonly descriptors = new Map<string, Stream>();
  private readonly resources = new Map<string, StreamResource>();
  private readonly linked = new Set<string>();
  private pending: Promise<unknown> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** Resolves when the HDF5 library is loaded: from then on every document is handled at once. */
  static async ready(): Promise<void> {
    await loadHdf5();
  }

  /** Whether a run's file is open. */
  get open(): boolean {
    return this.file !== undefined;
  }

  /** Closes the file if a run is open (stop does this); safe to call again. */
  close(): void {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    this.entry = undefined;
    this.instrument = undefined;
    file.close();
  }

  private receive(document: NamedDocument): void | Promise<void> {
    const hdf5 = loadedHdf5();
    if (hdf5 && !this.pending) return this.handle(hdf5, document);
    const settled = (this.pending ?? loadHdf5()).then(
      () => this.handle(loadedHdf5()!, document),
      () => this.handle(loadedHdf5()!, document),
    );
    const pending = settled.finally(() => {
      if (this.pending === pending) this.pending = undefined;
    });
    this.pending = pending;
    return pending;
  }

  private handle(hdf5: Hdf5 | undefined, [name, doc]: NamedDocument): void {
    if (!hdf5) throw writeError(this.path, "cannot write", "HDF5 did not load");
    switch (name) {
      case "start":
        return this.openRun(hdf5, doc);
      case "descriptor":
        return this.descriptor(doc);
      case "event":
        return this.rows(doc.descriptor, 1, (field) => [doc.data[field]], [doc.time]);
      case "event_page":
        return this.page(doc);
      case "stream_resource":
        this.resources.set(doc.uid, doc);
        return;
      case "stream_datum":
        return this.datum(doc);
      case "stop":
        return this.stop(doc);
    }
  }

  private openRun(hdf5: Hdf5, start: RunStart): void {
    this.close();
    this.streams.clear();
    this.descriptors.clear();
    this.resources.clear();
    this.linked.clear();
    this.start = start;
    let file: H5File;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      file = new hdf5.File(this.path, "w");
    } catch (error) {
      throw writeError(this.path, "cannot create", error);
    }
    // HDF5 reports a file it could not create by an invalid identifier, not an exception
    if (file.file_id < 0n) throw writeError(this.path, "cannot create", "HDF5 could not create it");
    this.file = file;
    const entry = file.create_group("entry");
    this.entry = entry;
    file.create_attribute("default", "entry");
    entry.create_attribute("NX_class", "NXentry");
    entry.create_attribute("default", NEXUS_DATA_GROUP);
    for (const [key, value] of Object.entries(start)) {
      if (key === "NX_class" || key === "default") continue;
      setAttribute(entry, key, value);
    }
    text(entry, "title", start.plan_name ?? "run");
    text(entry, "start_time", isoTime(start.time));
    text(entry, "entry_identifier", start.uid);
    if (Number.isInteger(start.scan_id)) {
      entry.create_dataset({
        name: "scan_id",
        data: BigInt64Array.of(BigInt(start.scan_id!)),
        shape: [],
        dtype: "<q",
      });
    }
    this.instrument = new Instrument(entry, start);
    file.flush();
  }

  private descriptor(doc: EventDescriptor): void {
    const entry = this.entry;
    if (!entry || doc.run_start !== this.start?.uid) return;
    let stream = this.streams.get(doc.name);
    if (!stream) {
      const groupName =
        doc.name === "primary" ? NEXUS_DATA_GROUP : streamGroupName(entry, doc.name);
      const group = entry.create_group(groupName);
      group.create_attribute("NX_class", doc.name === "primary" ? "NXdata" : "NXcollection");
      group.create_attribute("stream", doc.name);
      const time = extendable(group, uniqueName(doc.data_keys, "time"), "<d", []);
      time.create_attribute("units", "s");
      const waiting = { times: [], values: new Map<string, unknown[]>() };
      stream = { name: doc.name, group, columns: new Map(), time, rows: 0, waiting };
      this.streams.set(doc.name, stream);
      if (doc.name === "primary") this.plottable(group, doc);
    }
    for (const [field, key] of Object.entries(doc.data_keys)) {
      if (stream.columns.has(field) || key.external !== undefined) continue;
      stream.columns.set(field, makeColumn(stream.group, field, key));
    }
    this.descriptors.set(doc.uid, stream);
    this.instrument?.describe(doc, stream.group);
    this.file!.flush();
  }

  /** NXdata's signal and axes: the first hinted detector field against the scan's dimensions. */
  private plottable(group: H5Group, doc: EventDescriptor): void {
    const start = this.start!;
    const hinted = (device: string): string[] =>
      doc.hints[device]?.fields ?? doc.object_keys[device] ?? [];
    const dimensions = (start.hints?.dimensions ?? [])
      .filter(([, stream]) => stream === doc.name)
      .flatMap(([fields]) => fields);
    const axes = (dimensions.length > 0 ? dimensions : (start.motors ?? []).flatMap(hinted)).filter(
      (field) => field in doc.data_keys,
    );
    const signal =
      (start.detectors ?? []).flatMap(hinted).find((field) => field in doc.data_keys) ??
      Object.entries(doc.data_keys).find(
        ([field, key]) => !axes.includes(field) && columnKind(key).kind === "numeric",
      )?.[0];
    const axis = axes[0] ?? (doc.data_keys.time ? undefined : "time");
    if (signal) {
      group.create_attribute("signal", signal);
      const rank = (doc.data_keys[signal]?.shape ?? []).length;
      if (axis) group.create_attribute("axes", [axis, ...Array<string>(rank).fill(".")]);
    }
    for (const field of axes.length > 0 ? axes : axis ? [axis] : []) {
      group.create_attribute(`${field}_indices`, Int32Array.of(0), [], "<i");
    }
  }

  private page(doc: EventPage): void {
    this.rows(doc.descriptor, doc.time.length, (field) => doc.data[field], doc.time);
  }

  /** Keeps `n` rows of a descriptor's stream, written when a batch is full or old enough. */
  private rows(
    descriptor: string,
    n: number,
    values: (field: string) => unknown[] | undefined,
    times: number[],
  ): void {
    const stream = this.descriptors.get(descriptor);
    if (!stream || n === 0) return;
    const { waiting } = stream;
    for (const field of stream.columns.keys()) {
      let kept = waiting.values.get(field);
      if (!kept)
        waiting.values.set(field, (kept = Array<unknown>(waiting.times.length).fill(undefined)));
      kept.push(...(values(field) ?? Array<unknown>(n).fill(undefined)));
    }
    waiting.times.push(...times);
    const age = waiting.times.at(-1)! - waiting.times[0]!;
    if (waiting.times.length >= BATCH_ROWS || age >= BATCH_SECONDS) this.writeWaiting(stream);
  }

  /** Appends the rows a stream keeps to every one of its columns, and flushes the file. */
  private writeWaiting(stream: Stream): void {
    const { times, values: kept } = stream.waiting;
    const n = times.length;
    if (n === 0) return;
    stream.waiting = { times: [], values: new Map() };
    const values = (field: string) => kept.get(field);
    const from = stream.rows;
    const to = from + n;
    append(stream.time, from, to, Float64Array.from(times));
    for (const column of stream.columns.values()) {
      const columnValues = values(column.field) ?? Array<unknown>(n).fill(undefined);
      if (column.kind.kind === "text") {
        column.text.push(...columnValues.map(asText));
        continue;
      }
      const { shape, make } = column.kind;
      const size = shape.reduce((a, b) => a * b, 1);
      const numbers = columnValues.flatMap((value, i) => {
        if (value === undefined) return Array<number>(size).fill(Number.NaN);
        const flat = flatNumbers(value);
        if (flat.length !== size) {
          throw new HilError(
            "HIL_NEXUS_WRITE",
            `${this.path}: ${column.field} of event ${from + i + 1} of ${stream.name} has ` +
              `${flat.length} values; its data key's shape [${shape.join(", ")}] has ${size}`,
          );
        }
        return flat;
      });
      append(column.dataset!, from, to, make(numbers));
    }
    stream.rows = to;
    this.file!.flush();
  }

  /** Links the frames a datum describes, once per resource, where the stream's field belongs. */
  private datum(doc: StreamDatum): void {
    const stream = this.descriptors.get(doc.descriptor);
    const resource = this.resources.get(doc.stream_resource);
    if (!stream || !resource || this.linked.has(resource.uid)) return;
    if (resource.mimetype !== HDF5_MIMETYPE || !resource.uri.startsWith("file:")) return;
    if (stream.group.keys().includes(resource.data_key)) return;
    const { path: target, dataset } = resourceFrames(resource);
    const link = relative(dirname(this.path), target) || target;
    stream.group.create_external_link(link, dataset, resource.data_key);
    this.instrument?.frames(doc.descriptor, resource.data_key, link, dataset);
    this.linked.add(resource.uid);
    this.file!.flush();
  }

  private stop(doc: RunStop): void {
    const entry = this.entry;
    if (!entry || doc.run_start !== this.start?.uid) return;
    try {
      for (const stream of this.streams.values()) {
        this.writeWaiting(stream);
        for (const column of stream.columns.values()) {
          if (column.kind.kind !== "text") continue;
          stream.group.create_dataset({ name: column.field, data: column.text, dtype: "S" });
        }
        stream.group.create_attribute(
          "num_events",
          BigInt64Array.of(BigInt(stream.rows)),
          [],
          "<q",
        );
      }
      this.instrument?.finish();
      text(entry, "end_time", isoTime(doc.time));
      text(entry, "exit_status", doc.exit_status);
      entry.create_attribute("exit_status", doc.exit_status);
      if (doc.reason) text(entry, "reason", doc.reason);
    } finally {
      this.close();
    }
  }
}

/** `name` unless a field of the stream has it; then `event_<name>`. */
function uniqueName(keys: Record<string, unknown>, name: string): string {
  return name in keys ? `event_${name}` : name;
}

/** A stream's group in the entry: its name, unless a field of the entry has it. */
function streamGroupName(entry: H5Group, stream: string): string {
  const taken = new Set(entry.keys());
  return taken.has(stream) || stream === NEXUS_DATA_GROUP ? `${stream}_stream` : stream;
}

function writeError(path: string, what: string, cause: unknown): HilError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HilError("HIL_NEXUS_WRITE", `${what} ${path}: ${reason}`, { cause });
}
