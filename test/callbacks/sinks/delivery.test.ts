import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DocumentRejectedError,
  DocumentSequencer,
  LosslessDelivery,
  LossyDelivery,
  SequenceChecker,
  Spool,
} from "../../../src/callbacks/index.js";
import type { Event, NamedDocument } from "../../../src/core/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import { RunEngine } from "../../../src/engine/index.js";
import { beamline, collector, rawScan } from "../../engine/fixtures.js";
import { gaussianRun } from "../fixtures.js";
import type { Received } from "./peers.js";
import { GatedSink, TcpJsonlReceiver, TcpJsonlSink } from "./peers.js";

const dirs: string[] = [];
function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hil-spool-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Received documents once each, by sequence number, with the gaps the receiver saw. */
function deduplicated(received: Received[]): { documents: NamedDocument[]; gaps: number } {
  const checker = new SequenceChecker();
  const documents = received
    .filter(({ sequence }) => checker.check(sequence!).kind !== "repeat")
    .map(({ document }) => JSON.parse(JSON.stringify(document)) as NamedDocument);
  return { documents, gaps: checker.gaps };
}

const plain = (docs: NamedDocument[]): NamedDocument[] =>
  JSON.parse(JSON.stringify(docs)) as NamedDocument[];

describe("document sequence numbers", () => {
  it("count each run's documents from its start, interleaved runs apart", () => {
    const a = gaussianRun({ uid: "a", points: 2 });
    const b = gaussianRun({ uid: "b", points: 1 });
    const sequencer = new DocumentSequencer();
    const order = [
      a.documents[0]!,
      a.documents[1]!,
      b.documents[0]!,
      a.documents[2]!,
      b.documents[1]!,
      a.documents[3]!,
      b.documents[2]!,
      a.documents[4]!,
      b.documents[3]!,
    ];
    const seqs = order.map((doc) => sequencer.next(...doc));
    expect(seqs).toEqual([
      { run: "a", seq: 1 },
      { run: "a", seq: 2 },
      { run: "b", seq: 1 },
      { run: "a", seq: 3 },
      { run: "b", seq: 2 },
      { run: "a", seq: 4 },
      { run: "b", seq: 3 },
      { run: "a", seq: 5 },
      { run: "b", seq: 4 },
    ]);
  });

  it("let a receiver tell the next document, a repeat and a gap", () => {
    const checker = new SequenceChecker();
    expect(checker.check({ run: "a", seq: 1 })).toEqual({ kind: "next" });
    expect(checker.check({ run: "a", seq: 2 })).toEqual({ kind: "next" });
    expect(checker.check({ run: "a", seq: 2 })).toEqual({ kind: "repeat" });
    expect(checker.check({ run: "a", seq: 5 })).toEqual({ kind: "gap", missing: 2 });
    expect(checker.check({ run: "b", seq: 1 })).toEqual({ kind: "next" });
    expect({ gaps: checker.gaps, missing: checker.missing }).toEqual({ gaps: 1, missing: 2 });
  });
});

