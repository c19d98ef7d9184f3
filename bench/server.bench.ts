// The queue server: queue operations per second over HTTP beside the same operations on the
// SQLite store directly; the latency from `queue/item/add` to the run's start document on the
// documents websocket beside one status round trip; and the engine's events per second while
// 50 websocket clients take every document, one of them stalled, beside no clients at all.
// The server runs as `hil serve` does by default: plans in a worker, the faces in the server.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { QueueStore, createQueueHttpServer } from "../src/server/index.js";
import type { HilServe } from "../test/support/hil-serve.js";
import { apiCaller, hilServes } from "../test/support/hil-serve.js";
import { median, printTable } from "./table.js";

const KEY = "bench";
const user = { user: "bench", user_group: "primary" };
const item = { item_type: "plan" as const, name: "count", args: [["det"]] };

/** Devices that take no time, so the engine's own pace shows. */
const CONFIG = `devices:
  m1: { driver: sim.motor, units: mm, limits: [-10, 10], velocity: 1000000, acceleration: 1000000000 }
  det:
    driver: sim.detector
    exposure: 0.000001
    peak: { motors: [m1], centre: 0.3, sigma: 0.25, amplitude: 100000, background: 1000 }
`;

async function perSecond(count: number, work: (i: number) => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await work(i);
  return (count * 1000) / (performance.now() - start);
}

async function queueOperations(dir: string): Promise<void> {
  const N = 500;
  const direct = new QueueStore(join(dir, "direct.sqlite"));
  const store = new QueueStore(join(dir, "http.sqlite"));
  const http = createQueueHttpServer({ store, apiKey: KEY });
  const { port } = await http.listen(0);
  const call = apiCaller(`http://127.0.0.1:${port}`, KEY);
  const rows: string[][] = [];
  const row = (name: string, viaHttp: number, onStore: number) =>
    rows.push([name, viaHttp.toFixed(0), onStore.toFixed(0), `${(viaHttp / onStore).toFixed(3)}×`]);
  row(
    "queue/item/add",
    await perSecond(N, () => call("POST", "/api/queue/item/add", { item })),
    await perSecond(N, () => direct.queue.add(item, user)),
  );
  row(
    `queue/get (${N} items)`,
    await perSecond(100, () => call("GET", "/api/queue/get")),
    await perSecond(100, () => direct.queue.get()),
  );
  row(
    "status (store part)",
    await perSecond(N, () => call("GET", "/api/status")),
    await perSecond(N, () => [direct.queue.size(), direct.history.size(), direct.lock.info()]),
  );
  await http.close();
  store.close();
  direct.close();
  printTable(["operation", "HTTP ops/s", "store ops/s", "HTTP/store"], rows);
}

function documents(port: number, mode: "lossless" | "lossy"): WebSocket {
  return new WebSocket(`ws://127.0.0.1:${port}/api/documents/ws?mode=${mode}`, {
    headers: { authorization: `ApiKey ${KEY}` },
  });
}

async function opened(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.OPEN) return;
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
}

async function addToStart(served: HilServe): Promise<void> {
  const ROUNDS = 20;
  const socket = documents(served.port, "lossless");
  await opened(socket);
  let started: (() => void) | undefined;
  socket.on("message", (data: Buffer) => {
    if ((JSON.parse(data.toString()) as { name: string }).name === "start") started?.();
  });
  await served.call("POST", "/api/queue/autostart", { enable: true });
  const latencies: number[] = [];
  const roundTrips: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    await served.call("GET", "/api/status");
    roundTrips.push(performance.now() - t0);
    const start = new Promise<void>((resolve) => (started = resolve));
    const t1 = performance.now();
    await served.call("POST", "/api/queue/item/add", { item });
    await start;
    latencies.push(performance.now() - t1);
    await idle(served);
  }
  await served.call("POST", "/api/queue/autostart", { enable: false });
  socket.close();
  const add = median(latencies);
  const status = median(roundTrips);
  printTable(
    ["median of 20", "ms", "ratio"],
    [
      ["GET /api/status round trip", status.toFixed(2), "baseline"],
      [
        "queue/item/add → start document on the websocket",
        add.toFixed(2),
        `${(add / status).toFixed(1)}×`,
      ],
    ],
  );
}

async function idle(served: HilServe): Promise<void> {
  for (;;) {
    const status = await served.call("GET", "/api/status");
    if (status.manager_state === "idle" && status.items_in_queue === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs a count of `num` points and gives the engine's events per second, from the history's times. */
async function countRate(served: HilServe, num: number): Promise<number> {
  await served.call("POST", "/api/queue/item/add", {
    item: { ...item, kwargs: { num, delay: 0.002 } },
  });
  await served.call("POST", "/api/queue/start");
  await idle(served);
  const history = (await served.call("GET", "/api/history/get")) as {
    items: Array<{ result: { time_start: number; time_stop: number } }>;
  };
  const { time_start, time_stop } = history.items.at(-1)!.result;
  return num / (time_stop - time_start);
}

async function fanOut(served: HilServe): Promise<void> {
  const NUM = 2000;
  const SUBSCRIBERS = 50;
  const rows: string[][] = [];
  const alone = await countRate(served, NUM);
  rows.push(["no subscribers", alone.toFixed(0), "baseline", "", ""]);
  for (const stalled of [false, true]) {
    const sockets = Array.from({ length: SUBSCRIBERS }, (_, i) =>
      documents(served.port, stalled && i === 0 ? "lossy" : "lossless"),
    );
    await Promise.all(sockets.map(opened));
    const events = sockets.map(() => 0);
    sockets.forEach((socket, i) =>
      socket.on("message", (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { name: string };
        if (message.name === "event") events[i]!++;
      }),
    );
    // A stalled client: its TCP socket is not read, so the server's buffers fill.
    if (stalled) (sockets[0] as unknown as { _socket: { pause(): void } })._socket.pause();
    const rate = await countRate(served, NUM);
    const readers = stalled ? events.slice(1) : events;
    const complete = readers.filter((n) => n === NUM).length;
    rows.push([
      stalled ? `${SUBSCRIBERS} subscribers, 1 stalled (lossy)` : `${SUBSCRIBERS} subscribers`,
      rate.toFixed(0),
      `${(rate / alone).toFixed(3)}×`,
      `${complete}/${readers.length}`,
      stalled ? `${events[0]} seen` : "",
    ]);
    for (const socket of sockets) socket.terminate();
  }
  printTable(
    [
      `count of ${NUM} (2 ms apart)`,
      "events/s",
      "ratio",
      "readers with every event",
      "stalled one",
    ],
    rows,
  );
}

export async function serverBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "hil-server-bench-"));
  try {
    await queueOperations(dir);
    console.log();
    const config = join(dir, "bench.yaml");
    await writeFile(config, CONFIG);
    const serves = hilServes();
    try {
      const served = await serves.start({ config, out: dir, apiKey: KEY, stderr: "inherit" });
      await addToStart(served);
      console.log();
      await fanOut(served);
    } finally {
      await serves.stopAll();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await serverBench();
