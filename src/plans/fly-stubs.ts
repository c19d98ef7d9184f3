import type {
  Collectable,
  Flyable,
  MsgOf,
  Plan,
  Preparable,
  Readable,
  Status,
  Subscribable,
} from "../core/index.js";
import { hasHints } from "../core/index.js";
import { shortUid } from "./short-uid.js";
import { asReadings, sleep, wait } from "./stubs.js";

// Plan stubs for fly scans and monitors (bluesky's prepare, kickoff, complete, collect,
// collect_while_completing, monitor, unmonitor, wait_for, rd).

export interface StatusStubOptions {
  /** The group a later `wait(group)` waits on. */
  group?: string;
  /** Wait here for the Status (default false, as in bluesky). */
  wait?: boolean;
}

type StatusMsg = MsgOf<"prepare"> | MsgOf<"kickoff"> | MsgOf<"complete">;

/** Sends a message whose Status joins `group`, and waits for it here with `wait`. */
function* statusOf(
  msg: StatusMsg,
  { group, wait: shouldWait = false }: StatusStubOptions,
): Plan<Status> {
  const used = group ?? (shouldWait ? shortUid(msg.command) : undefined);
  const status = (yield used === undefined ? msg : { ...msg, group: used }) as Status;
  if (shouldWait) yield* wait(used);
  return status;
}

/** Gets `obj` ready to fly with `value` (e.g. a motor's range and time); returns the Status. */
export function prepare<T>(
  obj: Preparable<T>,
  value: T,
  options: StatusStubOptions = {},
): Plan<Status> {
  return statusOf({ command: "prepare", obj, value }, options);
}

/** Starts a flyer; returns the Status that resolves once it has started. */
export function kickoff(obj: Flyable, options: StatusStubOptions = {}): Plan<Status> {
  return statusOf({ command: "kickoff", obj }, options);
}

/** Asks a flyer to finish; returns the Status that resolves when it has. */
export function complete(obj: Flyable, options: StatusStubOptions = {}): Plan<Status> {
  return statusOf({ command: "complete", obj }, options);
}

/** Kicks off every flyer and waits until all have started. */
export function* kickoffAll(flyers: readonly Flyable[]): Plan<void> {
  const group = shortUid("kickoff");
  for (const obj of flyers) yield* kickoff(obj, { group });
  yield* wait(group);
}

/** Asks every flyer to complete and waits until all have. */
export function* completeAll(flyers: readonly Flyable[]): Plan<void> {
  const group = shortUid("complete");
  for (const obj of flyers) yield* complete(obj, { group });
  yield* wait(group);
}

/**
 * Turns what `objs` gathered into events of `name` (default "primary"): event pages, and
 * stream resources and datums for frames written to files. Returns the events made.
 */
export function* collect(
  objs: readonly Collectable[],
  { name = "primary" }: { name?: string } = {},
): Plan<number> {
  const made = yield { command: "collect", objs, stream: name };
  return typeof made === "number" ? made : 0;
}

export interface CollectWhileCompletingOptions {
  /** Seconds between collects while the flyers fly (default 1). */
  flushPeriod?: number;
  /** The stream collected into (default "primary"). */
  name?: string;
}

/**
 * Completes `flyers` while collecting `collectables` every `flushPeriod` seconds, then once
 * more after they are done, as bluesky's collect_while_completing: data reach callbacks
 * (tables, plots, files) while the scan is still flying.
 */
export function* collectWhileCompleting(
  flyers: readonly Flyable[],
  collectables: readonly Collectable[],
  { flushPeriod = 1, name = "primary" }: CollectWhileCompletingOptions = {},
): Plan<number> {
  const group = shortUid("complete");
  const statuses: Status[] = [];
  for (const obj of flyers) statuses.push(yield* complete(obj, { group }));
  let made = 0;
  while (!statuses.every((status) => status.done)) {
    made += yield* collect(collectables, { name });
    yield* sleep(flushPeriod);
  }
  // Done by now; waiting raises a failure, and lets simulate() count the flight's time.
  yield* wait(group);
  made += yield* collect(collectables, { name });
  return made;
}

/**
 * Every change of `obj` becomes an event of its own stream while the run goes on, by default
 * `<name>_monitor` as bluesky's monitor_during_wrapper names it.
 */
export function* monitor(obj: Subscribable, { name }: { name?: string } = {}): Plan<void> {
  yield { command: "monitor", obj, stream: name ?? `${obj.name}_monitor` };
}

export function* unmonitor(obj: Subscribable): Plan<void> {
  yield { command: "unmonitor", obj };
}

/** Waits for the promises `waitables` make, e.g. `() => waitForValue(shutter, "open")`. */
export function* waitFor(
  waitables: ReadonlyArray<() => PromiseLike<unknown>>,
  { timeout }: { timeout?: number } = {},
): Plan<void> {
  yield timeout === undefined
    ? { command: "wait_for", waitables }
    : { command: "wait_for", waitables, timeout };
}

/**
 * The value of a single-valued readable, without triggering it (bluesky's rd): its only
 * field, else its one hinted field. `defaultValue` when the engine gives no reading (as
 * under simulate()).
 */
export function* rd<T = unknown>(
  obj: Readable,
  { defaultValue }: { defaultValue?: T } = {},
): Plan<T> {
  const readings = asReadings(yield { command: "read", obj });
  const fields = Object.keys(readings);
  if (fields.length === 0) return defaultValue as T;
  if (fields.length === 1) return readings[fields[0]!]!.value as T;
  const hinted = hasHints(obj) ? obj.hints.fields.filter((f) => f in readings) : [];
  if (hinted.length === 1) return readings[hinted[0]!]!.value as T;
  const choices = (hinted.length > 1 ? hinted : fields).join(", ");
  throw new TypeError(`rd(${obj.name}): more than one field to choose from (${choices})`);
}
