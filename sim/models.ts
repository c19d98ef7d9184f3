// Pure physics models of the simulator; sim/devices wraps them on a clock.
export { SeededRandom } from "./random.js";
export type { MotionSegment } from "./motion/motion-segment.js";
export { TrapezoidProfile, type TrapezoidProfileOptions } from "./motion/trapezoid-profile.js";
export {
  DecelerationProfile,
  type DecelerationProfileOptions,
} from "./motion/deceleration-profile.js";
export { FlyProfile, type FlyProfileOptions } from "./motion/fly-profile.js";
export { AxisModel, type AxisModelOptions, type LimitSide } from "./motion/axis-model.js";
export { GaussianPeak, type GaussianPeakOptions } from "./detectors/gaussian-peak.js";
export { CountingModel, type CountingModelOptions } from "./detectors/counting-model.js";
export { NoisyValueModel, type NoisyValueModelOptions } from "./detectors/noisy-value-model.js";
export { FirstOrderPlant, type FirstOrderPlantOptions } from "./thermal/first-order-plant.js";
export { PidController, type PidControllerOptions } from "./thermal/pid-controller.js";
export { SetpointRamp, type SetpointRampOptions } from "./thermal/setpoint-ramp.js";
export { ThermalLoop, isSettled, type ThermalLoopOptions } from "./thermal/thermal-loop.js";
export {
  BeamImage,
  type BeamImageOptions,
  type SlitAxisName,
  type SlitOpening,
} from "./detectors/beam-image.js";
export { PoissonFrameSampler } from "./detectors/poisson-frame-sampler.js";
export { BeamCameraModel } from "./detectors/beam-camera-model.js";
