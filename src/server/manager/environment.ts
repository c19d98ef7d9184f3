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

/** What a plan item needs from an environment's catalog: a check, and the plan itself. */
export interface PlanSource {
  readonly allowed: AllowedResources;
  /** Why the item cannot run here (unknown plan, bad parameter), or undefined. */
  check(item: QueueItem): string | undefined;
  build(item: QueueItem): Plan<unknown>;
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
  | { readonly kind: "console"; readonly line: string };

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
  subscribe(listener: EnvironmentListener): () => void;
}
