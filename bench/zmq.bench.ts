// Documents per second through our 0MQ publisher → proxy → RemoteDispatcher, for msgpack and
// JSON, beside the RunEngine's own rate on the same count with no subscriber. The publisher
// sits behind a lossy delivery, as `hil run --zmq` has it: the engine's rate with it shows
// what publishing costs the engine, the end-to-end rate is the time until the dispatcher has
// received the run's stop document. The proxy and dispatcher run in a process of their own,
// as they would on the receiving machine. Medians of three, after a run to warm up.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { count } from "../src/plans/index.js";
import { LossyDelivery, ZmqPublisher } from "../src/callbacks/index.js";
import { realClock } from "../src/core/index.js";
import { beamline } from "./engine.bench.js";
import { median, printTable, timeIt } from "./table.js";

const here = dirname(fileURLToPath(import.meta.url));
const EVENTS = 10_000;
const RUNS = 3;

function counting() {
  const { re, det } = beamline();
  return { re, plan: count([det], { num: EVENTS }) };
}

async function engineAlone(): Promise<number> {
  const { re, plan } = counting();
  return timeIt(async () => void (await re.run(plan)));
}

/** The proxy and dispatcher in a child process; resolves with its in-port and its stop lines. */
async function receiver(serializer: "msgpack" | "json") {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(here, "zmq-receiver.ts"), serializer],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<(line: string) => void> = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  const next = () => new Promise<string>((resolve) => waiting.push(resolve));
  const ready = await next();
  return {
    inPort: Number(ready.split(" ")[1]),
    /** Resolves with the count of documents at the next stop. */
    nextStop: async () => Number((await next()).split(" ")[1]),
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.stdin!.end();
      }),
  };
}

/** Runs the count RUNS times after one to warm up, through one publisher and one receiver. */
async function throughZmq(
  serializer: "msgpack" | "json",
): Promise<Array<{ engine: number; endToEnd: number }>> {
  const far = await receiver(serializer);
  const publisher = new ZmqPublisher(`127.0.0.1:${far.inPort}`, { serializer });
  const delivery = new LossyDelivery(publisher, { capacity: 2 * EVENTS, clock: realClock });
  const times: Array<{ engine: number; endToEnd: number }> = [];
  try {
    for (let i = 0; i <= RUNS; i++) {
      const { re, plan } = counting();
      let engine = 0;
      let received = 0;
      const endToEnd = await timeIt(async () => {
        const stop = far.nextStop();
        engine = await timeIt(async () => void (await re.run(plan, delivery.callback)));
        received = await stop;
      });
      const { dropped } = delivery.stats();
      if (received < EVENTS + 3) {
        throw new Error(`received ${received} documents, ${dropped} dropped`);
      }
      if (i > 0) times.push({ engine, endToEnd });
    }
  } finally {
    await delivery.close();
    await far.close();
  }
  return times;
}

export async function zmqBench(): Promise<void> {
  await engineAlone(); // warm up
  const engineTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) engineTimes.push(await engineAlone());
  const alone = median(engineTimes);
  const documents = EVENTS + 3; // start, descriptor, the events, stop
  const rate = (ms: number) => (documents * 1000) / ms;
  const rows: string[][] = [["RunEngine alone", rate(alone).toFixed(0), "baseline"]];
  for (const serializer of ["msgpack", "json"] as const) {
    const runs = await throughZmq(serializer);
    const row = (label: string, ms: number) => {
      const through = rate(ms);
      rows.push([label, through.toFixed(0), `${(through / rate(alone)).toFixed(3)}×`]);
    };
    row(`RunEngine publishing (${serializer})`, median(runs.map((r) => r.engine)));
    row(`publisher → proxy → dispatcher (${serializer})`, median(runs.map((r) => r.endToEnd)));
  }
  printTable([`count of ${EVENTS}`, "documents/s", "ratio"], rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await zmqBench();
