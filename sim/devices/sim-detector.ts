import type { Clock, TriggerEstimator } from "../../src/core/index.js";
import { Detector, datatype, softSignalRAndSetter, softSignalRW } from "../../src/core/index.js";
import { CountingModel, type CountingModelOptions } from "../detectors/counting-model.js";
import { GaussianPeak, type GaussianPeakOptions } from "../detectors/gaussian-peak.js";
import { NoisyValueModel } from "../detectors/noisy-value-model.js";
import { SeededRandom } from "../random.js";
import type { PositionSource } from "./position-source.js";

/** A counting detector looking at a Gaussian peak over the true positions of 1 or 2 motors. */
export interface PeakSource extends GaussianPeakOptions {
  motors: readonly PositionSource[];
}

/** A plain noisy reading: a monitor or a gauge. */
export interface NoiseSource {
  mean: number;
  sd: number;
  /** units/s. */
  drift?: number;
}

export interface CountingOptions extends Omit<CountingModelOptions, "random"> {
  /** Poisson counting noise (default true); without it reads give the expected counts. */
  poisson?: boolean;
}

interface SimDetectorBase {
  name: string;
  clock: Clock;
  /** Seconds per trigger (default 1). */
  exposure?: number;
  seed?: number;
  units?: string;
}

export type SimDetectorOptions = SimDetectorBase &
  ({ peak: PeakSource; counting?: CountingOptions } | { noise: NoiseSource });

/**
 * A point detector on a model. A peak detector counts over the exposure: the expected rate is
 * averaged over the exposure's start and end (so a moving motor smears the peak), then dark
 * current, dead time, Poisson noise and saturation apply. A noise detector reads its model
 * once the exposure ends.
 */
export class SimDetector extends Detector<number> implements TriggerEstimator {
  private readonly measure: (start: number, end: number, exposure: number) => number;
  private readonly setValue: (value: number) => void;
  private exposureSetting: number;

  constructor(options: SimDetectorOptions) {
    const { name, clock, units = "counts" } = options;
    const random = new SeededRandom(options.seed ?? 0).fork(name);
    const poisson = "peak" in options && options.counting?.poisson !== false;
    const [value, setValue] = softSignalRAndSetter(poisson ? datatype.int : datatype.float, 0, {
      clock,
      units,
    });
    const exposure = softSignalRW(datatype.float, options.exposure ?? 1, { clock, units: "s" });
    super({ name, clock, value, exposure });
    this.setValue = setValue;
    this.exposureSetting = options.exposure ?? 1;
    this.exposure.subscribeValue((seconds) => (this.exposureSetting = seconds));
    this.measure =
      "peak" in options
        ? peakMeasure(options, poisson, random)
        : noiseMeasure(options, random, clock.now());
  }

  estimateTriggerDuration(): number {
    return this.exposureSetting;
  }

  protected async acquire(): Promise<void> {
    const exposure = this.exposureSetting; // kept current by a subscription: no read per trigger
    const start = this.clock.now();
    await this.clock.sleep(exposure);
    this.setValue(this.measure(start, this.clock.now(), exposure));
  }
}

function peakMeasure(
  { peak, counting = {} }: { peak: PeakSource; counting?: CountingOptions },
  poisson: boolean,
  random: SeededRandom,
): (start: number, end: number, exposure: number) => number {
  const { motors, ...shape } = peak;
  const model = new GaussianPeak(shape);
  if (motors.length !== model.dimensions) {
    throw new RangeError(`the peak has ${model.dimensions} axes but ${motors.length} motors`);
  }
  const counter = new CountingModel({
    darkCurrent: counting.darkCurrent,
    deadTime: counting.deadTime,
    saturation: counting.saturation,
    random: poisson ? random : undefined,
  });
  const rateAt = (t: number): number => model.rateAt(motors.map((m) => m.positionAt(t)));
  return (start, end, exposure) => counter.count((rateAt(start) + rateAt(end)) / 2, exposure);
}

/** Drift counts from `origin`, so a clock on POSIX time does not offset the mean. */
function noiseMeasure(
  { noise }: { noise: NoiseSource },
  random: SeededRandom,
  origin: number,
): (start: number, end: number) => number {
  const model = new NoisyValueModel({ ...noise, random });
  return (_start, end) => model.valueAt(end - origin);
}
