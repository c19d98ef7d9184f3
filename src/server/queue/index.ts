export type { ApiKeyInfo, ApiKeyRequest } from "./api-keys.js";
export { ApiKeyStore } from "./api-keys.js";
export type { ItemStatus } from "./item-status.js";
export { QueueDataError, QueueError, QueueLockedError } from "./errors.js";
export { PlanHistory } from "./plan-history.js";
export type {
  AddBatchResult,
  BatchItemResult,
  ItemSelector,
  ItemValidator,
  QueueSnapshot,
  Submitter,
} from "./plan-queue.js";
export { PlanQueue } from "./plan-queue.js";
export type {
  DataOutStatus,
  ExitStatus,
  HistoryItem,
  ItemResult,
  ItemSubmission,
  JsonValue,
  QueueItem,
  QueueMode,
} from "./wire-schemas.js";
export { defaultQueueMode } from "./queue-item.js";
export {
  dataOutStatusSchema,
  exitStatusSchema,
  historyItemSchema,
  itemResultSchema,
  itemSubmissionSchema,
  queueItemSchema,
  queueModeSchema,
} from "./wire-schemas.js";
export type { LockInfo, LockRequest } from "./queue-lock.js";
export { QueueLock } from "./queue-lock.js";
export type { MoveDestination, QueueDestination, QueuePosition } from "./queue-positions.js";
export type { QueueStoreOptions, StoredResources } from "./queue-store.js";
export { QueueStore } from "./queue-store.js";
export type { FinishedResult, NextItem } from "./running-item.js";
export { RunningItem } from "./running-item.js";
