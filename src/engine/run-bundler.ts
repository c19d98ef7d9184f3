import type {
  Clock,
  Collectable,
  Configurable,
  DataKeys,
  DescriptorDataKey,
  EventDescriptor,
  ExitStatus,
  NamedDocument,
  ObjectConfiguration,
  Readable,
  Readings,
  RunStart,
  StreamAsset,
  StreamRange,
  Subscribable,
  WritesStreamAssets,
} from "../core/index.js";
import { hasHints, isConfigurable, writesStreamAssets } from "../core/index.js";
import { Collector } from "./collector.js";
import { PlanProtocolError } from "./errors.js";
import { Monitors } from "./monitors.js";
import { StreamAssets } from "./stream-assets.js";

/** Delivers a document; undefined when that is done at once. */
type Emit = (...document: NamedDocument) => Promise<void> | undefined;

type Log = (message: string, error?: unknown) => void;

/** How a run makes uids: one at a time, and many at once for an event page. */
interface Uids {
  newUid: () => string;
  newUids: (count: number) => string[];
}

/** A stream's descriptor and the objects whose reads (or collects) make up its events. */
export interface Stream {
  descriptor: EventDescriptor;
  objects: readonly object[];
}

/** Whether a stream's data keys come from describe() (read) or describeCollect() (collect). */
export type StreamSource = "read" | "collect";

interface Bundle {
  readonly stream: string;
  readonly reads: Map<Readable, Readings>;
  /** Frames that readers wrote to files, to describe before the event. */
  readonly assets: Array<[WritesStreamAssets, StreamAsset[]]>;
}

const METADATA_KEY = /^[^./]+$/;

/**
 * Turns a run's messages into event-model documents: start, one descriptor per stream (and
 * a new one when an object's configuration changes), events numbered per stream, stop.
 */
export class RunBundler {
  readonly runUid: string;
  private readonly emit: Emit;
  /** The delivery of documents sent from outside the message loop (monitors), in order. */
  private inFlight: Promise<void> | undefined;
  private readonly collector: Collector;
  readonly assets: StreamAssets;
  private readonly monitors: Monitors;
  private readonly log: Log;
  readonly newUid: () => string;
  readonly newUids: (count: number) => string[];
  readonly clock: Clock;
  private readonly streams = new Map<string, Stream>();
  /**
   * Events so far per stream name, which is also the last seq_num: as in bluesky, the count
   * goes on across the new descriptor a configuration change brings.
   */
  private readonly eventsPerStream = new Map<string, number>();
  private bundle: Bundle | undefined;

  private constructor(runUid: string, clock: Clock, emit: Emit, uids: Uids, log: Log) {
    this.runUid = runUid;
    this.clock = clock;
    this.emit = emit;
    this.newUid = uids.newUid;
    this.newUids = uids.newUids;
    this.log = log;
    this.assets = new StreamAssets(this);
    this.collector = new Collector(this);
    this.monitors = new Monitors(this, log);
  }

  /** Emits the start document and returns the bundler of the new run. */
  static async open(
    md: Record<string, unknown>,
    { clock, emit, log, ...uids }: { clock: Clock; emit: Emit; log: Log } & Uids,
  ): Promise<RunBundler> {
    const bad = Object.keys(md).filter((key) => !METADATA_KEY.test(key));
    if (bad.length > 0) {
      throw new PlanProtocolError(`metadata keys may not hold "." or "/": ${bad.join(", ")}`);
    }
    const start: RunStart = { ...md, uid: uids.newUid(), time: clock.now() };
    const bundler = new RunBundler(start.uid, clock, emit, uids, log);
    await emit("start", start);
    return bundler;
  }

  get bundling(): boolean {
    return this.bundle !== undefined;
  }

  create(stream: string): void {
    if (this.bundle) {
      throw new PlanProtocolError(
        `create "${stream}" while the "${this.bundle.stream}" bundle is open`,
      );
    }
    this.bundle = { stream, reads: new Map(), assets: [] };
  }

  async read(obj: Readable): Promise<Readings> {
    const bundle = this.bundle;
    if (!bundle) throw new PlanProtocolError(`read ${obj.name} outside a create/save bundle`);
    if (bundle.reads.has(obj))
      throw new PlanProtocolError(`${obj.name} was read twice in one event`);
    const readings = await obj.read();
    bundle.reads.set(obj, readings);
    // A camera in a step scan: its frame is in a file, described by stream assets.
    if (writesAssets(obj)) bundle.assets.push([obj, await obj.collectAssetDocs()]);
    return readings;
  }

