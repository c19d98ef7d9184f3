// Devices whose signals live in EPICS IOCs, reached over Channel Access.
export { EpicsMotor, type EpicsMotorOptions } from "./epics-motor.js";
