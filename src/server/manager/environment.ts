import type { NamedDocument, Plan } from "../../core/index.js";
import type { RunEngineState } from "../../engine/index.js";
import type { JsonValue } from "../json-value.js";
import type { ExitStatus, QueueItem } from "../queue/index.js";

/**
 * The worker environment's states, with the queue server's words: `closed` until opened,
 * `idle` when a plan may start, `failed` when opening failed or the worker stopped answering.
 */
export type EnvironmentState =
  "closed" | "initializing" | "idle" | "executing_plan" | "closing" | "failed";

/** The plans and devices an environment offers, as `plans/allowed` and `devices/allowed` describe them. */
export interface AllowedResources {
  readonly plans: Readonly<Record<string, JsonValue>>;
  readonly devices: Readonly<Record<string, JsonValue>>;
}

/**
 * The running item's two-way line to whoever follows it outside the environment: what the
 * plan sends arrives as an `item` event, what is sent to the item (`sendToItem`) reaches
 * the listeners here. Messages are JSON, so the line crosses a process boundary unchanged.
 */
export interface ItemChannel {
  send(message: JsonValue): void;
  /** Calls `listener` with each message sent to the item; returns how to stop. */
  onMessage(listener: (message: JsonValue) => void): () => void;
}

/** What a plan item needs from an environment's catalog: a check, and the plan itself. */
export interface PlanSource {
  readonly allowed: AllowedResources;
  /** Why the item cannot run here (unknown plan, bad parameter), or undefined. */
  check(item: QueueItem): string | undefined;
  /** The item's plan; `channel` is its line to the outside while it runs. */
  build(item: QueueItem, channel: ItemChannel): Plan<unknown>;
  /**
   * Answers a question about the environment's devices that needs no plan (a scan's
   * simulation, the values of devices now); rejects a question it does not know.
   */
  query?(request: JsonValue): Promise<JsonValue>;
}

/** How one plan item ended, as a history item's `result` records it. */
export interface PlanOutcome {
  readonly exit_status: ExitStatus;
  readonly run_uids: readonly string[];
  readonly scan_ids: readonly number[];
  readonly msg: string;
  readonly traceback: string;
  /** What the plan returned, when it finished and returned something JSON can carry. */
  readonly return_value?: JsonValue;
}

/** A RunEngine request about the plan now running. */
export type EngineControl =
  | { readonly kind: "pause"; readonly defer: boolean }
  | { readonly kind: "resume" }
  | { readonly kind: "stop" }
  | { readonly kind: "abort" }
  | { readonly kind: "halt" };

/** What an environment reports, in the order it happened. */
export type EnvironmentEvent =
  | { readonly kind: "environment"; readonly state: EnvironmentState; readonly error?: string }
  | { readonly kind: "re_state"; readonly state: RunEngineState; readonly old: RunEngineState }
  | { readonly kind: "document"; readonly document: NamedDocument }
  | { readonly kind: "console"; readonly line: string }
  /** A message the running item's plan sent on its channel. */
  | { readonly kind: "item"; readonly item_uid: string; readonly message: JsonValue };

export type EnvironmentListener = (event: EnvironmentEvent) => void;

/**
 * Where plans run: devices, a RunEngine and a plan catalog, opened and closed as one. The
 * queue manager owns one; it may live in this process (virtual-clock tests) or in a forked
 * worker that can be destroyed when a plan freezes.
 */
export interface Environment {
  readonly state: EnvironmentState;
  /** The RunEngine's state while the environment is open, else null. */
  readonly reState: RunEngineState | null;
  /** What the catalog offers; undefined until the environment has opened once. */
  readonly allowed: AllowedResources | undefined;
  /** Why `item` cannot run here, or undefined; only while open. */
  check(item: QueueItem): string | undefined;
  open(): Promise<void>;
  /** Closes cleanly; refused while a plan runs. */
  close(): Promise<void>;
  /** Ends the environment at once, whatever it is doing. */
  destroy(): Promise<void>;
  /** Runs one plan item; resolves with how it ended and never rejects. */
  execute(item: QueueItem): Promise<PlanOutcome>;
  /** A RunEngine request; rejects with the engine's reason when it cannot be done now. */
  control(request: EngineControl): Promise<void>;
  /**
   * Passes `message` to the plan of the running item `itemUid` (its channel); a message
   * for an item that does not run (any more) is dropped.
   */
  sendToItem(itemUid: string, message: JsonValue): void;
  /** Asks the open environment's plan source (see PlanSource.query), even while a plan runs. */
  query(request: JsonValue): Promise<JsonValue>;
  subscribe(listener: EnvironmentListener): () => void;
}
