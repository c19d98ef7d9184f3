// YAML device configuration: load and check a config, build its devices from a registry.
export type { BeamlineConfig, DeviceConfig } from "./beamline-config.js";
export { Beamline, UnknownDeviceError } from "./beamline.js";
export type { BuildDeviceOptions, BuildDevicesOptions, DeviceEntry } from "./build-devices.js";
export { buildDevice, buildDevices } from "./build-devices.js";
export { closeNames, levenshtein } from "./close-names.js";
export type { ConfigProblem } from "./config-error.js";
export { ConfigError, formatProblem } from "./config-error.js";
export { dependencyOrder, referenceCycles } from "./device-references.js";
export { deviceSeed } from "./device-seed.js";
export { driverRegistry, registerDriver } from "./drivers/index.js";
export {
  simDetectorDriver,
  simMotorDriver,
  simSlitsDriver,
  simTemperatureDriver,
} from "./drivers/sim-drivers.js";
export { simCameraDriver } from "./drivers/sim-camera-driver.js";
export type { Environment } from "./env-substitution.js";
export { substituteEnv } from "./env-substitution.js";
export type { LoadBeamlineOptions } from "./load-beamline.js";
export { loadBeamline } from "./load-beamline.js";
export type { LoadConfigOptions } from "./load-config.js";
export { loadConfig } from "./load-config.js";
export type { Profile } from "./profile.js";
export { profileSchema } from "./profile.js";
export type { BuildContext, DriverSpec } from "./registry.js";
export { DriverRegistry } from "./registry.js";
export type { Transport, TransportType } from "./transport-schema.js";
export { transportSchema } from "./transport-schema.js";
export { configNumber, identifierSchema, rangeSchema } from "./value-schemas.js";
export type { ByteLinkOptions, LinkHook, LinkRequest, ModbusLinkOptions } from "./links.js";
export type { LinkKind } from "./transport-factory.js";
export { byteTransport, linkKind, modbusClient, portKey } from "./transport-factory.js";