  /** Emits the bundle as an event; undefined when that is done at once. */
  save(): Promise<void> | undefined {
    const bundle = this.bundle;
    if (!bundle) throw new PlanProtocolError("save without create");
    this.bundle = undefined;
    const known = this.streams.get(bundle.stream);
    // After the first event of a stream its descriptor is known: no need to wait for one.
    const ready = known && holdsExactly(known.objects, bundle.reads) && bundle.assets.length === 0;
    if (ready) return this.emitEvent(known, bundle);
    return this.saveSlowly(bundle);
  }

  /** Saves an event that needs its descriptor made first, or stream assets sent first. */
  private async saveSlowly(bundle: Bundle): Promise<void> {
    const stream = await this.streamFor(bundle.stream, [...bundle.reads.keys()], "read");
    const seqNum = this.eventCount(bundle.stream) + 1;
    // The frames of this event belong to it (bluesky counts from the stream's next seq_num).
    const seqNumsOf = ({ start, stop }: StreamRange): StreamRange => ({
      start: seqNum,
      stop: seqNum + stop - start,
    });
    for (const [obj, assets] of bundle.assets) {
      await this.assets.send(obj, assets, stream, seqNumsOf);
    }
    await this.emitEvent(stream, bundle);
  }

  private emitEvent(stream: Stream, bundle: Bundle): Promise<void> | undefined {
    const data: Record<string, unknown> = {};
    const timestamps: Record<string, number> = {};
    for (const readings of bundle.reads.values()) {
      for (const key in readings) {
        const reading = readings[key]!;
        data[key] = reading.value;
        timestamps[key] = reading.timestamp;
      }
    }
    const seqNum = this.advance(bundle.stream, 1);
    return this.send("event", {
      uid: this.newUid(),
      time: this.clock.now(),
      descriptor: stream.descriptor.uid,
      seq_num: seqNum,
      data,
      timestamps,
      filled: {},
    });
  }

  drop(): void {
    if (!this.bundle) throw new PlanProtocolError("drop without create");
    this.bundle = undefined;
  }

  /** Forgets a half-made event, so a rewound plan makes it again from the start. */
  rewind(): void {
    this.bundle = undefined;
  }

  async declareStream(
    stream: string,
    objects: readonly object[],
    source: StreamSource = "read",
  ): Promise<void> {
    if (this.streams.has(stream))
      throw new PlanProtocolError(`stream "${stream}" is already declared`);
    await this.streamFor(stream, objects, source);
  }

  /** Turns what `objects` gathered while flying into event pages and stream assets. */
  collect(stream: string, objects: readonly Collectable[]): Promise<number> {
    return this.collector.collect(stream, objects);
  }

  /** Collects what flyers gathered since the plan's last collect, before the run closes. */
  collectRest(): Promise<void> {
    return this.collector.collectRest(this.log);
  }

  /** Every change of `obj` becomes an event of `stream` until unmonitor(). */
  monitor(obj: Subscribable, stream: string): Promise<void> {
    return this.monitors.monitor(obj, stream);
  }

  unmonitor(obj: Subscribable): void {
    this.monitors.unmonitor(obj);
  }

  /** While a run is at rest (paused, suspended) its monitors make no events. */
  suspendMonitors(): void {
    this.monitors.suspend();
  }

  restoreMonitors(): void {
    this.monitors.restore();
  }

  /** Events of `stream` so far. */
  eventCount(stream: string): number {
    return this.eventsPerStream.get(stream) ?? 0;
  }

  /** Counts `n` new events of `stream` and gives the seq_num of the first. */
  advance(stream: string, n: number): number {
    const before = this.eventsPerStream.get(stream) ?? 0;
    this.eventsPerStream.set(stream, before + n);
    return before + 1;
  }

  /**
   * Delivers a document after any still on its way, so a monitor's event never overtakes
   * (or is overtaken by) a document of the message loop.
   */
  send(...document: NamedDocument): Promise<void> | undefined {
    const before = this.inFlight;
    // Without monitors nothing is sent from outside the loop: no need to keep track.
    if (before === undefined && !this.monitors.active) return this.emit(...document);
    const delivery = before ? before.then(() => this.emit(...document)) : this.emit(...document);
    if (!delivery) return undefined;
    // The next document waits for this one however it ends; the caller gets its failure.
    const settled: Promise<void> = delivery.then(
      () => this.settle(settled),
      () => this.settle(settled),
    );
    this.inFlight = settled;
    return delivery;
  }

  /** Forgets the delivery in flight once it is the last one sent. */
  private settle(delivery: Promise<void>): void {
    if (this.inFlight === delivery) this.inFlight = undefined;
  }

  /** The next event with `obj` gets a new descriptor carrying its new configuration. */
  configurationChanged(obj: object): void {
    for (const [name, stream] of this.streams) {
      if (stream.objects.some((o) => o === obj)) this.streams.delete(name);
    }
  }

