// Devices whose signals live in EPICS IOCs, reached over Channel Access.
export { EpicsDetector, type EpicsDetectorOptions } from "./epics-detector.js";
export {
  EpicsDevice,
  type EpicsDeviceOptions,
  type PvSignalSpec,
  type PvType,
} from "./epics-device.js";
export { EpicsMotor, type EpicsMotorOptions } from "./epics-motor.js";
