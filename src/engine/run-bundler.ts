import type {
  Clock,
  Configurable,
  DescriptorDataKey,
  EventDescriptor,
  ExitStatus,
  NamedDocument,
  ObjectConfiguration,
  Readable,
  Readings,
  RunStart,
} from "../core/index.js";
import { hasHints, isConfigurable } from "../core/index.js";
import { PlanProtocolError } from "./errors.js";

/** Delivers a document; undefined when that is done at once. */
type Emit = (...document: NamedDocument) => Promise<void> | undefined;

interface Stream {
  descriptor: EventDescriptor;
  /** The objects whose reads make up each event, in order. */
  objects: readonly Readable[];
}

interface Bundle {
  readonly stream: string;
  readonly reads: Map<Readable, Readings>;
}

const METADATA_KEY = /^[^./]+$/;

/**
 * Turns a run's messages into event-model documents: start, one descriptor per stream (and
 * a new one when an object's configuration changes), events numbered per stream, stop.
 */
export class RunBundler {
  readonly runUid: string;
  private readonly clock: Clock;
  private readonly emit: Emit;
  private readonly newUid: () => string;
  private readonly streams = new Map<string, Stream>();
  /**
   * Events so far per stream name, which is also the last seq_num: as in bluesky, the count
   * goes on across the new descriptor a configuration change brings.
   */
  private readonly eventsPerStream = new Map<string, number>();
  private bundle: Bundle | undefined;

  private constructor(runUid: string, clock: Clock, emit: Emit, newUid: () => string) {
    this.runUid = runUid;
    this.clock = clock;
    this.emit = emit;
    this.newUid = newUid;
  }

  /** Emits the start document and returns the bundler of the new run. */
  static async open(
    md: Record<string, unknown>,
    { clock, emit, newUid }: { clock: Clock; emit: Emit; newUid: () => string },
  ): Promise<RunBundler> {
    const bad = Object.keys(md).filter((key) => !METADATA_KEY.test(key));
    if (bad.length > 0) {
      throw new PlanProtocolError(`metadata keys may not hold "." or "/": ${bad.join(", ")}`);
    }
    const start: RunStart = { ...md, uid: newUid(), time: clock.now() };
    const bundler = new RunBundler(start.uid, clock, emit, newUid);
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
    this.bundle = { stream, reads: new Map() };
  }

  async read(obj: Readable): Promise<Readings> {
    const bundle = this.bundle;
    if (!bundle) throw new PlanProtocolError(`read ${obj.name} outside a create/save bundle`);
    if (bundle.reads.has(obj))
      throw new PlanProtocolError(`${obj.name} was read twice in one event`);
    const readings = await obj.read();
    bundle.reads.set(obj, readings);
    return readings;
  }

  /** Emits the bundle as an event; undefined when that is done at once. */
  save(): Promise<void> | undefined {
    const bundle = this.bundle;
    if (!bundle) throw new PlanProtocolError("save without create");
    this.bundle = undefined;
    const known = this.streams.get(bundle.stream);
    // After the first event of a stream its descriptor is known: no need to wait for one.
    if (known && holdsExactly(known.objects, bundle.reads)) return this.emitEvent(known, bundle);
    return this.saveFirst(bundle);
  }

  private async saveFirst(bundle: Bundle): Promise<void> {
    const stream = await this.streamFor(bundle.stream, [...bundle.reads.keys()]);
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
    const seqNum = (this.eventsPerStream.get(bundle.stream) ?? 0) + 1;
    this.eventsPerStream.set(bundle.stream, seqNum);
    return this.emit("event", {
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

  async declareStream(stream: string, objects: readonly Readable[]): Promise<void> {
    if (this.streams.has(stream))
      throw new PlanProtocolError(`stream "${stream}" is already declared`);
    await this.streamFor(stream, objects);
  }

  /** The next event with `obj` gets a new descriptor carrying its new configuration. */
  configurationChanged(obj: object): void {
    for (const [name, stream] of this.streams) {
      if (stream.objects.some((o) => o === obj)) this.streams.delete(name);
    }
  }

  async close(exitStatus: ExitStatus, reason: string): Promise<void> {
    if (this.bundle) this.bundle = undefined;
    await this.emit("stop", {
      uid: this.newUid(),
      time: this.clock.now(),
      run_start: this.runUid,
      exit_status: exitStatus,
      reason,
      num_events: Object.fromEntries(this.eventsPerStream),
    });
  }

  private async streamFor(name: string, objects: readonly Readable[]): Promise<Stream> {
    const known = this.streams.get(name);
    if (known) {
      if (!sameObjects(known.objects, objects)) {
        const was = known.objects.map((o) => o.name).join(", ");
        const now = objects.map((o) => o.name).join(", ");
        throw new PlanProtocolError(`stream "${name}" holds [${was}]; an event read [${now}]`);
      }
      return known;
    }
    const stream: Stream = { descriptor: await this.describe(name, objects), objects };
    this.streams.set(name, stream);
    this.eventsPerStream.set(name, this.eventsPerStream.get(name) ?? 0);
    await this.emit("descriptor", stream.descriptor);
    return stream;
  }

  private async describe(name: string, objects: readonly Readable[]): Promise<EventDescriptor> {
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
      const keys = await obj.describe();
      for (const [field, key] of Object.entries(keys)) {
        if (field in descriptor.data_keys) {
          throw new PlanProtocolError(
            `field ${field} of ${obj.name} is already in stream "${name}"`,
          );
        }
        descriptor.data_keys[field] = { ...key, object_name: obj.name } satisfies DescriptorDataKey;
      }
      descriptor.object_keys[obj.name] = Object.keys(keys);
      if (isConfigurable(obj)) descriptor.configuration[obj.name] = await configurationOf(obj);
      if (hasHints(obj)) descriptor.hints[obj.name] = { fields: [...obj.hints.fields] };
    }
    return descriptor;
  }
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
function holdsExactly(
  objects: readonly Readable[],
  reads: ReadonlyMap<Readable, Readings>,
): boolean {
  if (objects.length !== reads.size) return false;
  for (const obj of objects) if (!reads.has(obj)) return false;
  return true;
}

function sameObjects(a: readonly Readable[], b: readonly Readable[]): boolean {
  return a.length === b.length && a.every((obj) => b.includes(obj));
}
