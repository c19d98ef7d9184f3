// Devices whose signals live in EPICS IOCs, reached over Channel Access.
export { EpicsDetector, type EpicsDetectorOptions } from "./epics-detector.js";
export { EpicsMotor, type EpicsMotorOptions } from "./epics-motor.js";
