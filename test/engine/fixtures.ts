// A small beamline and hand-written plans for the engine's tests, so they depend on no
// plan library: just the messages.
import { expect } from "vitest";
import type { Msg, NamedDocument, Plan } from "../../src/core/index.js";
import { datatype, softSignalRW } from "../../src/core/index.js";
import type { RunEngine, RunEngineState } from "../../src/engine/index.js";
import { SuspendFloor } from "../../src/engine/index.js";
import { SimDetector, SimMotor, VirtualClock } from "../../src/index.js";

export function beamline(start = 1_700_000_000) {
  const clock = new VirtualClock({ start });
  const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 8, position: -1 });
  const det = new SimDetector({
    name: "det",
    clock,
    seed: 3,
    exposure: 0.1,
    peak: { motors: [m1], centre: 0.2, sigma: 0.3, amplitude: 5000, background: 50 },
  });
  return { clock, m1, det };
}

/** One step: move, trigger, read everything into a primary event. */
export function* step(motor: SimMotor, position: number, detectors: SimDetector[]): Plan {
  yield { command: "checkpoint" };
  yield { command: "set", obj: motor, value: position, group: "move" };
  yield { command: "wait", group: "move" };
  for (const det of detectors) yield { command: "trigger", obj: det, group: "det" };
  yield { command: "wait", group: "det" };
  yield { command: "create", stream: "primary" };
  for (const det of detectors) yield { command: "read", obj: det };
  yield { command: "read", obj: motor };
  yield { command: "save" };
}

/** A bare step scan of `num` points from `start` to `stop`. */
export function* rawScan(
  detectors: SimDetector[],
  motor: SimMotor,
  start: number,
  stop: number,
  num: number,
  cleanup: Msg[] = [],
): Plan<string> {
  for (const det of detectors) yield { command: "stage", obj: det };
  const uid = (yield {
    command: "open_run",
    md: {
      plan_name: "scan",
      detectors: detectors.map((d) => d.name),
      motors: [motor.name],
      num_points: num,
    },
  }) as string;
  try {
    for (let i = 0; i < num; i++)
      yield* step(motor, start + ((stop - start) * i) / (num - 1), detectors);
  } finally {
    for (const msg of cleanup) yield msg;
  }
  yield { command: "close_run" };
  return uid;
}

/** Collects documents as they come. */
export function collector(): { docs: NamedDocument[]; callback: (...doc: NamedDocument) => void } {
  const docs: NamedDocument[] = [];
  return { docs, callback: (...doc) => void docs.push(doc) };
}

export function names(docs: NamedDocument[]): string[] {
  return docs.map(([name]) => name);
}

export function eventsOf(docs: NamedDocument[]) {
  return docs.flatMap(([name, doc]) => (name === "event" ? [doc] : []));
}

export function stopOf(docs: NamedDocument[]) {
  const stop = docs.find(([name]) => name === "stop");
  if (!stop || stop[0] !== "stop") throw new Error("no stop document");
  return stop[1];
}

/** Waits until the engine reaches `state`, stepping the event loop (not the clock). */
export async function until(re: RunEngine, state: RunEngineState): Promise<void> {
  for (let i = 0; i < 10_000 && re.state !== state; i++) await new Promise((r) => setImmediate(r));
  expect(re.state).toBe(state);
}

/**
 * Starts a 21-point scan with a beam suspender that trips 2 s in, and waits until the run is
 * suspended; gives the run's promise (wrapped, so that awaiting this does not await the run).
 */
export async function suspendedScan(
  re: RunEngine,
  { clock, m1, det }: ReturnType<typeof beamline>,
  callback: (...doc: NamedDocument) => void,
): Promise<{ running: Promise<string[]> }> {
  const beam = softSignalRW(datatype.float, 300, { name: "ring_current", clock });
  re.installSuspender(new SuspendFloor(beam, 100));
  const running = re.run(rawScan([det], m1, -1, 1, 21), callback);
  clock.schedule(2, () => void beam.set(5));
  await clock.sleep(5);
  expect(re.state).toBe("suspending");
  return { running };
}