describe("Spool", () => {
  it("belongs to one process at a time: a second is refused, a dead or earlier holder's lock taken over", () => {
    const dir = spoolDir();
    const lock = join(dir, "spool.lock");
    const spool = new Spool(dir);
    expect(() => new Spool(dir)).toThrow(
      /spool\.lock: this spool is in use by process \d+ \(this one\)/,
    );
    spool.close();
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, "2147483646 1\n"); // no such process
    new Spool(dir).close();
    // Our pid, left by an earlier process that had it (a container restarted): stale.
    writeFileSync(lock, `${process.pid} 1\n`);
    const after = new Spool(dir);
    expect(readFileSync(lock, "utf8")).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    after.close();

    // A live process whose start time differs is a later one with a reused pid.
    writeFileSync(lock, `${process.ppid} 1\n`);
    new Spool(dir).close();
  });

  it("gives documents back in order, empties its file when all are taken, and a later process resumes where this one was", () => {
    const dir = spoolDir();
    const run = gaussianRun({ points: 3 });
    const spool = new Spool(dir);
    run.documents.forEach((document, i) =>
      spool.append({ document, sequence: { run: run.start.uid, seq: i + 1 } }),
    );
    expect(spool.size).toBe(6);
    expect(spool.peek()!.document).toEqual(run.documents[0]);
    spool.take();
    spool.take();
    spool.close();

    const again = new Spool(dir); // a later process: the four not taken, none twice
    expect(again.size).toBe(4);
    const back: NamedDocument[] = [];
    for (let next = again.peek(); next; next = again.peek()) {
      back.push(next.document);
      again.take();
    }
    expect(back).toEqual(plain(run.documents.slice(2)));
    expect(readFileSync(again.path, "utf8")).toBe("");
    again.close();
    expect(new Spool(dir).size).toBe(0);
  });

  it("gives back NaN and infinities as they went in, not as null", () => {
    const dir = spoolDir();
    const run = gaussianRun({ points: 1 });
    const [, event] = run.documents[2]! as ["event", Event];
    const odd = {
      ...event,
      data: { ...event.data, det: NaN, m1: -Infinity },
      note: "NaN Infinity",
    };
    const spool = new Spool(dir);
    spool.append({ document: ["event", odd], sequence: { run: "r", seq: 1 } });
    spool.close();
    const again = new Spool(dir);
    expect(again.peek()!.document).toEqual(["event", odd]);
    again.close();
  });

  it("cuts a last line a crash left unfinished, and skips a line that is no document, saying where", () => {
    const dir = spoolDir();
    const run = gaussianRun({ points: 2 });
    const spool = new Spool(dir);
    const line = (i: number) => ({
      document: run.documents[i]!,
      sequence: { run: "r", seq: i + 1 },
    });
    spool.append(line(0));
    spool.close();
    appendFileSync(spool.path, "not json\n");
    const second = new Spool(dir);
    second.append(line(1));
    second.close();
    const torn = '["event", {"uid": "cut sh';
    appendFileSync(spool.path, torn);

    const told: string[] = [];
    const third = new Spool(dir, { onSkip: (message) => told.push(message) });
    expect(told).toEqual([
      `${spool.path}: cut ${torn.length} bytes of a last line left unfinished`,
    ]);
    expect(third.size).toBe(3);
    const back: string[] = [];
    for (let next = third.peek(); next; next = third.peek()) {
      back.push(next.document[0]);
      third.take();
    }
    expect(back).toEqual(["start", "descriptor"]);
    expect(told[1]).toMatch(/spool\.jsonl: the line ending at byte \d+ is no document; skipped$/);
    third.close();
  });
});

/** Virtual seconds a 25-point scan takes, with what `subscribe` adds to the engine. */
async function scanTime(subscribe?: (re: RunEngine, clock: VirtualClock) => void): Promise<number> {
  const { clock, m1, det } = beamline();
  const re = new RunEngine({ clock });
  subscribe?.(re, clock);
  const t0 = clock.now();
  await re.run(rawScan([det], m1, -1, 1, 25));
  return clock.now() - t0;
}

