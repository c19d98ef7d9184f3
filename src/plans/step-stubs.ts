import type { Movable, Plan, Readable, Readings, Triggerable } from "../core/index.js";
import { isReadable, isTriggerable } from "../core/index.js";
import { shortUid } from "./short-uid.js";
import { asReadings } from "./stubs.js";

export interface TriggerAndReadOptions {
  /** The event stream (default "primary"). */
  stream?: string;
}

/** One point of a step scan: where each motor goes. */
export type Step = ReadonlyMap<Movable<number>, number>;

/** Where each motor was last sent, so a step moves only the motors whose target changed. */
export type PositionCache = Map<Movable<number>, number>;

/** What a step scan does at each point (default: oneNdStep). */
export type PerStep = (
  detectors: readonly Readable[],
  step: Step,
  positionCache: PositionCache,
) => Plan<unknown>;

/** The devices of one event, each once, and those of them to trigger first. */
export interface Readout {
  readonly devices: readonly Readable[];
  readonly triggerable: readonly Triggerable[];
}

/** Works out a Readout once, for a plan that reads the same devices at every point. */
export function readoutOf(devices: Iterable<Readable>): Readout {
  const unique = [...new Set(devices)];
  const triggerable = unique.filter((obj): obj is Readable & Triggerable => isTriggerable(obj));
  return { devices: unique, triggerable };
}

/**
 * Triggers every triggerable device in one group, waits, then reads every device into one
 * event of `stream`; returns the merged readings. A failed read drops the bundle.
 */
export function* triggerAndRead(
  devices: Iterable<Readable>,
  { stream = "primary" }: TriggerAndReadOptions = {},
): Plan<Readings> {
  return yield* readEvent(readoutOf(devices), stream);
}

/** triggerAndRead of a Readout worked out beforehand. */
export function* readEvent(readout: Readout, stream = "primary"): Plan<Readings> {
  // Messages are yielded as they are, not through the stubs: this runs at every point.
  const group = shortUid("trigger");
  for (const obj of readout.triggerable) yield { command: "trigger", obj, group };
  if (readout.triggerable.length > 0) yield { command: "wait", group };
  yield { command: "create", stream };
  const readings: Readings = {};
  try {
    for (const obj of readout.devices) {
      Object.assign(readings, asReadings(yield { command: "read", obj }));
    }
  } catch (error) {
    yield { command: "drop" };
    throw error;
  }
  yield { command: "save" };
  return readings;
}

/**
 * Moves, together, the motors of `step` whose target differs from the cache, after a
 * checkpoint (the point a pause rewinds to), and waits for them.
 */
export function* movePerStep(step: Step, positionCache: PositionCache): Plan<void> {
  yield { command: "checkpoint" };
  const group = shortUid("set");
  for (const [motor, position] of step) {
    if (positionCache.get(motor) === position) continue;
    yield { command: "set", obj: motor, value: position, group };
    positionCache.set(motor, position);
  }
  yield { command: "wait", group };
}

/** The default step of a scan: move, then trigger and read the detectors and the motors. */
export function* oneNdStep(
  detectors: readonly Readable[],
  step: Step,
  positionCache: PositionCache,
): Plan<Readings> {
  yield* movePerStep(step, positionCache);
  return yield* readEvent(stepReadout(detectors, [...step.keys()]));
}

/** What oneNdStep reads at a point that moves `motors`: the detectors, then the motors. */
export function stepReadout(
  detectors: readonly Readable[],
  motors: ReadonlyArray<Movable<number>>,
): Readout {
  const readable = motors.filter((m): m is Movable<number> & Readable => isReadable(m));
  return readoutOf([...detectors, ...readable]);
}
