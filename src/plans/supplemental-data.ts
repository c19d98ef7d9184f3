import type { Flyable, Plan, Readable, Subscribable } from "../core/index.js";
import { isCollectable } from "../core/index.js";
import { collect, completeAll, kickoffAll, monitor, unmonitor } from "./fly-stubs.js";
import { interceptMessages } from "./intercept-messages.js";
import { baselineWrapper } from "./preprocessors.js";

/**
 * Monitors `signals` for the length of every run of `plan`: each change is an event of the
 * stream `<name>_monitor`, started right after the run opens and ended before it closes.
 */
export function monitorDuringWrapper<R>(plan: Plan<R>, signals: readonly Subscribable[]): Plan<R> {
  if (signals.length === 0) return plan;
  return interceptMessages(plan, function* (msg) {
    if (msg.command === "open_run") {
      const uid = yield msg;
      for (const signal of signals) yield* monitor(signal);
      return uid;
    }
    if (msg.command === "close_run") for (const signal of signals) yield* unmonitor(signal);
    return yield msg;
  });
}

/**
 * Flies `flyers` alongside every run of `plan`: kicked off once the run opens, completed
 * and collected (each into a stream of its own name) before it closes.
 */
export function flyDuringWrapper<R>(plan: Plan<R>, flyers: readonly Flyable[]): Plan<R> {
  if (flyers.length === 0) return plan;
  return interceptMessages(plan, function* (msg) {
    if (msg.command === "open_run") {
      const uid = yield msg;
      yield* kickoffAll(flyers);
      return uid;
    }
    if (msg.command === "close_run") {
      yield* completeAll(flyers);
      for (const flyer of flyers) {
        if (isCollectable(flyer)) yield* collect([flyer], { name: flyer.name });
      }
    }
    return yield msg;
  });
}

/**
 * What every run on a beamline carries besides its plan, as bluesky's SupplementalData:
 * baseline readings at start and end, monitors through the run, flyers alongside it.
 */
export class SupplementalData {
  baseline: Readable[];
  monitors: Subscribable[];
  flyers: Flyable[];

  constructor({
    baseline = [],
    monitors = [],
    flyers = [],
  }: { baseline?: Readable[]; monitors?: Subscribable[]; flyers?: Flyable[] } = {}) {
    this.baseline = baseline;
    this.monitors = monitors;
    this.flyers = flyers;
  }

  /** `plan` with all of it: the preprocessor to run every plan through. */
  wrap<R>(plan: Plan<R>): Plan<R> {
    const flown = flyDuringWrapper(plan, this.flyers);
    const monitored = monitorDuringWrapper(flown, this.monitors);
    return baselineWrapper(monitored, this.baseline);
  }
}
