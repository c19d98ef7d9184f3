import type { DocumentCallback, DocumentName, Movable, Plan, Readable } from "../core/index.js";
import { interceptMessages, mapMessages } from "./intercept-messages.js";
import { originOf, positionOf } from "./move-stubs.js";
import { shortUid } from "./short-uid.js";
import { triggerAndRead } from "./step-stubs.js";
import {
  closeRun,
  declareStream,
  openRun,
  stageAll,
  subscribe,
  unstageAll,
  unsubscribe,
  wait,
} from "./stubs.js";

// Preprocessors: each wraps a plan in another plan (bluesky's x_wrapper), by `yield*` or
// by passing its messages through interceptMessages.

/** Runs `finalPlan` after `plan` however `plan` ends: done, failed, stopped or returned. */
export function* finalizeWrapper<R>(
  plan: Plan<R>,
  finalPlan: Plan<unknown> | (() => Plan<unknown>),
): Plan<R> {
  try {
    return yield* plan;
  } finally {
    yield* typeof finalPlan === "function" ? finalPlan() : finalPlan;
  }
}

/**
 * Opens a run around `plan` and closes it when `plan` succeeds; returns the run uid. A run
 * that fails is left open on purpose: the engine closes it with the error as the reason.
 */
export function* runWrapper(plan: Plan<unknown>, md?: Record<string, unknown>): Plan<string> {
  const uid = yield* openRun(md);
  yield* plan;
  yield* closeRun();
  return uid;
}

/**
 * Adds `md` to the start document of every run the plan opens (bluesky's
 * inject_md_wrapper); keys the plan gives itself win.
 */
export function injectMdWrapper<R>(plan: Plan<R>, md: Record<string, unknown>): Plan<R> {
  return mapMessages(plan, (msg) =>
    msg.command === "open_run" ? { ...msg, md: { ...md, ...msg.md } } : msg,
  );
}

/** Stages the stageable `devices` first and unstages them, in reverse, whatever happens. */
export function stageWrapper<R>(plan: Plan<R>, devices: Iterable<object>): Plan<R> {
  const unique = [...new Set(devices)];
  // finalizeWrapper written out: one generator less for every message of the plan to pass.
  function* staged(): Plan<R> {
    try {
      yield* stageAll(unique);
      return yield* plan;
    } finally {
      yield* unstageAll([...unique].reverse());
    }
  }
  return staged();
}

/** Callbacks for all documents, or by document name. */
export type Subscriptions =
  | DocumentCallback
  | readonly DocumentCallback[]
  | Partial<Record<DocumentName | "all", DocumentCallback | readonly DocumentCallback[]>>;

/** Subscribes the callbacks for the length of `plan`. */
export function subsWrapper<R>(plan: Plan<R>, subscriptions: Subscriptions): Plan<R> {
  const tokens: number[] = [];
  function* subscribed(): Plan<R> {
    for (const [name, callback] of subscriptionPairs(subscriptions)) {
      tokens.push(yield* subscribe(name, callback));
    }
    return yield* plan;
  }
  return finalizeWrapper(subscribed(), function* () {
    for (const token of tokens) yield* unsubscribe(token);
  });
}

export interface BaselineOptions {
  /** The stream of the baseline readings (default "baseline"). */
  stream?: string;
}

/**
 * Reads `devices` into their own stream right after each run opens and right before it
 * closes, as bluesky's SupplementalData baseline does: the state of the beamline the run
 * was taken in.
 */
export function baselineWrapper<R>(
  plan: Plan<R>,
  devices: readonly Readable[],
  { stream = "baseline" }: BaselineOptions = {},
): Plan<R> {
  if (devices.length === 0) return plan;
  return interceptMessages(plan, function* (msg) {
    if (msg.command === "open_run") {
      const uid = yield msg;
      yield* declareStream(stream, devices);
      yield* triggerAndRead(devices, { stream });
      return uid;
    }
    if (msg.command === "close_run") yield* triggerAndRead(devices, { stream });
    return yield msg;
  });
}

/**
 * Makes the `set` messages of `plan` relative to where each device stood before its first
 * set, located once (all devices, or only `devices`).
 */
export function relativeSetWrapper<R>(
  plan: Plan<R>,
  devices?: Iterable<Movable<unknown>>,
): Plan<R> {
  const eligible = devices && new Set<Movable<unknown>>(devices);
  const origins = new Map<Movable<unknown>, number>();
  return interceptMessages(plan, function* (msg) {
    if (msg.command !== "set" || (eligible && !eligible.has(msg.obj))) return yield msg;
    if (typeof msg.value !== "number") {
      throw new TypeError(
        `${msg.obj.name}: a relative set needs a number, not ${String(msg.value)}`,
      );
    }
    let origin = origins.get(msg.obj);
    if (origin === undefined) {
      origin = yield* originOf(msg.obj);
      origins.set(msg.obj, origin);
    }
    return yield { ...msg, value: origin + msg.value };
  });
}

/**
 * Notes where each device (all, or only `devices`) stands before its first set, and moves
 * them all back there at the end, together, even when `plan` fails.
 */
export function resetPositionsWrapper<R>(
  plan: Plan<R>,
  devices?: Iterable<Movable<unknown>>,
): Plan<R> {
  const eligible = devices && new Set<Movable<unknown>>(devices);
  const origins = new Map<Movable<unknown>, unknown>();
  const noted = interceptMessages(plan, function* (msg) {
    const first = msg.command === "set" && !origins.has(msg.obj);
    if (first && (!eligible || eligible.has(msg.obj))) {
      origins.set(msg.obj, yield* positionOf(msg.obj));
    }
    return yield msg;
  });
  return finalizeWrapper(noted, function* () {
    const known = [...origins].filter(([, position]) => position !== undefined);
    if (known.length === 0) return;
    const group = shortUid("reset");
    for (const [obj, value] of known) yield { command: "set", obj, value, group };
    yield* wait(group);
  });
}

function subscriptionPairs(
  subscriptions: Subscriptions,
): Array<[DocumentName | "all", DocumentCallback]> {
  if (typeof subscriptions === "function") return [["all", subscriptions]];
  if (isCallbackList(subscriptions)) return subscriptions.map((cb) => ["all", cb]);
  const pairs: Array<[DocumentName | "all", DocumentCallback]> = [];
  for (const [name, callbacks] of Object.entries(subscriptions)) {
    const list = typeof callbacks === "function" ? [callbacks] : (callbacks ?? []);
    for (const cb of list) pairs.push([name as DocumentName | "all", cb]);
  }
  return pairs;
}

function isCallbackList(value: Subscriptions): value is readonly DocumentCallback[] {
  return Array.isArray(value);
}