  async close(exitStatus: ExitStatus, reason: string): Promise<void> {
    if (this.bundle) this.bundle = undefined;
    this.monitors.clear();
    await this.inFlight;
    await this.emit("stop", {
      uid: this.newUid(),
      time: this.clock.now(),
      run_start: this.runUid,
      exit_status: exitStatus,
      reason,
      num_events: Object.fromEntries(this.eventsPerStream),
    });
  }

  /** The stream of that name if its descriptor has been sent. */
  known(name: string): Stream | undefined {
    return this.streams.get(name);
  }

  /** The stream of that name, made (its descriptor emitted) on first use. */
  async streamFor(name: string, objects: readonly object[], source: StreamSource): Promise<Stream> {
    const known = this.streams.get(name);
    if (known) {
      if (!sameObjects(known.objects, objects)) {
        const was = known.objects.map(nameOf).join(", ");
        const now = objects.map(nameOf).join(", ");
        throw new PlanProtocolError(`stream "${name}" holds [${was}]; an event read [${now}]`);
      }
      return known;
    }
    const descriptor = await this.describe(name, objects, source);
    const stream: Stream = { descriptor, objects };
    this.streams.set(name, stream);
    this.eventsPerStream.set(name, this.eventsPerStream.get(name) ?? 0);
    await this.send("descriptor", stream.descriptor);
    return stream;
  }

  private async describe(
    name: string,
    objects: readonly object[],
    source: StreamSource,
  ): Promise<EventDescriptor> {
    const descriptor: EventDescriptor = {
      uid: this.newUid(),
      time: this.clock.now(),
      run_start: this.runUid,
      name,
      data_keys: {},
      configuration: {},
      object_keys: {},
      hints: {},
    };
    for (const obj of objects) {
      const keys = await dataKeysOf(obj, source, name);
      const objName = nameOf(obj);
      for (const [field, key] of Object.entries(keys)) {
        const known = descriptor.data_keys[field];
        // Detectors on one trigger each give its positions: one source, one field.
        if (known && source === "collect" && known.source === key.source) continue;
        if (known) {
          throw new PlanProtocolError(
            `field ${field} of ${objName} is already in stream "${name}"`,
          );
        }
        descriptor.data_keys[field] = { ...key, object_name: objName } satisfies DescriptorDataKey;
      }
      descriptor.object_keys[objName] = Object.keys(keys);
      if (isConfigurable(obj)) descriptor.configuration[objName] = await configurationOf(obj);
      if (hasHints(obj)) descriptor.hints[objName] = { fields: [...obj.hints.fields] };
    }
    return descriptor;
  }
}

/** Whether a reader writes its frames to files, asked once per object: reads are hot. */
const assetWriters = new WeakMap<object, boolean>();
function writesAssets(obj: object): obj is WritesStreamAssets {
  let writes = assetWriters.get(obj);
  if (writes === undefined) assetWriters.set(obj, (writes = writesStreamAssets(obj)));
  return writes;
}

function nameOf(obj: object): string {
  const name = (obj as { name?: unknown }).name;
  return typeof name === "string" ? name : String(obj);
}

function dataKeysOf(obj: object, source: StreamSource, stream: string): Promise<DataKeys> {
  const how = source === "collect" ? "describeCollect" : "describe";
  const describe = (obj as Partial<Record<typeof how, () => Promise<DataKeys>>>)[how];
  if (typeof describe !== "function") {
    const can = source === "collect" ? "be collected" : "be read";
    throw new PlanProtocolError(`${nameOf(obj)} cannot ${can} into stream "${stream}"`);
  }
  return describe.call(obj);
}

async function configurationOf(obj: Configurable): Promise<ObjectConfiguration> {
  const [readings, dataKeys] = await Promise.all([
    obj.readConfiguration(),
    obj.describeConfiguration(),
  ]);
  const data: Record<string, unknown> = {};
  const timestamps: Record<string, number> = {};
  for (const [field, reading] of Object.entries(readings)) {
    data[field] = reading.value;
    timestamps[field] = reading.timestamp;
  }
  return { data, timestamps, data_keys: dataKeys };
}

/** Whether the event read exactly the objects of the stream. */
function holdsExactly(objects: readonly object[], reads: ReadonlyMap<Readable, Readings>): boolean {
  if (objects.length !== reads.size) return false;
  for (const obj of objects) if (!reads.has(obj as Readable)) return false;
  return true;
}

function sameObjects(a: readonly object[], b: readonly object[]): boolean {
  return a.length === b.length && a.every((obj) => b.includes(obj));
}
