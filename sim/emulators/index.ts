// Protocol emulators: each speaks one instrument's public protocol over a ByteTransport.
export type { Smc100EmulatedAxisOptions, Smc100EmulatorOptions } from "./smc100-emulator.js";
export { SMC100_RESET_JUNK, SMC100_STATES, Smc100Emulator } from "./smc100-emulator.js";
export {
  Eurotherm3200Emulator,
  type Eurotherm3200EmulatorOptions,
} from "./eurotherm-3200-emulator.js";
export * from "./keithley-6485-emulator.js";
export type { LakeShore336EmulatorOptions } from "./lakeshore-336-emulator.js";
export {
  LAKESHORE336_IDENTITY,
  LAKESHORE336_TCP_PORT,
  LakeShore336Emulator,
} from "./lakeshore-336-emulator.js";
export type { LakeShore336Physics } from "./lakeshore-336-instrument.js";
export type { TcpListenerOptions } from "./tcp-listener.js";
export { TcpListener } from "./tcp-listener.js";
