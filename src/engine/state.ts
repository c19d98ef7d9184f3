/** bluesky's RunEngine states. */
export type RunEngineState =
  | "idle"
  | "running"
  | "pausing"
  | "paused"
  | "suspending"
  | "stopping"
  | "aborting"
  | "halting"
  | "panicked";

export type StateHook = (state: RunEngineState, previous: RunEngineState) => void;

/** What ends a pause or a suspension. */
export type Decision =
  | { kind: "resume" }
  | { kind: "stop" }
  | { kind: "abort"; reason: string }
  | { kind: "halt"; reason: string };
