// A client of the queue server's HTTP API and websockets, for scripts and the `hil queue` command.
export { QueueClientError } from "./errors.js";
export type {
  Destination,
  ItemSubmission,
  JsonValue,
  MoveDestination,
  Position,
  QueueClientOptions,
  QueueItem,
  QueueMode,
  Selector,
  Submission,
} from "./queue-client.js";
export { QueueClient, defaultQueueUrl } from "./queue-client.js";
export type {
  AddBatchReply,
  ApiKeyReply,
  BaseReply,
  DevicesAllowedReply,
  ExecuteReply,
  HistoryGetReply,
  ItemGetReply,
  ItemReply,
  ItemStatusReply,
  LockReply,
  ModeReply,
  PlansAllowedReply,
  QueueGetReply,
  SocketMessage,
  StatusReply,
} from "./replies.js";
export type { SocketWatch, WatchOptions } from "./watch.js";
