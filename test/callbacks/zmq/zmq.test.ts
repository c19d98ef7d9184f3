// Publisher -> proxy -> RemoteDispatcher over real 0MQ sockets on loopback, ours and
// Python's (pyzmq + msgpack, writing and reading bluesky's frames).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ZmqProxy, ZmqPublisher, ZmqRemoteDispatcher } from "../../../src/callbacks/index.js";
import type { NamedDocument } from "../../../src/core/index.js";
import { RunEngine } from "../../../src/engine/index.js";
import { scan } from "../../../src/plans/index.js";
import { beamline } from "../../engine/fixtures.js";
import { pymsgpack, pyzmq } from "../../support/peers.js";

const peerScript = join(dirname(fileURLToPath(import.meta.url)), "bluesky_peer.py");

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function startProxy(): Promise<ZmqProxy> {
  const proxy = new ZmqProxy();
  await proxy.start();
  closers.push(() => proxy.close());
  return proxy;
}

function publisher(proxy: ZmqProxy, options: ConstructorParameters<typeof ZmqPublisher>[1] = {}) {
  const p = new ZmqPublisher(`127.0.0.1:${proxy.inPort}`, options);
  closers.push(() => p.close());
  return p;
}

/** A dispatcher on the proxy's out-port whose documents land in `documents`. */
async function dispatcher(
  proxy: ZmqProxy,
  options: ConstructorParameters<typeof ZmqRemoteDispatcher>[1] = {},
) {
  const subscribed = proxy.subscriptionCount + 1;
  const d = new ZmqRemoteDispatcher(`127.0.0.1:${proxy.outPort}`, options);
  closers.push(() => d.close());
  const documents: NamedDocument[] = [];
  const stops: Array<() => void> = [];
  d.subscribe((...doc) => {
    documents.push(doc);
    if (doc[0] === "stop") stops.shift()?.();
  });
  d.start();
  await proxy.subscribers(subscribed);
  /** Resolves at the next stop document. */
  const nextStop = (): Promise<void> => new Promise((resolve) => stops.push(resolve));
  return { dispatcher: d, documents, nextStop };
}

async function simScan(points: number, callback: (...doc: NamedDocument) => unknown) {
  const { clock, m1, det } = beamline(1_800_000_000);
  const re = new RunEngine({ clock, md: { proposal: "p-16" } });
  const made: NamedDocument[] = [];
  await re.run(scan([det], m1, -1, 1, points), [
    (...doc) => void made.push(doc),
    callback as never,
  ]);
  return made;
}

