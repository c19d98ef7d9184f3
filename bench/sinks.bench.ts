// Spool write and replay rates: the documents of one run of EVENTS events appended to a
// LosslessDelivery's JSONL spool and read back in order, beside JsonlWriter writing the same
// documents (the baseline, the same kind of file). Then the whole delivery: the engine's
// callback spilling to the spool while the sink is away, and the replay to a sink that takes
// each document at once once it is back. Each figure is the median of the rounds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { JsonlWriter, LosslessDelivery, Spool } from "../src/callbacks/index.js";
import type { DocumentSink } from "../src/callbacks/index.js";
import type { Event, EventDescriptor, NamedDocument, RunStart } from "../src/core/index.js";
import { VirtualClock } from "../src/core/index.js";
import { median, printTable, timeIt } from "./table.js";

const EVENTS = 20_000;
const ROUNDS = 5;

function runDocuments(): NamedDocument[] {
  const uid = "6f1c2a4e-0d7b-4c1e-9a51-5b8f0c3d2e10";
  const start = { uid, time: 1.7e9, scan_id: 1, plan_name: "scan" } as RunStart;
  const descriptor = {
    uid: `${uid}-primary`,
    time: 1.7e9,
    run_start: uid,
    name: "primary",
    data_keys: {
      m1: { source: "SIM:m1", dtype: "number", shape: [] },
      det: { source: "SIM:det", dtype: "number", shape: [] },
    },
    configuration: {},
    object_keys: {},
    hints: {},
  } as unknown as EventDescriptor;
  const events = Array.from({ length: EVENTS }, (_, i): Event => ({
    uid: `${uid}-event-${i + 1}`,
    time: 1.7e9 + i * 0.1,
    descriptor: descriptor.uid,
    seq_num: i + 1,
    data: { m1: i / EVENTS, det: 1000 + (i % 97) },
    timestamps: { m1: 1.7e9 + i * 0.1, det: 1.7e9 + i * 0.1 },
    filled: {},
  }));
  const stop = { uid: `${uid}-stop`, time: 1.8e9, run_start: uid, exit_status: "success" };
  return [
    ["start", start],
    ["descriptor", descriptor],
    ...events.map((e): NamedDocument => ["event", e]),
    ["stop", stop] as NamedDocument,
  ];
}

/** Takes every document at once while `up`; refuses while away. */
class NullSink implements DocumentSink {
  readonly name = "null";
  up = false;
  send(): Promise<void> {
    return this.up ? Promise.resolve() : Promise.reject(new Error("away"));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export async function sinksBench(): Promise<void> {
  console.log("\n# document sinks: spool write and replay beside JsonlWriter\n");
  const documents = runDocuments();
  const dir = mkdtempSync(join(tmpdir(), "hil-sinks-bench-"));
  const times = { jsonl: [] as number[], append: [] as number[], replay: [] as number[] };
  const delivery = { spill: [] as number[], replay: [] as number[] };
  try {
    for (let round = 0; round < ROUNDS + 1; round++) {
      const roundDir = join(dir, String(round));
      const writer = new JsonlWriter(join(dir, `run-${round}.jsonl`));
      const jsonl = await timeIt(async () => {
        for (const doc of documents) writer.call(...doc);
      });
      const spool = new Spool(join(roundDir, "spool"));
      const append = await timeIt(async () => {
        documents.forEach((document, i) =>
          spool.append({ document, sequence: { run: "r", seq: i + 1 } }),
        );
      });
      const replay = await timeIt(async () => {
        for (let next = spool.peek(); next; next = spool.peek()) spool.take();
      });
      spool.close();

      const sink = new NullSink();
      const clock = new VirtualClock({ auto: false });
      const lossless = new LosslessDelivery(sink, {
        spoolDir: join(roundDir, "delivery"),
        capacity: 1000,
        clock,
        backoff: { initial: 1, max: 1 },
      });
      lossless.callback(...documents[0]!);
      await clock.advance(0); // the first send fails: from here on documents go to disk
      const spill = await timeIt(async () => {
        for (const doc of documents.slice(1)) lossless.callback(...doc);
      });
      sink.up = true;
      const drained = await timeIt(async () => {
        const idle = lossless.idle();
        await clock.advance(1); // the retry after the backoff
        await idle;
      });
      await lossless.close();
      if (round === 0) continue; // warm-up
      times.jsonl.push(jsonl);
      times.append.push(append);
      times.replay.push(replay);
      delivery.spill.push(spill);
      delivery.replay.push(drained);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const n = documents.length;
  const rate = (ms: number[]): number => n / (median(ms) / 1e3);
  const base = rate(times.jsonl);
  const row = (label: string, ms: number[]): string[] => [
    label,
    Math.round(rate(ms)).toLocaleString("en-US"),
    (rate(ms) / base).toFixed(2),
  ];
  printTable(
    [`case (${n.toLocaleString("en-US")} documents, median of ${ROUNDS})`, "docs/s", "ratio"],
    [
      row("JsonlWriter, the same documents (baseline)", times.jsonl),
      row("spool append", times.append),
      row("spool replay (read back, parsed)", times.replay),
      row("LosslessDelivery, sink away: callback to spool", delivery.spill),
      row("LosslessDelivery, sink back: spool replayed to it", delivery.replay),
    ],
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await sinksBench();
