// The Channel Access client: channels, requests, monitors and their errors.
export type { CaClientOptions, CaLogLevel } from "./client.js";
export { CaClient } from "./client.js";
export type {
  CaAccessRights,
  CaChannelEvents,
  CaChannelOptions,
  CaChannelState,
  CaConnectionInfo,
  CaGetOptions,
  CaPutOptions,
} from "./channel.js";
export { CaChannel } from "./channel.js";
export type { CaMonitorListener, CaMonitorOptions } from "./subscription.js";
export { CaSubscription } from "./subscription.js";
export type { CaForm, CaRequestType } from "./request-type.js";
export type { CaClientError } from "./errors.js";
export { CaClosedError, CaDisconnectedError, CaStatusError, CaTimeoutError } from "./errors.js";
export { SearchScheduler, searchDelay } from "./search-scheduler.js";
