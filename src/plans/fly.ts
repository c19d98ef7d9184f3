import type {
  Collectable,
  FlyMotorInfo,
  Flyable,
  Plan,
  Preparable,
  Readable,
  TriggerInfo,
} from "../core/index.js";
import { collect, collectWhileCompleting, completeAll, kickoffAll, prepare } from "./fly-stubs.js";
import type { Metadata } from "./plan-metadata.js";
import { dimensionsOf, namesOf, planMetadata } from "./plan-metadata.js";
import { runWrapper, stageWrapper } from "./preprocessors.js";
import { shortUid } from "./short-uid.js";
import { declareStream, wait } from "./stubs.js";

/**
 * bluesky's `fly`: opens a run, kicks off the flyers, waits for them to complete and
 * collects each into a stream of its own name. Returns the run uid.
 */
export function fly(flyers: ReadonlyArray<Flyable & Collectable>, { md }: { md?: Metadata } = {}) {
  const own = { plan_name: "fly", plan_args: { flyers: namesOf(flyers) } };
  function* flown(): Plan<void> {
    yield* kickoffAll(flyers);
    yield* completeAll(flyers);
    for (const flyer of flyers) yield* collect([flyer], { name: flyer.name });
  }
  return runWrapper(flown(), planMetadata(own, {}, md));
}

/** A motor that can fly with a position-compare output. */
export type FlyingMotor = Preparable<FlyMotorInfo> & Flyable & Readable;
/** A detector that takes a frame at each pulse of a trigger source. */
export type TriggeredDetector = Preparable<TriggerInfo> & Flyable & Collectable;

export interface FlyScanOptions {
  /** Seconds from start to stop at constant velocity (default: num × livetime × 2). */
  time?: number;
  /** Seconds each frame integrates (default 10 ms). */
  livetime?: number;
  /** Seconds between collects while flying, so tables and plots follow (default 1). */
  flushPeriod?: number;
  md?: Metadata;
}

/**
 * A fly scan: `motor` moves once from `start` to `stop` at constant velocity while each
 * detector takes `num` frames, one at each pulse of the motor's position compare (evenly
 * spaced from start to stop inclusive). The motor runs up before `start` and out after
 * `stop` so the whole range is flown at speed. Frames arrive as event pages of the primary
 * stream during the flight; frames written to files as stream resources and datums.
 */
export function flyScan(
  detectors: readonly TriggeredDetector[],
  motor: FlyingMotor,
  start: number,
  stop: number,
  num: number,
  { livetime = 0.01, time = num * livetime * 2, flushPeriod = 1, md }: FlyScanOptions = {},
): Plan<string> {
  if (!(Number.isInteger(num) && num >= 2)) {
    throw new RangeError(`fly_scan needs a whole number of frames ≥ 2, not ${num}`);
  }
  if (!(time > 0)) throw new RangeError(`fly_scan needs a time > 0 s, not ${time}`);
  if (!(livetime > 0 && livetime * num <= time)) {
    throw new RangeError(`fly_scan: ${num} frames of ${livetime} s do not fit in ${time} s`);
  }
  const own = {
    detectors: namesOf(detectors),
    motors: [motor.name],
    num_points: num,
    num_intervals: num - 1,
    plan_args: { detectors: namesOf(detectors), motor: motor.name, start, stop, num, time },
    plan_name: "fly_scan",
    plan_pattern: "linspace",
    plan_pattern_args: { start, stop, num },
  };
  const startMd = planMetadata(own, { dimensions: dimensionsOf([motor]) }, md);
  function* flight(): Plan<void> {
    const ready = shortUid("prepare");
    const info: FlyMotorInfo = { startPosition: start, endPosition: stop, timeForMove: time };
    yield* prepare(motor, { ...info, pulses: num }, { group: ready });
    for (const det of detectors) {
      yield* prepare(det, { trigger: motor, frames: num, livetime }, { group: ready });
    }
    yield* wait(ready);
    yield* declareStream("primary", detectors, { collect: true });
    yield* kickoffAll(detectors);
    yield* kickoffAll([motor]);
    yield* collectWhileCompleting([motor, ...detectors], detectors, { flushPeriod });
  }
  return stageWrapper(runWrapper(flight(), startMd), [...detectors, motor]);
}
