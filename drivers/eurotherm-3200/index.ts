// The Eurotherm 3200 driver: the Modbus register map as data, and the controller on it.
export type {
  Access,
  Encoding,
  Eurotherm3200Parameter,
  InstrumentStatus,
  ParameterKey,
  Region,
} from "./protocol.js";
export {
  FLOAT_REGION_BASE,
  LOCAL_REMOTE_CHOICES,
  MODE_CHOICES,
  PARAMETERS,
  STATUS_BITS,
  activeStatusFlags,
  decodeStatus,
  floatAddress,
  registerSpec,
  scaledDecimalPlaces,
} from "./protocol.js";
export type { Eurotherm3200Options } from "./eurotherm-3200-device.js";
export { Eurotherm3200 } from "./eurotherm-3200-device.js";
