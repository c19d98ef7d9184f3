import type { Plan, Readable, Status } from "../core/index.js";
import { RampTimeoutError } from "./errors.js";
import type { Metadata } from "./plan-metadata.js";
import { namesOf, planMetadata } from "./plan-metadata.js";
import { runWrapper } from "./preprocessors.js";
import { create, read, save, sleep } from "./stubs.js";

export interface RampOptions {
  /** Fail with a RampTimeoutError once the ramp has run this many seconds. */
  timeout?: number;
  /** Take points no faster than one per `period` seconds (default: as fast as possible). */
  period?: number;
  /** Take a point before the ramp starts (default true). */
  takePreData?: boolean;
  /** The stream `monitorDevices` are read into at each point (default "monitor"). */
  monitorStream?: string;
  md?: Metadata;
}

/**
 * Takes data while something ramps (bluesky's ramp_plan), in one run: a point before, then
 * `go` starts the slow move and points follow until its Status is done, then one last
 * point. Each point runs `innerPlan` with the seconds since the ramp started and reads
 * `monitorDevices` (untriggered) into the monitor stream; returns the run uid.
 */
export function rampPlan(
  go: Plan<Status>,
  monitorDevices: readonly Readable[],
  innerPlan: (elapsed: number) => Plan<unknown>,
  { timeout, period, takePreData = true, monitorStream = "monitor", md }: RampOptions = {},
): Plan<string> {
  const own = {
    plan_args: {
      monitor: namesOf(monitorDevices),
      timeout: timeout ?? null,
      period: period ?? null,
      take_pre_data: takePreData,
    },
    plan_name: "ramp_plan",
  };

  function* point(elapsed: number): Plan<void> {
    yield* innerPlan(elapsed);
    if (monitorDevices.length === 0) return;
    yield* create(monitorStream);
    for (const device of monitorDevices) yield* read(device);
    yield* save();
  }

  function* ramp(): Plan<void> {
    if (takePreData) yield* point(0);
    const status = yield* go;
    // The Status is the engine's answer, not a device: its clock tells how long we ramped.
    while (!status.done) {
      const started = status.elapsed;
      yield* point(started);
      if (timeout !== undefined && status.elapsed > timeout) throw new RampTimeoutError(timeout);
      const rest = period === undefined ? 0 : started + period - status.elapsed;
      if (rest > 0 && !status.done) yield* sleep(rest);
    }
    yield* point(status.elapsed);
    if (status.error) throw status.error;
  }
  return runWrapper(ramp(), planMetadata(own, {}, md));
}
