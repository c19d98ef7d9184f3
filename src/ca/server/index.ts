// The Channel Access server: sockets around the codec, serving any CaPvProvider.
export type { CaServerOptions } from "./server.js";
export { CaServer } from "./server.js";
export type { CircuitStats } from "./circuit.js";
export type {
  CaClientIdentity,
  CaPv,
  CaPvProvider,
  CaPvState,
  CaPvUpdate,
  CaWriteOptions,
} from "./provider.js";
export { CaPvError } from "./provider.js";
export type { SoftPvMetadata, SoftPvOptions, SoftPvWriteHandler } from "./soft-pv.js";
export { SoftPv } from "./soft-pv.js";
export { pvProvider } from "./pv-map.js";
