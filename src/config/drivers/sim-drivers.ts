import { z } from "zod";
import type { Device } from "../../core/index.js";
import type { PositionSource, PulseSource } from "../../../sim/index.js";
import {
  isPulseSource,
  SimDetector,
  SimMotor,
  SimSlits,
  SimTemperatureController,
} from "../../../sim/index.js";
import type { DriverSpec } from "../registry.js";
import {
  configNumber,
  identifierSchema,
  nonNegative,
  positive,
  rangeSchema,
} from "../value-schemas.js";

const number = configNumber(z.number());
const precision = configNumber(z.number().int().nonnegative());
/** One value per peak axis: a number, or [x, y] for a peak over two motors. */
const perAxis = (value: typeof number) => z.union([value, z.tuple([value, value])]);
const axes = (value: number | readonly number[]) => (typeof value === "number" ? 1 : value.length);

/** Motion settings shared by a motor and the blades of slits. */
const axisShape = {
  velocity: positive.optional(),
  acceleration: positive.optional(),
  backlash: number.optional(),
  encoderResolution: nonNegative.optional(),
  readbackNoise: nonNegative.optional(),
  precision: precision.optional(),
};

const motorParams = z.strictObject({
  position: number.optional(),
  /** Fastest constant velocity a fly scan may ask for, units/s. */
  maxVelocity: positive.optional(),
  /** Limit switch positions [low, high]; a move across one stops there and fails. */
  hardLimits: rangeSchema.optional(),
  ...axisShape,
});

export const simMotorDriver: DriverSpec<z.infer<typeof motorParams>> = {
  name: "sim.motor",
  description: "a motor on a trapezoidal motion model, with backlash, limit switches and noise",
  params: motorParams,
  takes: { limits: true, units: true },
  build: ({ name, clock, seed, params, limits, units }) => {
    const { hardLimits, ...options } = params;
    return new SimMotor({
      ...options,
      name,
      clock,
      seed,
      limits,
      units,
      hardLimits: hardLimits && { low: hardLimits[0], high: hardLimits[1] },
    });
  },
};

const peakSchema = z
  .strictObject({
    /** The motors whose true positions the peak is over: 1, or 2 for a 2-D peak. */
    motors: z.array(identifierSchema).min(1).max(2),
    centre: perAxis(number),
    sigma: perAxis(positive),
    /** counts/s at the centre above background. */
    amplitude: nonNegative,
    background: nonNegative.optional(),
  })
  .superRefine((peak, ctx) => {
    for (const key of ["centre", "sigma"] as const) {
      if (axes(peak[key]) !== peak.motors.length) {
        const n = peak.motors.length;
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `expected ${n === 1 ? "a number" : `a list of ${n} numbers`}, one per motor`,
        });
      }
    }
  });

const detectorParams = z
  .strictObject({
    peak: peakSchema.optional(),
    noise: z.strictObject({ mean: number, sd: nonNegative, drift: number.optional() }).optional(),
    /** Seconds per trigger, and per frame on hardware triggers unless a livetime is given. */
    exposure: positive.optional(),
    /** The device whose pulses trigger a frame each in a fly scan, e.g. a motor's compare. */
    triggerSource: identifierSchema.optional(),
    counting: z
      .strictObject({
        poisson: z.boolean().optional(),
        darkCurrent: nonNegative.optional(),
        deadTime: nonNegative.optional(),
        saturation: positive.optional(),
      })
      .optional(),
  })
  .superRefine((params, ctx) => {
    if (!params.peak === !params.noise) {
      ctx.addIssue({ code: "custom", path: [], message: "expected either peak or noise" });
    }
    if (params.noise && params.counting) {
      ctx.addIssue({
        code: "custom",
        path: ["counting"],
        message: "counting applies to a peak only",
      });
    }
  });

function pulseSource(device: Device): PulseSource {
  if (isPulseSource(device)) return device;
  throw new Error(`${device.name} has no pulse output, so it cannot trigger the detector`);
}

function positionSource(device: Device): PositionSource {
  if ("positionAt" in device && typeof device.positionAt === "function") {
    return device as Device & PositionSource;
  }
  throw new Error(`${device.name} is not a simulated motor, so the peak cannot follow it`);
}

export const simDetectorDriver: DriverSpec<z.infer<typeof detectorParams>> = {
  name: "sim.detector",
  description: "a counting detector over a Gaussian peak on simulated motors, or a noisy monitor",
  params: detectorParams,
  takes: { units: true },
  references: ({ peak, triggerSource }) => {
    const names = [
      ...(peak?.motors ?? []),
      ...(triggerSource === undefined ? [] : [triggerSource]),
    ];
    return [...new Set(names)];
  },
  build: ({ name, clock, seed, params, units, device }) => {
    const { exposure, triggerSource } = params;
    const trigger = triggerSource === undefined ? undefined : pulseSource(device(triggerSource));
    const common = { name, clock, seed, units, exposure, triggerSource: trigger };
    if (params.peak) {
      const motors = params.peak.motors.map((motor) => positionSource(device(motor)));
      return new SimDetector({
        ...common,
        peak: { ...params.peak, motors },
        counting: params.counting,
      });
    }
    if (!params.noise) throw new Error("expected either peak or noise");
    return new SimDetector({ ...common, noise: params.noise });
  },
};

const temperatureParams = z.strictObject({
  /** K. */
  ambient: number.optional(),
  /** K above ambient at full heater power. */
  heaterGain: positive.optional(),
  /** Plant time constant, s. */
  timeConstant: positive.optional(),
  pid: z
    .strictObject({
      kp: nonNegative,
      ki: nonNegative,
      kd: nonNegative,
      outputMin: number.optional(),
      outputMax: number.optional(),
    })
    .optional(),
  /** K/s; 0 jumps at once. */
  rampRate: nonNegative.optional(),
  tolerance: positive.optional(),
  settleTime: nonNegative.optional(),
  pollPeriod: positive.optional(),
  readbackNoise: nonNegative.optional(),
});

export const simTemperatureDriver: DriverSpec<z.infer<typeof temperatureParams>> = {
  name: "sim.temperature",
  description: "a heater loop with a PID on a first-order thermal plant",
  params: temperatureParams,
  build: ({ name, clock, seed, params }) =>
    new SimTemperatureController({ ...params, name, clock, seed }),
};

const slitsParams = z.strictObject({
  gap: nonNegative.optional(),
  centre: number.optional(),
  /** Soft limits of each blade; `limits` applies to the gap. */
  bladeLimits: rangeSchema.optional(),
  ...axisShape,
});

export const simSlitsDriver: DriverSpec<z.infer<typeof slitsParams>> = {
  name: "sim.slits",
  description: "a slit pair: top and bottom blades with gap and centre pseudo-axes",
  params: slitsParams,
  takes: { limits: true, units: true },
  build: ({ name, clock, seed, kind, params, limits, units }) =>
    new SimSlits({ ...params, name, clock, seed, kind, limits, units }),
};
