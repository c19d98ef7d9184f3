import type {
  Clock,
  DataKeys,
  EventPageCollectable,
  Flyable,
  PartialEventPage,
  Preparable,
  StopOptions,
  Stoppable,
  TriggerEstimator,
} from "../../src/core/index.js";
import {
  Detector,
  Status,
  datatype,
  softSignalRAndSetter,
  softSignalRW,
} from "../../src/core/index.js";
import { CountingModel, type CountingModelOptions } from "../detectors/counting-model.js";
import { GaussianPeak, type GaussianPeakOptions } from "../detectors/gaussian-peak.js";
import { NoisyValueModel } from "../detectors/noisy-value-model.js";
import { SeededRandom } from "../random.js";
import { FlyScanError } from "./fly-plan.js";
import type { PositionSource } from "./position-source.js";
import type { PulseSource } from "./pulse-train.js";
import { TriggeredFrames, type DetectorTriggerInfo, type FrameValue } from "./triggered-frames.js";

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
  /** What triggers a frame per pulse when prepare() names no trigger, e.g. a motor's compare. */
  triggerSource?: PulseSource;
}

export type SimDetectorOptions = SimDetectorBase &
  ({ peak: PeakSource; counting?: CountingOptions } | { noise: NoiseSource });

/** A model's two ways of measuring: over a software-triggered exposure, or a frame per pulse. */
interface Measurement {
  exposure(start: number, end: number, exposure: number): number;
  frame: FrameValue;
}

/**
 * A point detector on a model. A peak detector counts over the exposure: the expected rate is
 * averaged over the exposure's start and end (so a moving motor smears the peak), then dark
 * current, dead time, Poisson noise and saturation apply. A noise detector reads its model
 * once the exposure ends.
 *
 * It can also take a frame per pulse of a trigger source (hardware triggering for a fly
 * scan): prepare({trigger}), kickoff(), complete(), and collectPages() for the frames, each
 * with the source's position at its pulse when the source is a position compare.
 */
export class SimDetector
  extends Detector<number>
  implements
    TriggerEstimator,
    Preparable<DetectorTriggerInfo>,
    Flyable,
    EventPageCollectable,
    Stoppable
{
  private readonly measure: Measurement;
  private readonly setValue: (value: number) => void;
  private exposureSetting: number;
  private frames: TriggeredFrames | undefined;
  /** The default trigger of prepare(). */
  readonly triggerSource: PulseSource | undefined;

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
    this.triggerSource = options.triggerSource;
    this.exposure.subscribeValue((seconds) => (this.exposureSetting = seconds));
    this.measure =
      "peak" in options
        ? peakMeasure(options, poisson, random)
        : noiseMeasure(options, random, clock.now());
  }

  estimateTriggerDuration(): number {
    return this.exposureSetting;
  }

  /** Arms a frame per pulse of `info.trigger` (or the trigger source); resolves at once. */
  prepare(info: DetectorTriggerInfo): Status {
    const status = new Status({ name: `${this.name} prepare`, clock: this.clock });
    try {
      this.frames?.stop(this.clock.now(), true);
      const defaults = { exposure: this.exposureSetting, trigger: this.triggerSource };
      this.frames = new TriggeredFrames(this.name, info, defaults);
      status.finish();
    } catch (error) {
      this.frames = undefined;
      status.fail(error instanceof Error ? error : new Error(String(error)));
    }
    return status;
  }

  /** Takes the trigger source's armed train; resolves at once. */
  kickoff(): Status {
    const status = new Status({ name: `${this.name} kickoff`, clock: this.clock });
    try {
      this.preparedFrames().arm(this.clock.now());
      status.finish();
    } catch (error) {
      status.fail(error instanceof Error ? error : new Error(String(error)));
    }
    return status;
  }

  /** Resolves when the last frame of the train has been taken. */
  complete(): Status {
    const frames = this.frames;
    if (frames) return frames.complete(this.clock);
    const error = new FlyScanError(this.name, "was not prepared for hardware triggering");
    return Status.failed(error, { name: `${this.name} complete`, clock: this.clock });
  }

  async describeCollect(): Promise<DataKeys> {
    const frames = this.preparedFrames();
    const value = (await this.value.describe())[this.name];
    if (!value) throw new FlyScanError(this.name, "its value has no data key");
    return frames.describe(value);
  }

  /** The frames taken since the last call: time of each pulse, counts, and its position. */
  async collectPages(): Promise<PartialEventPage[]> {
    return this.frames?.collect(this.clock.now(), this.measure.frame) ?? [];
  }

  /** Ends a hardware-triggered acquisition: no frames after now. */
  async stop({ success = false }: StopOptions = {}): Promise<void> {
    this.frames?.stop(this.clock.now(), success);
  }

  protected async acquire(): Promise<void> {
    const exposure = this.exposureSetting; // kept current by a subscription: no read per trigger
    const start = this.clock.now();
    await this.clock.sleep(exposure);
    this.setValue(this.measure.exposure(start, this.clock.now(), exposure));
  }

  private preparedFrames(): TriggeredFrames {
    if (this.frames) return this.frames;
    throw new FlyScanError(this.name, "was not prepared for hardware triggering");
  }
}

function peakMeasure(
  { peak, counting = {} }: { peak: PeakSource; counting?: CountingOptions },
  poisson: boolean,
  random: SeededRandom,
): Measurement {
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
  const [x, y] = motors;
  if (x === undefined) throw new RangeError("the peak has no motors");
  // No array per call: a fly scan asks for a rate per frame.
  const rateAt =
    y === undefined
      ? (t: number): number => model.rateAtPoint(x.positionAt(t))
      : (t: number): number => model.rateAtPoint(x.positionAt(t), y.positionAt(t));
  return {
    exposure: (start, end, exposure) => counter.count((rateAt(start) + rateAt(end)) / 2, exposure),
    // At the pulse: a position-compare frame belongs to the position it fired at.
    frame: (time, livetime) => counter.count(rateAt(time), livetime),
  };
}

/** Drift counts from `origin`, so a clock on POSIX time does not offset the mean. */
function noiseMeasure(
  { noise }: { noise: NoiseSource },
  random: SeededRandom,
  origin: number,
): Measurement {
  const model = new NoisyValueModel({ ...noise, random });
  return {
    exposure: (_start, end) => model.valueAt(end - origin),
    frame: (time, livetime) => model.valueAt(time + livetime - origin),
  };
}
