// `hil zmq-proxy IN OUT` and `hil run --zmq`: a run published by one hil process, forwarded
// by another, received by our RemoteDispatcher.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ZmqPublisher, ZmqRemoteDispatcher, readJsonl } from "../../src/callbacks/index.js";
import type { NamedDocument } from "../../src/core/index.js";
import { hil, startHil } from "./run-hil.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/**
 * Resolves once `dispatcher` hears frames sent into the proxy's in-port: its subscription
 * has then reached the proxy. A probe is re-sent until one arrives, as 0MQ drops frames
 * sent before a subscription.
 */
async function untilSubscribed(inPort: number, heard: Promise<void>): Promise<void> {
  const probe = new ZmqPublisher(`127.0.0.1:${inPort}`);
  let arrived = false;
  void heard.then(() => (arrived = true));
  while (!arrived) {
    await probe.send(["probe", {}] as unknown as NamedDocument);
    await Promise.race([heard, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  await probe.close();
}

describe("hil zmq-proxy", { timeout: 120_000 }, () => {
  it("forwards a run that hil run --zmq publishes to a RemoteDispatcher", async () => {
    const proxy = startHil(["zmq-proxy", "0", "0"]);
    closers.push(async () => {
      proxy.signal("SIGINT");
      await proxy.done;
    });
    const ports = /Receiving on port (\d+); publishing to port (\d+) \(127\.0\.0\.1\)/;
    await proxy.waitFor(ports);
    const [, inPort, outPort] = ports.exec(proxy.output())!.map(Number) as [number, number, number];
    expect(proxy.output()).toContain("Use Ctrl+C to exit.");

    let heardProbe!: () => void;
    const heard = new Promise<void>((resolve) => (heardProbe = resolve));
    const dispatcher = new ZmqRemoteDispatcher(`127.0.0.1:${outPort}`, {
      onSkip: (reason) => reason.includes('"probe"') && heardProbe(),
    });
    closers.push(() => dispatcher.close());
    const received: NamedDocument[] = [];
    let stopped!: () => void;
    const stop = new Promise<void>((resolve) => (stopped = resolve));
    dispatcher.subscribe((...doc) => {
      received.push(doc);
      if (doc[0] === "stop") stopped();
    });
    dispatcher.start();
    await untilSubscribed(inPort, heard);

    const out = mkdtempSync(join(tmpdir(), "hil-zmq-"));
    const config = ["--config", "config/sim-beamline.yaml", "--out", out];
    const run = await hil([
      "run",
      "scan",
      "det",
      "m1",
      "-1",
      "1",
      "7",
      ...config,
      "--zmq",
      `127.0.0.1:${inPort}`,
    ]);
    expect(run.code, run.stderr).toBe(0);
    await stop;
    const jsonl = /(\S+\.jsonl)/.exec(run.stderr)![1]!;
    const written = readJsonl(jsonl);
    expect(written.at(-1)).toMatchObject(["stop", { num_events: { primary: 7 } }]);
    expect(received).toEqual(written);

    proxy.signal("SIGINT");
    const ended = await proxy.done;
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/Interrupted\. Exiting\.\.\./);
  });

  it("hil run refuses pickle and a bad address before it runs anything", async () => {
    const config = ["--config", "config/sim-beamline.yaml"];
    const pickle = await hil([
      "run",
      "count",
      "det",
      "1",
      ...config,
      "--zmq",
      "127.0.0.1:5577",
      "--zmq-serializer",
      "pickle",
    ]);
    expect(pickle.code).toBe(2);
    expect(pickle.stderr).toMatch(/--zmq-serializer pickle: expected "msgpack" or "json"/);
    const address = await hil(["run", "count", "det", "1", ...config, "--zmq", "5577"]);
    expect(address.code).toBe(2);
    expect(address.stderr).toMatch(/0MQ address "5577": expected HOST:PORT/);
  });
});
