export * from "./models.js";
export type { PositionSource } from "./devices/position-source.js";
export type { PulseSource, PulseTrain } from "./devices/pulse-train.js";
export { isPulseSource, TIME_TOLERANCE } from "./devices/pulse-train.js";
export type { SimMotorOptions } from "./devices/sim-motor.js";
export { FlyScanError } from "./devices/fly-plan.js";
export { PositionCompareTrain, type PositionCompareOptions } from "./devices/position-compare.js";
export { SimMotor } from "./devices/sim-motor.js";
export type {
  CountingOptions,
  NoiseSource,
  PeakSource,
  SimDetectorOptions,
} from "./devices/sim-detector.js";
export { SimDetector } from "./devices/sim-detector.js";
export type { DetectorTriggerInfo } from "./devices/triggered-frames.js";
export type { SimTemperatureControllerOptions } from "./devices/sim-temperature-controller.js";
export { SimTemperatureController } from "./devices/sim-temperature-controller.js";
export type { SimSlitsOptions } from "./devices/sim-slits.js";
export { SimSlits, SlitAxis } from "./devices/sim-slits.js";
export * from "./emulators/index.js";
export type { CameraSlit } from "./devices/camera-slit.js";
export type { SimCameraPrepare } from "./devices/camera-prepare.js";
export type { SimCameraOptions } from "./devices/sim-camera.js";
export { SimCamera } from "./devices/sim-camera.js";
export { PeriodicPulseTrain } from "./devices/periodic-pulse-train.js";
export {
  FRAME_DATASET,
  Hdf5FrameWriter,
  TIMESTAMP_DATASET,
  type Hdf5FrameWriterOptions,
} from "./files/hdf5-frame-writer.js";
