import type { RunEngineState } from "../../engine/index.js";
import type { JsonValue } from "../json-value.js";

/** Parameters of a plan, by name, as a client sends them. */
export type PlanParams = Readonly<Record<string, JsonValue>>;

/** What subscribers are told about the engine at any moment. */
export interface EngineSnapshot {
  readonly state: RunEngineState;
  /** The plan the engine runs or last ran; null before the first. */
  readonly planName: string | null;
  /** The uid of the last start document; null before the first run. */
  readonly runUid: string | null;
  /** When that run started, as a string; null before the first run. */
  readonly runStartTime: string | null;
}

export const IDLE_SNAPSHOT: EngineSnapshot = {
  state: "idle",
  planName: null,
  runUid: null,
  runStartTime: null,
};

/**
 * What the engine reports to the dispatcher, in the order it happened. A plan that fails,
 * including one that could not be launched, is reported as an exception; the plan has then
 * ended.
 */
export type EngineEvent =
  | (EngineSnapshot & { readonly kind: "state"; readonly oldState: RunEngineState })
  | { readonly kind: "exception"; readonly planName: string | null; readonly error: string };

/**
 * What the dispatcher asks of the engine. Pause defers to the next checkpoint unless the
 * client asked otherwise, as the original always requests it.
 */
export type EngineCommand =
  | { readonly kind: "start"; readonly plan: string; readonly params?: PlanParams }
  | { readonly kind: "pause"; readonly defer: boolean }
  | { readonly kind: "resume" }
  | { readonly kind: "stop" }
  | { readonly kind: "abort" }
  | { readonly kind: "halt" };

/** How a command other than start ended; `exception` is the error's text (a repr). */
export type CommandOutcome =
  { readonly ok: true } | { readonly ok: false; readonly exception: string };