describe("LosslessDelivery", () => {
  it("keeps every document, in order, through a peer away for the middle third of a scan", async () => {
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const sink = new GatedSink();
    const delivery = new LosslessDelivery(sink, { spoolDir: spoolDir(), capacity: 4, clock });
    re.subscribe(delivery.callback);
    let events = 0;
    const engine = collector();
    await re.run(rawScan([det], m1, -1, 1, 30), [
      engine.callback,
      (name, _doc) => {
        if (name !== "event") return;
        events += 1;
        if (events === 10) sink.up = false;
        if (events === 20) sink.up = true;
      },
    ]);
    await delivery.idle();
    const stats = delivery.stats();
    expect(stats.spooled).toBeGreaterThan(8);
    expect(stats).toMatchObject({ sent: engine.docs.length, dropped: 0, pending: 0 });
    const { documents, gaps } = deduplicated(sink.received);
    expect(gaps).toBe(0);
    expect(documents).toEqual(plain(engine.docs));
    await delivery.close();
  });

  it("gets every document in order to a TCP receiver killed for the middle third of a scan", async () => {
    const { clock, m1, det } = beamline();
    const receiver = new TcpJsonlReceiver();
    await receiver.start();
    const port = receiver.port;
    const re = new RunEngine({ clock });
    const delivery = new LosslessDelivery(new TcpJsonlSink(port), {
      spoolDir: spoolDir(),
      capacity: 8,
      clock,
    });
    re.subscribe(delivery.callback);
    let events = 0;
    let restarted: Promise<void> = Promise.resolve();
    const engine = collector();
    await re.run(rawScan([det], m1, -1, 1, 30), [
      engine.callback,
      (name, _doc) => {
        if (name !== "event") return;
        events += 1;
        if (events === 10) receiver.kill();
        if (events === 20) restarted = receiver.start(port);
      },
    ]);
    await restarted;
    await delivery.idle();
    expect(delivery.stats()).toMatchObject({ dropped: 0, pending: 0 });
    expect(delivery.stats().failures).toBeGreaterThan(0);
    const { documents, gaps } = deduplicated(receiver.received);
    expect(gaps).toBe(0);
    expect(documents).toEqual(plain(engine.docs));
    await delivery.close();
    receiver.kill();
  });

  it("costs the engine nothing when its sink never answers, and keeps the documents on disk", async () => {
    const alone = await scanTime();
    const sink = new GatedSink();
    sink.stalled = true;
    const dir = spoolDir();
    let delivery: LosslessDelivery | undefined;
    const stalled = await scanTime((re, clock) => {
      delivery = new LosslessDelivery(sink, { spoolDir: dir, capacity: 5, clock });
      re.subscribe(delivery.callback);
    });
    expect(stalled).toBe(alone);
    expect(sink.attempts).toBe(1);
    // Memory overflowed into the spool, oldest first: all 28 wait on disk, in order.
    expect(delivery!.stats()).toMatchObject({ sent: 0, pending: 28, spooled: 28 });
    await delivery!.close();
    const left = new Spool(dir);
    const order: number[] = [];
    for (let next = left.peek(); next; next = left.peek()) {
      order.push(next.sequence.seq);
      left.take();
    }
    expect(order).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    left.close();
  });

  it("replays a spool left by an earlier process before anything new", async () => {
    const dir = spoolDir();
    const clock = new VirtualClock();
    const run = gaussianRun({ points: 2 });
    const away = new GatedSink();
    away.up = false;
    const first = new LosslessDelivery(away, { spoolDir: dir, capacity: 10, clock });
    for (const doc of run.documents.slice(0, 3)) first.callback(...doc);
    await first.close();

    const sink = new GatedSink();
    const second = new LosslessDelivery(sink, { spoolDir: dir, capacity: 10, clock });
    for (const doc of run.documents.slice(3)) second.callback(...doc);
    await second.idle();
    expect(sink.received.map((r) => r.document)).toEqual(plain(run.documents));
    await second.close();
  });

  it("gives up a document its sink refuses for good, counting it, and goes on", async () => {
    const clock = new VirtualClock();
    const run = gaussianRun({ points: 3 });
    const taken: NamedDocument[] = [];
    const delivery = new LosslessDelivery(
      {
        name: "picky",
        send: (document) => {
          if (document[0] === "descriptor") {
            return Promise.reject(new DocumentRejectedError("too large"));
          }
          taken.push(document);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      },
      { spoolDir: spoolDir(), capacity: 10, clock },
    );
    for (const doc of run.documents) delivery.callback(...doc);
    await delivery.idle();
    expect(taken).toHaveLength(5);
    expect(delivery.stats()).toMatchObject({ sent: 5, dropped: 1, lastError: undefined });
    await delivery.close();
  });
});

describe("LossyDelivery", () => {
  it("drops the oldest documents past its capacity, counts them, and the receiver sees the gap", async () => {
    const clock = new VirtualClock();
    const sink = new GatedSink();
    sink.stalled = true;
    const delivery = new LossyDelivery(sink, { capacity: 3, clock });
    const run = gaussianRun({ points: 10 });
    for (const doc of run.documents) delivery.callback(...doc);
    // The first document is in flight forever; of the 12 others, the last 3 wait.
    expect(delivery.stats()).toMatchObject({ sent: 0, dropped: 9, pending: 4 });

    const open = new GatedSink();
    const lossy = new LossyDelivery(open, { capacity: 3, clock });
    for (const doc of run.documents) lossy.callback(...doc);
    await lossy.idle();
    const checker = new SequenceChecker();
    for (const { sequence } of open.received) checker.check(sequence!);
    expect(lossy.stats().dropped).toBe(run.documents.length - open.received.length);
    expect(checker.missing).toBe(lossy.stats().dropped);
    expect(open.received.at(-1)!.document[0]).toBe("stop");
    await lossy.close();
  });

  it("costs the engine nothing when its sink never answers", async () => {
    const alone = await scanTime();
    const sink = new GatedSink();
    sink.stalled = true;
    let delivery: LossyDelivery | undefined;
    const stalled = await scanTime((re, clock) => {
      delivery = new LossyDelivery(sink, { capacity: 5, clock });
      re.subscribe(delivery.callback);
    });
    expect(stalled).toBe(alone);
    expect(delivery!.stats()).toMatchObject({ sent: 0, pending: 6, dropped: 22 });
    await delivery!.close();
  });

  it("drops what a failing sink cannot take and goes on once it is back", async () => {
    const clock = new VirtualClock();
    const sink = new GatedSink();
    sink.up = false;
    const delivery = new LossyDelivery(sink, { capacity: 100, clock });
    const run = gaussianRun({ points: 4 });
    for (const doc of run.documents.slice(0, 2)) delivery.callback(...doc);
    await delivery.idle();
    expect(delivery.stats()).toMatchObject({ sent: 0, dropped: 2, lastError: "peer is away" });
    sink.up = true;
    for (const doc of run.documents.slice(2)) delivery.callback(...doc);
    await delivery.idle();
    expect(delivery.stats()).toMatchObject({ sent: 5, dropped: 2, pending: 0 });
    expect(sink.received.map((r) => r.sequence!.seq)).toEqual([3, 4, 5, 6, 7]);
    await delivery.close();
  });
});
