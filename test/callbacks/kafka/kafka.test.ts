import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { logLevel } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import {
  InMemoryKafkaBroker,
  KafkaDispatcher,
  KafkaJsTransport,
  KafkaPublisher,
  KafkaUnavailableError,
  decodeDocument,
  encodeDocument,
  kafkaTopic,
} from "../../../src/callbacks/kafka/index.js";
import { LosslessDelivery } from "../../../src/callbacks/index.js";
import type { KafkaTransport } from "../../../src/callbacks/index.js";
import type { EventPage, NamedDocument, RunStart } from "../../../src/core/index.js";
import { VirtualClock, packEventPage } from "../../../src/core/index.js";
import { RunEngine } from "../../../src/engine/index.js";
import { beamline, collector, rawScan } from "../../engine/fixtures.js";
import { unusedPort } from "../../support/unused-port.js";
import { gaussianRun } from "../fixtures.js";

const dirs: string[] = [];
function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hil-kafka-spool-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const plain = (docs: NamedDocument[]): NamedDocument[] =>
  JSON.parse(JSON.stringify(docs)) as NamedDocument[];

/** Runs a dispatcher on the broker collecting what it dispatches. */
async function receiver(broker: InMemoryKafkaBroker, groupId = "analysis") {
  const received: NamedDocument[] = [];
  const dispatcher = new KafkaDispatcher({ transport: broker.connect(), groupId });
  dispatcher.subscribe((...doc) => void received.push(doc));
  await dispatcher.start();
  return { received, dispatcher };
}

describe("Kafka document encoding", () => {
  it("writes msgpack of [name, doc] byte for byte as bluesky-kafka does", () => {
    const start = { uid: "2b0b5a4e", time: 1700000000.5, scan_id: 1 } as unknown as RunStart;
    expect(hex(encodeDocument("start", start))).toBe(
      "92a57374617274" +
        "83a3756964a832623062356134" +
        "65a474696d65cb41d954fc40200000a77363616e5f696401",
    );
    expect(kafkaTopic("xpd")).toBe("xpd.bluesky.runengine.documents");
  });

  it("reads msgpack_numpy's arrays with byte-string keys as plain arrays", () => {
    const numpy =
      "85c4026e64c3c404747970" +
      "65a33c6638c4046b696e64c400c40573686170659102c40464617461c410" +
      "000000000000f03f0000000000000040";
    const value = Buffer.from(
      "92a56576656e74" + "82a46461746181a3646574" + numpy + "a77365715f6e756d01",
      "hex",
    );
    expect(decodeDocument(value)).toEqual(["event", { data: { det: [1, 2] }, seq_num: 1 }]);
  });
});

