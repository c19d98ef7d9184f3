import type {
  Collectable,
  EventPage,
  PartialEventPage,
  StreamRange,
  WritesStreamAssets,
} from "../core/index.js";
import { isEventCollectable, isEventPageCollectable, writesStreamAssets } from "../core/index.js";
import { PlanProtocolError } from "./errors.js";
import type { RunBundler, Stream } from "./run-bundler.js";

/** Rows an object has given that are not yet in an event page. */
interface Rows {
  time: number[];
  data: Record<string, unknown[]>;
  timestamps: Record<string, number[]>;
}

/**
 * The `collect` messages of a run: what flyers gathered becomes event pages of one stream,
 * and the frames a detector wrote to files become stream_resource/stream_datum documents.
 *
 * Objects collected into one stream take one row each per trigger, so row i of every
 * object makes event i together; rows an object gave ahead of the others wait for the next
 * collect. Frame i of a file-writing detector belongs to event i + 1 (seq_num) of the
 * stream, which is what its stream_datum says.
 */
export class Collector {
  private readonly bundler: RunBundler;
  private readonly waiting = new Map<Collectable, Rows>();
  /** The objects of each stream collected so far, for the last collect as the run ends. */
  private readonly collected = new Map<string, readonly Collectable[]>();

  constructor(bundler: RunBundler) {
    this.bundler = bundler;
  }

  /** Sends what is ready; gives the number of events made. */
  async collect(streamName: string, objects: readonly Collectable[]): Promise<number> {
    if (objects.length === 0) throw new PlanProtocolError("collect needs at least one object");
    const stream = await this.bundler.streamFor(streamName, objects, "collect");
    this.collected.set(streamName, objects);
    const rowGivers: Collectable[] = [];
    let frames = 0;
    for (const obj of objects) {
      if (writesStreamAssets(obj)) {
        frames = Math.max(frames, await this.collectAssets(obj, stream));
      } else {
        await this.gather(obj);
        rowGivers.push(obj);
      }
    }
    if (rowGivers.length === 0) {
      // Only files: the events are the frames, counted for num_events and seq_num.
      const added = frames - this.bundler.eventCount(streamName);
      if (added > 0) this.bundler.advance(streamName, added);
      return Math.max(0, added);
    }
    return this.emitRows(streamName, stream, rowGivers);
  }

  /**
   * Collects every stream once more, as bluesky's backstop collect when a run ends: what
   * flyers gathered after the plan's last collect (an abort mid-flight) is not lost.
   */
  async collectRest(log: (message: string, error?: unknown) => void): Promise<void> {
    for (const [stream, objects] of this.collected) {
      await this.collect(stream, objects).catch((error: unknown) =>
        log(`the last collect of stream "${stream}" failed`, error),
      );
    }
  }

  private async gather(obj: Collectable): Promise<void> {
    let pages: PartialEventPage[];
    if (isEventPageCollectable(obj)) pages = await obj.collectPages();
    else if (isEventCollectable(obj)) pages = (await obj.collect()).map(pageOfOne);
    else
      throw new PlanProtocolError(
        `${obj.name} has nothing to collect (no collect or collectPages)`,
      );
    let rows = this.waiting.get(obj);
    for (const page of pages) {
      if (!rows) {
        rows = { time: page.time, data: page.data, timestamps: page.timestamps };
        continue;
      }
      rows = append(rows, page);
    }
    if (rows) this.waiting.set(obj, rows);
  }

  /** Emits the rows every object has, as one event page. */
  private async emitRows(
    streamName: string,
    stream: Stream,
    objects: readonly Collectable[],
  ): Promise<number> {
    let count = Infinity;
    for (const obj of objects) count = Math.min(count, this.waiting.get(obj)?.time.length ?? 0);
    if (count === 0) return 0;
    const page: EventPage = {
      uid: [],
      time: [],
      descriptor: stream.descriptor.uid,
      seq_num: [],
      data: {},
      timestamps: {},
      filled: {},
    };
    for (const [i, obj] of objects.entries()) {
      const rows = this.waiting.get(obj)!;
      const taken = take(rows, count);
      if (i === 0) page.time = taken.time;
      Object.assign(page.data, taken.data);
      Object.assign(page.timestamps, taken.timestamps);
      if (rows.time.length === 0) this.waiting.delete(obj);
    }
    const first = this.bundler.advance(streamName, count);
    const seqNums = new Array<number>(count);
    for (let i = 0; i < count; i++) seqNums[i] = first + i;
    page.uid = this.bundler.newUids(count);
    page.seq_num = seqNums;
    await this.bundler.send("event_page", page);
    return count;
  }

  /** Sends the detector's new stream assets; gives how many frames are in its files. */
  private async collectAssets(obj: WritesStreamAssets, stream: Stream): Promise<number> {
    const index = await obj.getIndex();
    // Frame i of a flight belongs to event i + 1, as the rows of the other collectables.
    const seqNumsOf = ({ start, stop }: StreamRange): StreamRange => ({
      start: start + 1,
      stop: stop + 1,
    });
    await this.bundler.assets.send(obj, await obj.collectAssetDocs(index), stream, seqNumsOf);
    return index;
  }
}

function pageOfOne(event: {
  time: number;
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
}): PartialEventPage {
  const data: Record<string, unknown[]> = {};
  const timestamps: Record<string, number[]> = {};
  for (const key in event.data) data[key] = [event.data[key]];
  for (const key in event.timestamps) timestamps[key] = [event.timestamps[key]!];
  return { time: [event.time], data, timestamps };
}

function append(rows: Rows, page: PartialEventPage): Rows {
  const data: Record<string, unknown[]> = {};
  const timestamps: Record<string, number[]> = {};
  for (const key in rows.data) data[key] = rows.data[key]!.concat(page.data[key] ?? []);
  for (const key in rows.timestamps) {
    timestamps[key] = rows.timestamps[key]!.concat(page.timestamps[key] ?? []);
  }
  return { time: rows.time.concat(page.time), data, timestamps };
}

/**
 * The first `count` rows, leaving the rest in `rows`. Copies rather than splices: a device
 * may hand over one array as two columns (its times as timestamps too).
 */
function take(rows: Rows, count: number): Rows {
  if (count === rows.time.length) {
    const all = { time: rows.time, data: rows.data, timestamps: rows.timestamps };
    rows.time = [];
    rows.data = {};
    rows.timestamps = {};
    return all;
  }
  const taken: Rows = { time: rows.time.slice(0, count), data: {}, timestamps: {} };
  rows.time = rows.time.slice(count);
  for (const key in rows.data) {
    taken.data[key] = rows.data[key]!.slice(0, count);
    rows.data[key] = rows.data[key]!.slice(count);
  }
  for (const key in rows.timestamps) {
    taken.timestamps[key] = rows.timestamps[key]!.slice(0, count);
    rows.timestamps[key] = rows.timestamps[key]!.slice(count);
  }
  return taken;
}
