export type {
  AllowedResources,
  EngineControl,
  Environment,
  EnvironmentEvent,
  EnvironmentListener,
  EnvironmentState,
  ItemChannel,
  PlanOutcome,
  PlanSource,
} from "./environment.js";
export type { OpenedEnvironment } from "./in-process-environment.js";
export { InProcessEnvironment } from "./in-process-environment.js";
export type { ManagerState, ManagerStatus } from "./manager-status.js";
export { managerVersion } from "./manager-status.js";
export type { ManagerEvent, ManagerListener, QueueManagerOptions } from "./queue-manager.js";
export { QueueManager } from "./queue-manager.js";
export type { ParentChannel } from "./worker/serve-environment.js";
export { forkedParent, serveEnvironment } from "./worker/serve-environment.js";
export type { ItemCheckerFactory, WorkerEnvironmentOptions } from "./worker/worker-environment.js";
export { WorkerEnvironment } from "./worker/worker-environment.js";
export type { NamedDevices } from "./catalog-plan-source.js";
export { catalogChecker, catalogPlanSource } from "./catalog-plan-source.js";
