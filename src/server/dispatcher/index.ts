export type {
  CommandOutcome,
  EngineCommand,
  EngineEvent,
  EngineSnapshot,
  PlanParams,
} from "./engine.js";
export { IDLE_SNAPSHOT } from "./engine.js";
export type { DispatcherHubOptions, HubAction, SessionId } from "./hub.js";
export { DispatcherHub } from "./hub.js";
export type { JsonValue } from "../json-value.js";
export { pythonJson } from "../python-json.js";
export type {
  CommandFailedReply,
  ControlAcceptedReply,
  ControlKind,
  DispatcherEvent,
  DispatcherMessage,
  DispatcherReply,
  ExceptionEvent,
  RefusalReply,
  StartAcceptedReply,
  StateReply,
  StatusEvent,
  SubscribeSnapshotEvent,
} from "./messages.js";
export type { DecodedFrame, DispatcherRequest, RequestType, StartRequest } from "./requests.js";
export {
  abortRequestSchema,
  decodeRequest,
  dispatcherRequestJsonSchema,
  dispatcherRequestSchema,
  haltRequestSchema,
  pauseRequestSchema,
  resumeRequestSchema,
  startRequestSchema,
  stateRequestSchema,
  stopRequestSchema,
  subscribeRequestSchema,
} from "./requests.js";
export type { SessionAction, SessionContext, SessionOptions } from "./session.js";
export { CLOSE_LAGGING, CLOSE_NORMAL, DISPATCHER_VERSION, DispatcherSession } from "./session.js";
export type { EngineListener, FinishedItems, ManagerEngineOptions } from "./manager-engine.js";
export { ManagerEngine, errorRepr, pythonIsoTime } from "./manager-engine.js";
export type { CommandRunner, DispatcherSocket } from "./connections.js";
export { DispatcherConnections } from "./connections.js";
export type { DispatcherServer, DispatcherServerOptions } from "./server.js";
export { startDispatcherServer } from "./server.js";
