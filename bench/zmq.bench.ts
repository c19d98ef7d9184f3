// Documents per second through our 0MQ publisher → proxy → RemoteDispatcher, for msgpack and
// JSON, beside the RunEngine's own rate on the same count with no subscriber. Each rate is
// the time until the dispatcher has received the run's stop document, median of three.
import type { NamedDocument } from "../src/core/index.js";
import { VirtualClock } from "../src/core/index.js";
import { RunEngine } from "../src/engine/index.js";
import { count } from "../src/plans/index.js";
import { ZmqProxy, ZmqPublisher, ZmqRemoteDispatcher } from "../src/callbacks/index.js";
import { SimDetector, SimMotor } from "../sim/index.js";
import { median, printTable, timeIt } from "./table.js";

const EVENTS = 10_000;
const RUNS = 3;

function counting() {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock, velocity: 5, acceleration: 50 });
  const det = new SimDetector({
    name: "det",
    clock,
    exposure: 0.01,
    peak: { motors: [m1], centre: 0, sigma: 1, amplitude: 1e4 },
  });
  return { re: new RunEngine({ clock }), plan: count([det], { num: EVENTS }) };
}

async function engineAlone(): Promise<number> {
  const { re, plan } = counting();
  return timeIt(async () => void (await re.run(plan)));
}

async function throughZmq(serializer: "msgpack" | "json"): Promise<number> {
  const proxy = new ZmqProxy({ inPort: 0, outPort: 0 });
  await proxy.start();
  const dispatcher = new ZmqRemoteDispatcher(`127.0.0.1:${proxy.outPort}`, {
    deserializer: serializer,
  });
  let received = 0;
  let stopped!: () => void;
  const stop = new Promise<void>((resolve) => (stopped = resolve));
  dispatcher.subscribe((...[name]: NamedDocument) => {
    received++;
    if (name === "stop") stopped();
  });
  dispatcher.start();
  await proxy.subscribers(1);
  const publisher = new ZmqPublisher(`127.0.0.1:${proxy.inPort}`, { serializer });
  const { re, plan } = counting();
  let ms: number;
  try {
    ms = await timeIt(async () => {
      await re.run(plan, publisher.callback);
      await stop;
    });
  } finally {
    await publisher.close();
    dispatcher.close();
    await proxy.close();
  }
  if (received < EVENTS) throw new Error(`the dispatcher received ${received} documents`);
  return ms;
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
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await throughZmq(serializer));
    const through = rate(median(times));
    rows.push([
      `publisher → proxy → dispatcher (${serializer})`,
      through.toFixed(0),
      `${(through / rate(alone)).toFixed(3)}×`,
    ]);
  }
  printTable([`count of ${EVENTS}`, "documents/s", "ratio"], rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await zmqBench();
