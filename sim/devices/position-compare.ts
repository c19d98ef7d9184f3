import type { FlyProfile } from "../motion/fly-profile.js";
import type { SeededRandom } from "../random.js";
import type { PulseTrain } from "./pulse-train.js";

export interface PositionCompareOptions {
  /** The fly move whose constant-velocity range the pulses are spread over. */
  profile: FlyProfile;
  /** Pulses evenly spaced from startPosition to endPosition inclusive, >= 1. */
  pulses: number;
  /** Step of the reported positions (the encoder's); 0 means none. */
  encoderResolution?: number;
  /** Gaussian sd added to each reported position; needs `random`. */
  readbackNoise?: number;
  random?: SeededRandom;
}

/**
 * A controller's position-compare output armed for one fly move (Aerotech PSO, XPS PCO):
 * pulse i fires when the axis crosses the i-th of `pulses` positions evenly spaced over
 * [startPosition, endPosition]. Its times come from the profile once started, so nothing
 * runs per pulse; a stop disarms it, so pulses after the stop never fire.
 */
export class PositionCompareTrain implements PulseTrain {
  readonly profile: FlyProfile;
  private readonly armed: number;
  private fired: number;
  private startTime = Infinity;
  private readonly resolution: number;
  private readonly noiseSd: number;
  private readonly random: SeededRandom | undefined;
  /** Noise of each reported position, drawn in pulse order so the data do not depend on reads. */
  private noise: Float64Array | undefined;
  private noiseDrawn = 0;
  private readonly listeners = new Set<() => void>();

  constructor(options: PositionCompareOptions) {
    const { profile, pulses } = options;
    if (!Number.isInteger(pulses) || pulses < 1) {
      throw new RangeError(`pulses must be an integer >= 1, got ${pulses}`);
    }
    const noise = options.readbackNoise ?? 0;
    if (noise > 0 && options.random === undefined) {
      throw new RangeError(`random is required when readbackNoise > 0, got readbackNoise ${noise}`);
    }
    this.profile = profile;
    this.armed = pulses;
    this.fired = pulses;
    this.resolution = options.encoderResolution ?? 0;
    this.noiseSd = noise;
    this.random = options.random;
  }

  /** Pulses armed, or those fired before a stop once cut short. */
  get total(): number {
    return this.fired;
  }

  /** Whether the fly move has started: before, timeOf() is Infinity and countAt() 0. */
  get started(): boolean {
    return this.startTime !== Infinity;
  }

  /** The compare position of pulse `index`: where it fires. */
  comparePosition(index: number): number {
    const { startPosition, endPosition } = this.profile;
    if (this.armed === 1) return startPosition;
    return startPosition + ((endPosition - startPosition) * index) / (this.armed - 1);
  }

  countAt(time: number): number {
    if (!(time >= this.startTime)) return 0;
    const { profile, armed, fired } = this;
    // Estimate from the constant velocity, then settle on the exact times.
    const span = Math.abs(profile.endPosition - profile.startPosition);
    const cruised = (time - this.startTime - profile.rampTime) * profile.velocity;
    const estimate = armed === 1 ? 0 : Math.floor((cruised / span) * (armed - 1)) + 1;
    let count = Math.min(fired, Math.max(0, estimate));
    while (count < fired && this.timeAt(count) <= time) count++;
    while (count > 0 && this.timeAt(count - 1) > time) count--;
    return count;
  }

  timeOf(index: number): number {
    this.requireIndex(index);
    return this.timeAt(index);
  }

  /** The axis position the encoder reported at pulse `index`: quantised, with its noise. */
  positionOf(index: number): number {
    this.requireIndex(index);
    let position = this.comparePosition(index);
    if (this.resolution > 0) position = Math.round(position / this.resolution) * this.resolution;
    return this.noiseSd > 0 ? position + this.noiseAt(index) : position;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The fly move began at `time`: the pulses now have times. */
  start(time: number): void {
    this.startTime = time;
    this.changed();
  }

  /** Disarm at `time`: pulses not fired by then never fire. */
  cut(time: number): void {
    const fired = this.countAt(time);
    if (fired === this.fired) return;
    this.fired = fired;
    this.changed();
  }

  private timeAt(index: number): number {
    return this.startTime + this.profile.crossingTime(this.comparePosition(index));
  }

  private requireIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.fired) {
      throw new RangeError(`pulse index must be an integer in [0, ${this.fired}), got ${index}`);
    }
  }

  private noiseAt(index: number): number {
    const noise = (this.noise ??= new Float64Array(this.armed));
    const random = this.random;
    if (random === undefined) return 0;
    for (; this.noiseDrawn <= index; this.noiseDrawn++) {
      noise[this.noiseDrawn] = random.normal(0, this.noiseSd);
    }
    return noise[index] ?? 0;
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
