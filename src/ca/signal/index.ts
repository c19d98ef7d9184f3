// Channel Access as a signal transport: SignalBackends on PVs of any IOC.
export { CaSignalBackend, type CaSignalBackendOptions } from "./ca-signal-backend.js";
export { SharedCaClient } from "./shared-client.js";
export {
  epicsSignalR,
  epicsSignalRW,
  epicsSignalRWRbv,
  epicsSignalX,
  type EpicsSignalOptions,
} from "./epics-signal.js";
