export type { Logger, SubscribeOptions } from "./dispatcher.js";
export {
  EngineStateError,
  PlanProtocolError,
  RequestAbort,
  RequestStop,
  RunInterruptedError,
  SubscriberError,
} from "./errors.js";
export type { RunEngineOptions, RunSubscriptions } from "./run-engine.js";
export { RunEngine } from "./run-engine.js";
export type { Decision, RunEngineState, StateHook } from "./state.js";
export type {
  Suspension,
  SuspenderLike,
  SuspenderOptions,
  ThresholdOptions,
  Watchable,
  WhenChangedOptions,
} from "./suspenders.js";
export {
  SuspendBoolHigh,
  SuspendBoolLow,
  SuspendCeil,
  SuspendFloor,
  SuspendWhenChanged,
  Suspender,
} from "./suspenders.js";