describe("0MQ documents: our publisher, proxy and dispatcher", { timeout: 30_000 }, () => {
  it.for(["msgpack", "json"] as const)(
    "a scan on the sim devices arrives whole and in order (%s)",
    async (serializer) => {
      const proxy = await startProxy();
      const { documents, nextStop } = await dispatcher(proxy, { deserializer: serializer });
      const stopped = nextStop();
      const pub = publisher(proxy, { serializer });
      const made = await simScan(21, pub.callback);
      await stopped;
      expect(made).toHaveLength(24);
      expect(documents).toEqual(made);
      expect(pub.dropped).toBe(0);
    },
  );

  it("a dispatcher with a prefix takes only that prefix's frames", async () => {
    const proxy = await startProxy();
    const everything = await dispatcher(proxy);
    const onlyB = await dispatcher(proxy, { prefix: "b" });
    const firstStop = everything.nextStop();
    const madeA = await simScan(3, publisher(proxy, { prefix: "a" }).callback);
    await firstStop;
    const bStop = onlyB.nextStop();
    const madeB = await simScan(4, publisher(proxy, { prefix: "b" }).callback);
    await bStop;
    expect(onlyB.documents).toEqual(madeB);
    expect(everything.documents.slice(0, madeA.length)).toEqual(madeA);
  });

  it("a publisher with no proxy listening says so rather than dropping in silence", async () => {
    const errors: string[] = [];
    const pub = new ZmqPublisher("127.0.0.1:9", {
      subscribeTimeout: 0.2,
      onError: (error) => errors.push(error.message),
    });
    closers.push(() => pub.close());
    await expect(pub.send(["stop", {} as never])).rejects.toThrow(
      /zmq tcp:\/\/127.0.0.1:9: no proxy subscribed within 0.2 s/,
    );
    await pub.callback("stop", {} as never);
    expect(pub.dropped).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it("a publisher whose proxy went away refuses what 0MQ cannot hold, rather than dropping in silence", async () => {
    const proxy = await startProxy();
    const errors: string[] = [];
    const pub = publisher(proxy, {
      highWaterMark: 10,
      onError: (error) => errors.push(error.message),
    });
    const listening = await dispatcher(proxy);
    const stopped = listening.nextStop();
    const made = await simScan(2, pub.callback);
    await stopped;
    expect(listening.documents).toEqual(made);

    await proxy.close();
    const tries = 1000;
    for (let i = 0; i < tries; i++) await pub.callback("stop", {} as never);
    expect(pub.dropped).toBeGreaterThan(tries / 2); // 0MQ held a few; the rest are counted
    expect(errors[0]).toBe(
      `zmq tcp://127.0.0.1:${proxy.inPort}: 10 frames already wait for the proxy (is it gone?); document not sent`,
    );
  });

  it("a proxy says which port it cannot listen on", async () => {
    const proxy = await startProxy();
    expect(String(proxy)).toBe(`Proxy(in_port=${proxy.inPort}, out_port=${proxy.outPort})`);
    const second = new ZmqProxy({ inPort: proxy.inPort });
    await expect(second.start()).rejects.toThrow(
      `0MQ proxy cannot listen on tcp://127.0.0.1:${proxy.inPort}`,
    );
  });

  it("refuses pickle and a prefix with a space", () => {
    expect(() => new ZmqPublisher("127.0.0.1:5577", { serializer: "pickle" as never })).toThrow(
      /pickle/,
    );
    expect(() => new ZmqPublisher("127.0.0.1:5577", { prefix: "a b" })).toThrow(/space/);
    expect(() => new ZmqRemoteDispatcher("localhost")).toThrow(/expected HOST:PORT/);
  });
});

interface PythonPeer {
  lines: string[];
  waitForLine(text: string): Promise<void>;
  done: Promise<number | null>;
}

function python(args: string[]): PythonPeer {
  const child = spawn("/usr/bin/python3", [peerScript, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  closers.push(async () => void child.kill());
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) {
      if (lines.includes(w.text)) w.resolve();
      else waiters.push(w);
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const done = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      if (code !== 0) console.error(stderr);
      resolve(code);
    }),
  );
  return {
    lines,
    done,
    waitForLine: (text) =>
      new Promise((resolve, reject) => {
        if (lines.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void done.then(() => reject(new Error(`python ended before "${text}": ${stderr}`)));
      }),
  };
}

const withPython = pyzmq().available && pymsgpack().available;

describe.skipIf(!withPython)(
  "0MQ documents with a Python peer (pyzmq + msgpack)",
  { timeout: 60_000 },
  () => {
    it("a Python subscriber on our proxy receives every document of a 1,000-point scan", async () => {
      const proxy = await startProxy();
      const subscriber = python(["subscribe", `127.0.0.1:${proxy.outPort}`]);
      await subscriber.waitForLine("subscribed");
      await proxy.subscribers(1);
      const pub = publisher(proxy);
      const made = await simScan(1000, pub.callback);
      expect(await subscriber.done).toBe(0);
      const received = subscriber.lines
        .filter((line) => line.startsWith("["))
        .map((line) => JSON.parse(line) as [string, string, number | null]);
      expect(made).toHaveLength(1003);
      expect(received).toEqual(
        made.map(([name, doc]) => [
          name,
          (doc as { uid: string }).uid,
          (doc as { seq_num?: number }).seq_num ?? null,
        ]),
      );
    });

    it.for([
      ["msgpack", "py"],
      ["json", ""],
    ] as const)(
      "our RemoteDispatcher rebuilds a run a Python publisher sends in bluesky's layout (%s, prefix %j)",
      async ([serializer, prefix]) => {
        const proxy = await startProxy();
        const skipped: string[] = [];
        const { documents, nextStop } = await dispatcher(proxy, {
          deserializer: serializer,
          prefix,
          onSkip: (reason) => skipped.push(reason),
        });
        const stopped = nextStop();
        const sender = python(["publish", `127.0.0.1:${proxy.inPort}`, serializer, prefix, "50"]);
        await stopped;
        expect(await sender.done).toBe(0);
        const sent = sender.lines.map((line) => JSON.parse(line) as NamedDocument);
        expect(sent.map(([name]) => name)).toEqual([
          "start",
          "descriptor",
          ...Array<string>(50).fill("event"),
          "stop",
        ]);
        expect(documents).toEqual(sent);
        expect(skipped).toEqual([
          expect.stringMatching(/no prefix␠name␠payload/),
          expect.stringMatching(new RegExp(`a start document that is not ${serializer}`)),
        ]);
      },
    );
  },
);
