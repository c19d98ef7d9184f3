import type { Movable, Plan, Status } from "../core/index.js";
import { hasHints, isLocatable, isReadable } from "../core/index.js";
import { shortUid } from "./short-uid.js";
import { asReadings, wait } from "./stubs.js";

export interface AbsSetOptions {
  /** The group a later `wait(group)` waits on. */
  group?: string;
  /** Wait for the move here (default false). */
  wait?: boolean;
}

/** Starts moving `obj` to `value`; returns the Status. */
export function* absSet<T>(
  obj: Movable<T>,
  value: T,
  { group, wait: shouldWait = false }: AbsSetOptions = {},
): Plan<Status> {
  const setGroup = group ?? (shouldWait ? shortUid("set") : undefined);
  const status = (yield setGroup === undefined
    ? { command: "set", obj, value }
    : { command: "set", obj, value, group: setGroup }) as Status;
  if (shouldWait) yield* wait(setGroup);
  return status;
}

/** Moves `obj` by `delta` from where it was asked to be. */
export function* relSet(
  obj: Movable<number>,
  delta: number,
  options: AbsSetOptions = {},
): Plan<Status> {
  const origin = yield* originOf(obj);
  return yield* absSet(obj, origin + delta, options);
}

/** Moves every `[movable, target]` at once and waits for all; returns their statuses. */
export function* mv<T>(...pairs: Array<readonly [Movable<T>, T]>): Plan<Status[]> {
  checkDistinct(pairs.map(([obj]) => obj));
  const group = shortUid("mv");
  const statuses: Status[] = [];
  for (const [obj, value] of pairs) statuses.push(yield* absSet(obj, value, { group }));
  yield* wait(group);
  return statuses;
}

/** mv by `[movable, delta]` pairs: locates every movable first, then moves them together. */
export function* mvr(...pairs: Array<readonly [Movable<number>, number]>): Plan<Status[]> {
  checkDistinct(pairs.map(([obj]) => obj));
  const targets: Array<readonly [Movable<number>, number]> = [];
  for (const [obj, delta] of pairs) targets.push([obj, (yield* originOf(obj)) + delta]);
  return yield* mv(...targets);
}

/**
 * Where `obj` stands: the setpoint of a Locatable (as bluesky takes it, so repeated relative
 * moves do not drift with readback noise), else the hinted field of a read; undefined when
 * the engine answers nothing (a dry run).
 */
export function* positionOf(obj: Movable<unknown>): Plan<unknown> {
  if (isLocatable(obj)) {
    const location: unknown = yield { command: "locate", obj };
    if (typeof location !== "object" || location === null) return undefined;
    return (location as { setpoint?: unknown }).setpoint;
  }
  if (isReadable(obj)) {
    const readings = asReadings(yield { command: "read", obj });
    const fields = hasHints(obj) ? obj.hints.fields : [];
    const field = fields.length === 1 ? fields[0] : Object.keys(readings)[0];
    return field === undefined ? undefined : readings[field]?.value;
  }
  throw new TypeError(`${obj.name} can neither be located nor read: where is it?`);
}

/** The origin of a relative move of `obj`: its numeric position, 0 in a dry run. */
export function* originOf(obj: Movable<unknown>): Plan<number> {
  const position = (yield* positionOf(obj)) ?? 0;
  if (typeof position !== "number") {
    throw new TypeError(`${obj.name} is at ${String(position)}, not a number: no relative move`);
  }
  return position;
}

function checkDistinct(objs: ReadonlyArray<Movable<unknown>>): void {
  const seen = new Set<Movable<unknown>>();
  for (const obj of objs) {
    if (seen.has(obj)) throw new RangeError(`${obj.name} is given twice in one move`);
    seen.add(obj);
  }
}
