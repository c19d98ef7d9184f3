import type { RunEngineState } from "../../engine/index.js";
import type { EngineSnapshot, PlanParams } from "./engine.js";

// Clients of the original dispatcher match on these texts, so they are kept word for word.

export const START_ACCEPTED = "Signalling main thread to start a new scan";
export const NO_PLAN_KEY =
  'You need to provide a "plan" key specifying which scan you want to start';
export const NOT_PAUSED = "cannot resume a runEngine that isn't paused";
export const EXCEPTION_RAISED = "exception was raised";
export const UNSUPPORTED = "Unsupported message type";
export const BAD_JSON = "Your message could not be properly decoded, is it valid json?";
export const STATE_ABOUT = "current state of the Bluesky RunEngine";
export const UPDATES_ABOUT = "run engine state updates";
export const EXCEPTION_ABOUT = "exception raised during execution of supplied bluesky plan";

/** The commands answered with "<kind> requested". */
export type ControlKind = "pause" | "resume" | "stop" | "abort" | "halt";

export type StartAcceptedReply = {
  readonly success: true;
  readonly status: typeof START_ACCEPTED;
  /** Echoed only when the request gave params. */
  readonly params?: PlanParams;
};

export type ControlAcceptedReply = {
  readonly success: true;
  readonly status: `${ControlKind} requested`;
};

/** A refusal: busy, no plan key, unknown plan, not paused, unsupported, bad JSON. */
export type RefusalReply = {
  readonly success: false;
  readonly status: string;
};

export type CommandFailedReply = {
  readonly success: false;
  readonly status: typeof EXCEPTION_RAISED;
  readonly exception: string;
};

export type StateReply = {
  readonly type: "status";
  readonly about: typeof STATE_ABOUT;
  readonly state: RunEngineState;
};

/** The first message of a subscription: where things stand. */
export type SubscribeSnapshotEvent = {
  readonly bluesky_dispatcher_version: string;
  readonly type: "status";
  readonly about: typeof UPDATES_ABOUT;
  readonly state: RunEngineState;
  readonly plan_name: string | null;
  readonly run_uid: string | null;
  readonly run_start_time: string | null;
  /** 0 for the snapshot, then one more per event; absent in legacy mode. */
  readonly seq?: number;
};

export type StatusEvent = {
  readonly type: "status";
  readonly about: typeof UPDATES_ABOUT;
  readonly state: RunEngineState;
  readonly old_state: RunEngineState;
  readonly plan_name: string | null;
  readonly run_uid: string | null;
  readonly run_start_time: string | null;
  readonly seq?: number;
};

export type ExceptionEvent = {
  readonly type: "exception";
  readonly about: typeof EXCEPTION_ABOUT;
  readonly message: string;
  readonly seq?: number;
};

export type DispatcherReply =
  StartAcceptedReply | ControlAcceptedReply | RefusalReply | CommandFailedReply | StateReply;

export type DispatcherEvent = SubscribeSnapshotEvent | StatusEvent | ExceptionEvent;

export type DispatcherMessage = DispatcherReply | DispatcherEvent;

// Builders keep the key order of the original's replies, which the legacy bytes depend on.

export function startAccepted(params: PlanParams | undefined): StartAcceptedReply {
  return params === undefined
    ? { success: true, status: START_ACCEPTED }
    : { success: true, status: START_ACCEPTED, params };
}

export function controlAccepted(kind: ControlKind): ControlAcceptedReply {
  return { success: true, status: `${kind} requested` };
}

export function refusal(status: string): RefusalReply {
  return { success: false, status };
}

export function busy(planName: string): RefusalReply {
  return refusal(`Currently busy with "${planName}" scan`);
}

export function unknownPlan(planName: string): RefusalReply {
  return refusal(`I don't recognise any scan function by the name "${planName}"`);
}

export function invalidRequest(problem: string): RefusalReply {
  return refusal(`Invalid request: ${problem}`);
}

export function commandFailed(exception: string): CommandFailedReply {
  return { success: false, status: EXCEPTION_RAISED, exception };
}

export function stateReply(state: RunEngineState): StateReply {
  return { type: "status", about: STATE_ABOUT, state };
}

export function subscribeSnapshot(
  version: string,
  snapshot: EngineSnapshot,
  seq: number | undefined,
): SubscribeSnapshotEvent {
  return {
    bluesky_dispatcher_version: version,
    type: "status",
    about: UPDATES_ABOUT,
    state: snapshot.state,
    plan_name: snapshot.planName,
    run_uid: snapshot.runUid,
    run_start_time: snapshot.runStartTime,
    seq,
  };
}

export function statusEvent(
  snapshot: EngineSnapshot,
  oldState: RunEngineState,
  seq: number | undefined,
): StatusEvent {
  return {
    type: "status",
    about: UPDATES_ABOUT,
    state: snapshot.state,
    old_state: oldState,
    plan_name: snapshot.planName,
    run_uid: snapshot.runUid,
    run_start_time: snapshot.runStartTime,
    seq,
  };
}

/** The message names the plan, then gives the error on the next line, as the original's. */
export function exceptionEvent(
  planName: string,
  error: string,
  seq: number | undefined,
): ExceptionEvent {
  return {
    type: "exception",
    about: EXCEPTION_ABOUT,
    message: `supplied plan with name "${planName}" raised exception\n${error}`,
    seq,
  };
}
