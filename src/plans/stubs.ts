import type {
  Collectable,
  Configurable,
  DocumentCallback,
  DocumentName,
  ExitStatus,
  Locatable,
  Location,
  Msg,
  Plan,
  Readable,
  Readings,
  Reconfigurable,
  Stageable,
  Stoppable,
} from "../core/index.js";
import { isStageable } from "../core/index.js";

// Plan stubs that each yield one message (bluesky's plan_stubs). The engine's answer to the
// message comes back as the value of `yield`; the stubs return it typed.

/** Opens a run; returns its uid. `md` is merged into the start document. */
export function* openRun(md?: Record<string, unknown>): Plan<string> {
  return (yield md === undefined ? { command: "open_run" } : { command: "open_run", md }) as string;
}

/** Closes the open run; returns its uid. */
export function* closeRun(exitStatus?: ExitStatus, reason?: string): Plan<string> {
  const msg: Msg = { command: "close_run" };
  if (exitStatus !== undefined) msg.exitStatus = exitStatus;
  if (reason !== undefined) msg.reason = reason;
  return (yield msg) as string;
}

/** Opens a bundle of reads that `save` makes one event of `stream`. */
export function* create(stream = "primary"): Plan<void> {
  yield { command: "create", stream };
}

/** Reads `obj` into the open bundle; returns its readings. */
export function* read(obj: Readable): Plan<Readings> {
  return asReadings(yield { command: "read", obj });
}

/** Emits the bundle as an event. */
export function* save(): Plan<void> {
  yield { command: "save" };
}

/** Discards the bundle. */
export function* drop(): Plan<void> {
  yield { command: "drop" };
}

/** Where `obj` was asked to go and where it is. */
export function* locate<T>(obj: Locatable<T>): Plan<Location<T>> {
  return (yield { command: "locate", obj }) as Location<T>;
}

export function* sleep(seconds: number): Plan<void> {
  yield { command: "sleep", seconds };
}

/** Waits for every status of `group` (every ungrouped one without it). */
export function* wait(group?: string, timeout?: number): Plan<void> {
  const msg: Msg = { command: "wait" };
  if (group !== undefined) msg.group = group;
  if (timeout !== undefined) msg.timeout = timeout;
  yield msg;
}

/** Where a pause or suspension rewinds to. */
export function* checkpoint(): Plan<void> {
  yield { command: "checkpoint" };
}

/** Forbids rewinding past here until the next checkpoint. */
export function* clearCheckpoint(): Plan<void> {
  yield { command: "clear_checkpoint" };
}

/** Pauses the engine; with `defer`, at the next checkpoint. */
export function* pause(defer?: boolean): Plan<void> {
  yield defer === undefined ? { command: "pause" } : { command: "pause", defer };
}

export function* stage(obj: Stageable): Plan<void> {
  yield { command: "stage", obj };
}

export function* unstage(obj: Stageable): Plan<void> {
  yield { command: "unstage", obj };
}

/** Stages, in order, those of `devices` that can be staged, each once. */
export function* stageAll(devices: Iterable<object>): Plan<void> {
  for (const obj of stageables(devices)) yield* stage(obj);
}

/** Unstages, in order, those of `devices` that can be staged, each once. */
export function* unstageAll(devices: Iterable<object>): Plan<void> {
  for (const obj of stageables(devices)) yield* unstage(obj);
}

export function* stop(obj: Stoppable): Plan<void> {
  yield { command: "stop", obj };
}

/** Changes configuration, e.g. `{exposure: 0.5}`; returns the engine's answer. */
export function* configure(obj: Reconfigurable, settings: Record<string, unknown>): Plan<unknown> {
  return yield { command: "configure", obj, settings };
}

/**
 * Emits the descriptor of `stream` before its first event; with `collect`, from what the
 * objects will collect rather than what they read (bluesky's declare_stream(collect=True)).
 */
export function* declareStream(
  stream: string,
  objs: ReadonlyArray<(Readable | Collectable) & Partial<Configurable>>,
  { collect = false }: { collect?: boolean } = {},
): Plan<void> {
  yield collect
    ? { command: "declare_stream", stream, objs, collect }
    : { command: "declare_stream", stream, objs };
}

/** Subscribes `callback` to documents named `name`; returns the token to unsubscribe. */
export function* subscribe(name: DocumentName | "all", callback: DocumentCallback): Plan<number> {
  return (yield { command: "subscribe", name, callback }) as number;
}

export function* unsubscribe(token: number): Plan<void> {
  yield { command: "unsubscribe", token };
}

/** A message that does nothing; useful to test engines and wrappers. */
export function* nullMsg(): Plan<void> {
  yield { command: "null" };
}

/** Readings from the engine's answer; none when it gave nothing (e.g. under simulate). */
export function asReadings(response: unknown): Readings {
  return typeof response === "object" && response !== null ? (response as Readings) : {};
}

function stageables(devices: Iterable<object>): Stageable[] {
  return [...new Set(devices)].filter(isStageable);
}
