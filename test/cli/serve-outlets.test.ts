// `hil serve --zmq --kafka`: the documents of every plan the server runs also go to a 0MQ
// proxy (lossy) and to Kafka (lossless; no broker can run here, so its documents wait in
// the spool), and the status's data_out shows how each outlet fares.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ZmqProxy, ZmqRemoteDispatcher, readJsonl } from "../../src/callbacks/index.js";
import type { NamedDocument } from "../../src/core/index.js";
import type { DataOutStatus } from "../../src/server/index.js";
import { hilServes } from "../support/hil-serve.js";
import { unusedPort } from "../support/unused-port.js";
import { hil } from "./run-hil.js";

const serves = hilServes();
const closers: Array<() => Promise<void>> = [];
const dirs: string[] = [];
afterEach(async () => {
  await serves.stopAll();
  for (const close of closers.splice(0).reverse()) await close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("hil serve --zmq --kafka", { timeout: 180_000 }, () => {
  it("publishes every served document to the proxy, spools them for Kafka, and reports both in the status", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-serve-out-"));
    dirs.push(out);
    const proxy = new ZmqProxy();
    await proxy.start();
    closers.push(() => proxy.close());
    const received: NamedDocument[] = [];
    const dispatcher = new ZmqRemoteDispatcher(`127.0.0.1:${proxy.outPort}`);
    closers.push(() => dispatcher.close());
    dispatcher.subscribe((...doc) => void received.push(doc));
    dispatcher.start();
    await proxy.subscribers(1);

    const zmqName = `zmq tcp://127.0.0.1:${proxy.inPort}`;
    const kafkaName = "kafka SIM-1.bluesky.runengine.documents";
    const served = await serves.start({
      config: "config/sim-beamline.yaml",
      out,
      apiKey: "outlets-key",
      extraArgs: [
        "--zmq",
        `127.0.0.1:${proxy.inPort}`,
        "--kafka",
        `127.0.0.1:${await unusedPort()}`,
      ],
    });
    expect(served.output()).toContain(`hil serve: documents also to ${zmqName} (lossy)`);
    expect(served.output()).toContain(`hil serve: documents also to ${kafkaName} (lossless)`);

    await served.call("POST", "/api/queue/item/add", {
      item: { item_type: "plan", name: "scan", args: [["det"], "m1", -1, 1, 5] },
    });
    await served.call("POST", "/api/queue/start");
    await vi.waitFor(() => expect(received.at(-1)?.[0]).toBe("stop"), { timeout: 60_000 });

    const jsonl = readdirSync(out).filter((name) => name.endsWith(".jsonl"));
    expect(jsonl).toHaveLength(1);
    const written = readJsonl(join(out, jsonl[0]!)) as NamedDocument[];
    const ids = (docs: NamedDocument[]) => docs.map(([name, doc]) => [name, doc.uid]);
    expect(ids(received)).toEqual(ids(written));

    const n = written.length;
    await vi.waitFor(async () => {
      const status = (await served.call("GET", "/api/status")) as { data_out: DataOutStatus[] };
      expect(status.data_out).toMatchObject([
        { name: zmqName, lossless: false, sent: n, dropped: 0, pending: 0, last_error: null },
        { name: kafkaName, lossless: true, sent: 0, spooled: n, pending: n, dropped: 0 },
      ]);
      expect(status.data_out[1]!.last_error).toMatch(
        /^kafka SIM-1\.bluesky\.runengine\.documents: /,
      );
    });

    expect((await served.stop()).code).toBe(0);
    const spool = join(out, "spool", "kafka-SIM-1.bluesky.runengine.documents", "spool.jsonl");
    const spooled = readFileSync(spool, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(spooled.map(([name, doc]: [string, { uid?: string }]) => [name, doc.uid])).toEqual(
      ids(written),
    );
  });

  it("counts every document a lossy outlet could not send in the status's data_out", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-serve-out-"));
    dirs.push(out);
    const nobody = `127.0.0.1:${await unusedPort()}`;
    const served = await serves.start({
      config: "config/sim-beamline.yaml",
      out,
      apiKey: "outlets-key",
      extraArgs: ["--zmq", nobody],
    });
    await served.call("POST", "/api/queue/item/add", {
      item: { item_type: "plan", name: "count", args: [["det"]], kwargs: { num: 2 } },
    });
    await served.call("POST", "/api/queue/start");
    await vi.waitFor(
      async () => {
        const history = (await served.call("GET", "/api/history/get")) as { items: unknown[] };
        expect(history.items).toHaveLength(1);
      },
      { timeout: 60_000 },
    );
    const written = readJsonl(
      join(
        out,
        readdirSync(out).find((f) => f.endsWith(".jsonl"))!,
      ),
    );
    await vi.waitFor(
      async () => {
        const status = (await served.call("GET", "/api/status")) as { data_out: DataOutStatus[] };
        expect(status.data_out).toMatchObject([
          {
            name: `zmq tcp://${nobody}`,
            lossless: false,
            sent: 0,
            dropped: written.length,
            pending: 0,
          },
        ]);
        expect(status.data_out[0]!.last_error).toBe(
          `zmq tcp://${nobody}: no proxy subscribed within 5 s (is one listening there?)`,
        );
      },
      { timeout: 30_000 },
    );
    const status = await hil(["queue", "status", "--url", served.url, "--api-key", "outlets-key"]);
    expect(status.stdout).toContain(
      `documents to zmq tcp://${nobody} (lossy): 0 sent, ${written.length} dropped; last error: zmq tcp://${nobody}: no proxy subscribed within 5 s`,
    );
  });
});