describe("KafkaPublisher and KafkaDispatcher", () => {
  it("carry a scan's documents in order, on one topic, all with the publisher's key", async () => {
    const broker = new InMemoryKafkaBroker({ partitions: 3 });
    const { received } = await receiver(broker);
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const publisher = new KafkaPublisher({
      transport: broker.connect(),
      beamline: "xpd",
      key: "hil-xpd",
    });
    const delivery = new LosslessDelivery(publisher, {
      spoolDir: spoolDir(),
      capacity: 100,
      clock,
    });
    re.subscribe(delivery.callback);
    const engine = collector();
    await re.run(rawScan([det], m1, -1, 1, 15), engine.callback);
    await delivery.idle();
    expect(received).toEqual(plain(engine.docs));
    expect(broker.topics()).toEqual(["xpd.bluesky.runengine.documents"]);
    const partitions = broker.messages("xpd.bluesky.runengine.documents");
    const used = partitions.filter((log) => log.length > 0);
    expect(used).toHaveLength(1);
    expect(new Set(used[0]!.map((m) => m.key))).toEqual(new Set(["hil-xpd"]));
    expect(used[0]!.map((m) => Number(m.headers.hil_seq))).toEqual(
      Array.from({ length: engine.docs.length }, (_, i) => i + 1),
    );
    await delivery.close();
  });

  it("splits an event page the broker finds too large into halves, and refuses what cannot be split", async () => {
    const broker = new InMemoryKafkaBroker({ partitions: 1, maxMessageBytes: 700 });
    const { received, dispatcher } = await receiver(broker);
    const run = gaussianRun({ points: 10 });
    const page = packEventPage(run.events);
    const publisher = new KafkaPublisher({
      transport: broker.connect(),
      beamline: "lab",
      key: "k",
    });
    const clock = new VirtualClock();
    const delivery = new LosslessDelivery(publisher, { spoolDir: spoolDir(), capacity: 10, clock });
    const big = { ...run.start, notes: "x".repeat(800) } as RunStart;
    for (const doc of [
      ["start", run.start],
      ["descriptor", run.descriptor],
      ["event_page", page],
      ["start", big],
      ["stop", run.stop],
    ] as NamedDocument[]) {
      delivery.callback(...doc);
    }
    await delivery.idle();
    const pages = received.filter(([name]) => name === "event_page").map(([, p]) => p as EventPage);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.map((p) => p.seq_num.length).reduce((a, b) => a + b)).toBe(10);
    expect(pages.flatMap((p) => p.seq_num)).toEqual(page.seq_num);
    expect(pages.flatMap((p) => p.data.det)).toEqual(page.data.det);
    expect([5, 3, 2, 1]).toContain(pages[0]!.seq_num.length); // halves: (n+1)/2 rows first
    expect(received.map(([name]) => name)).toEqual([
      "start",
      "descriptor",
      ...pages.map(() => "event_page"),
      "stop",
    ]);
    expect(delivery.stats()).toMatchObject({ dropped: 1, pending: 0 });
    expect(dispatcher.stats()).toMatchObject({ repeats: 0, gaps: 1, missing: 1 });
    await delivery.close();
  });

  it("does not send a split page's rows again when its later part failed and the page is retried", async () => {
    const broker = new InMemoryKafkaBroker({ partitions: 1, maxMessageBytes: 700 });
    const inner = broker.connect();
    let sends = 0;
    const transport: KafkaTransport = {
      ...inner,
      send: (topic, records) => {
        sends += 1;
        // The whole page is too large; its first half is taken; the broker is then away once.
        return sends === 3
          ? Promise.reject(new KafkaUnavailableError("away once"))
          : inner.send(topic, records);
      },
    };
    const publisher = new KafkaPublisher({ transport, beamline: "lab", key: "k" });
    const page = packEventPage(gaussianRun({ points: 10 }).events);
    await expect(publisher.send(["event_page", page])).rejects.toThrow("away once");
    await publisher.send(["event_page", page]); // the delivery's retry
    const rows = broker
      .messages("lab.bluesky.runengine.documents")[0]!
      .map((message) => (decodeDocument(message.value)[1] as EventPage).uid);
    expect(rows.flat()).toEqual(page.uid); // each event once, in order
  });

  it("gets every document in order to a consumer killed for the middle third of a scan, the broker away too", async () => {
    const broker = new InMemoryKafkaBroker();
    let consumer = await receiver(broker);
    const received: NamedDocument[] = consumer.received;
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const publisher = new KafkaPublisher({
      transport: broker.connect(),
      beamline: "xpd",
      key: "k",
    });
    const delivery = new LosslessDelivery(publisher, { spoolDir: spoolDir(), capacity: 4, clock });
    const engine = collector();
    let events = 0;
    let restarted: Promise<unknown> = Promise.resolve();
    // Subscribed first: the consumer goes between two documents, not in the middle of one.
    re.subscribe((name, _doc) => {
      if (name !== "event") return;
      events += 1;
      if (events === 10) {
        void consumer.dispatcher.stop();
        broker.down();
      }
      if (events === 20) {
        broker.up();
        restarted = receiver(broker).then((again) => {
          consumer = again;
        });
      }
    });
    re.subscribe(delivery.callback);
    await re.run(rawScan([det], m1, -1, 1, 30), engine.callback);
    await restarted;
    await delivery.idle();
    expect(delivery.stats().spooled).toBeGreaterThan(8);
    expect(delivery.stats()).toMatchObject({ dropped: 0, pending: 0 });
    const all = [...received, ...consumer.received];
    expect(all).toEqual(plain(engine.docs));
    // The restarted consumer's sequence numbers tell it exactly what the first one had.
    expect(consumer.dispatcher.stats()).toMatchObject({
      repeats: 0,
      gaps: 1,
      missing: received.length,
    });
    await delivery.close();
  });
});

describe("KafkaJsTransport", () => {
  it("rejects a send with KafkaUnavailableError when no broker answers", async () => {
    const port = await unusedPort();
    const transport = new KafkaJsTransport({
      brokers: `127.0.0.1:${port}`,
      kafka: { retry: { retries: 0 }, connectionTimeout: 500, logLevel: logLevel.NOTHING },
      producer: { idempotent: false },
    });
    const publisher = new KafkaPublisher({ transport, beamline: "test", key: "k" });
    const error = await publisher.send(["start", gaussianRun().start]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaUnavailableError);
    expect((error as Error).message).toMatch(/^kafka test\.bluesky\.runengine\.documents: /);
    await transport.close();
  });
});
