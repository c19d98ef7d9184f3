// YAML device configuration: load and check a config, build its devices from a registry.
//
// Start at load-config.ts: loadConfig turns a file into a checked BeamlineConfig, and
// loadBeamline goes on to a Beamline of connected devices. The files, in the order a
// config passes through them:
//   source-file.ts       one YAML file parsed with the line and column of every value
//   read-config-tree.ts  a file and its includes, merged, with ${VAR} from the environment
//   config-schema.ts     what a config file may hold (file, device, transport, profile)
//                        and the checked types BeamlineConfig and DeviceConfig
//   value-schemas.ts     value schemas shared with the drivers (numbers, ranges, names)
//   config-error.ts      problems at file:line:col, zod issues in words, close names
//   load-config.ts       loadConfig, loadBeamline; each device checked for its profile
//   registry.ts          DriverSpec, BuildContext and LinkHook: the contract with drivers
//   drivers/             the driver specs; drivers/index.ts is the default registry
//   transport-factory.ts the byte or Modbus link a `transport:` entry describes
//   build-devices.ts     buildDevices (references first, then connect) and the Beamline
export type { Environment } from "./read-config-tree.js";
export { substituteEnv } from "./read-config-tree.js";
export type {
  BeamlineConfig,
  DataSocketConfig,
  DataSocketType,
  DeviceConfig,
  PublishedSignal,
  IocSection,
  Profile,
  ServedDevice,
  Transport,
  TransportType,
} from "./config-schema.js";
export { profileSchema, transportSchema } from "./config-schema.js";
export { configNumber, identifierSchema, rangeSchema } from "./value-schemas.js";
export type { ConfigProblem } from "./config-error.js";
export { ConfigError, closeNames, formatProblem, levenshtein } from "./config-error.js";
export type { LoadBeamlineOptions, LoadConfigOptions } from "./load-config.js";
export { loadBeamline, loadConfig, referenceCycles } from "./load-config.js";
export type {
  BuildContext,
  ByteLinkOptions,
  DriverSpec,
  LinkHook,
  LinkRequest,
  ModbusLinkOptions,
} from "./registry.js";
export { DriverRegistry } from "./registry.js";
export { driverRegistry, registerDriver } from "./drivers/index.js";
export {
  simDetectorDriver,
  simMotorDriver,
  simSlitsDriver,
  simTemperatureDriver,
} from "./drivers/sim-drivers.js";
export { simCameraDriver } from "./drivers/sim-camera-driver.js";
export type { LinkKind } from "./transport-factory.js";
export { byteTransport, linkKind, modbusClient, portKey } from "./transport-factory.js";
export type { BuildDeviceOptions, BuildDevicesOptions, DeviceEntry } from "./build-devices.js";
export {
  Beamline,
  UnknownDeviceError,
  buildDevice,
  buildDevices,
  dependencyOrder,
  deviceSeed,
} from "./build-devices.js";
