import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DocumentOutlets,
  LosslessDelivery,
  LossyDelivery,
  Spool,
} from "../../../src/callbacks/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import { gaussianRun } from "../fixtures.js";
import { GatedSink } from "../sinks/peers.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hil-outlets-"));
  dirs.push(dir);
  return dir;
}

describe("DocumentOutlets", () => {
  it("hands every document to each outlet and finishes as soon as all are sent", async () => {
    const clock = new VirtualClock();
    const kept = new GatedSink();
    const lossy = new GatedSink();
    const outlets = new DocumentOutlets(
      [
        new LosslessDelivery(kept, { spoolDir: spoolDir(), capacity: 100, clock }),
        new LossyDelivery(lossy, { capacity: 100, clock }),
      ],
      clock,
    );
    const run = gaussianRun({ points: 4 });
    for (const document of run.documents) outlets.callback(...document);
    const started = clock.now();
    const final = await outlets.finish(10);
    expect(clock.now() - started).toBeLessThan(1);
    expect(kept.received.map((r) => r.document[0])).toEqual(run.documents.map((d) => d[0]));
    expect(lossy.received).toHaveLength(run.documents.length);
    expect(
      final.map(({ lossless, sent, dropped, pending }) => ({ lossless, sent, dropped, pending })),
    ).toEqual([
      { lossless: true, sent: 7, dropped: 0, pending: 0 },
      { lossless: false, sent: 7, dropped: 0, pending: 0 },
    ]);
  });

  it("leaves a lossless outlet's documents in its spool without waiting when its peer is away, and drops a stalled lossy outlet's at the deadline", async () => {
    const clock = new VirtualClock();
    const away = new GatedSink();
    away.up = false;
    const stalled = new GatedSink();
    stalled.stalled = true;
    const dir = spoolDir();
    const outlets = new DocumentOutlets(
      [
        new LosslessDelivery(away, { spoolDir: dir, capacity: 100, clock }),
        new LossyDelivery(stalled, { capacity: 100, clock }),
      ],
      clock,
    );
    const run = gaussianRun({ points: 2 });
    for (const document of run.documents) outlets.callback(...document);
    const started = clock.now();
    const [kept, lost] = await outlets.finish(10);
    expect(clock.now() - started).toBeCloseTo(10, 6); // the stalled one was given its time
    expect(kept).toMatchObject({ name: "gated", lossless: true, sent: 0, pending: 5 });
    expect(kept!.lastError).toBe("peer is away");
    expect(lost).toMatchObject({ lossless: false, sent: 0, dropped: 5, pending: 0 });

    const spool = new Spool(dir);
    const back = [];
    for (let next = spool.peek(); next; next = spool.peek()) {
      back.push([next.document[0], next.sequence.seq]);
      spool.take();
    }
    spool.close();
    expect(back).toEqual(run.documents.map((d, i) => [d[0], i + 1]));

    expect(() => outlets.callback(...run.documents[0]!)).not.toThrow(); // closed: ignored
  });

  it("does not wait at all for a lossless outlet whose peer is away", async () => {
    const clock = new VirtualClock();
    const away = new GatedSink();
    away.up = false;
    const outlets = new DocumentOutlets(
      [new LosslessDelivery(away, { spoolDir: spoolDir(), capacity: 100, clock })],
      clock,
    );
    for (const document of gaussianRun({ points: 50 }).documents) outlets.callback(...document);
    const started = clock.now();
    const [kept] = await outlets.finish(60);
    expect(clock.now() - started).toBeLessThan(1);
    expect(kept).toMatchObject({ sent: 0, pending: 53, spooled: 53 });
  });
});
