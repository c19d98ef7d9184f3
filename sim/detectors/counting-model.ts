import type { SeededRandom } from "../random.js";

export interface CountingModelOptions {
  /** Source of Poisson noise; without it the model returns expected values. */
  random?: SeededRandom;
  /** Counts/s added regardless of the beam, default 0. */
  darkCurrent?: number;
  /** Non-paralysable dead time per count, s, default 0. */
  deadTime?: number;
  /** Largest count one exposure can hold, default Infinity. */
  saturation?: number;
}

function requireNonNegative(name: string, value: number): void {
  if (!(value >= 0) || Number.isNaN(value)) {
    throw new RangeError(`${name} must be >= 0, got ${value}`);
  }
}

/** Turns a true count rate and an exposure into what a counting detector reports. */
export class CountingModel {
  readonly darkCurrent: number;
  readonly deadTime: number;
  readonly saturation: number;
  private readonly random: SeededRandom | undefined;

  constructor(options: CountingModelOptions = {}) {
    const darkCurrent = options.darkCurrent ?? 0;
    const deadTime = options.deadTime ?? 0;
    const saturation = options.saturation ?? Infinity;
    requireNonNegative("darkCurrent", darkCurrent);
    if (!Number.isFinite(darkCurrent)) {
      throw new RangeError(`darkCurrent must be finite, got ${darkCurrent}`);
    }
    requireNonNegative("deadTime", deadTime);
    if (!Number.isFinite(deadTime))
      throw new RangeError(`deadTime must be finite, got ${deadTime}`);
    if (!(saturation > 0)) throw new RangeError(`saturation must be > 0, got ${saturation}`);
    this.darkCurrent = darkCurrent;
    this.deadTime = deadTime;
    this.saturation = saturation;
    this.random = options.random;
  }

  /** Whether count() draws Poisson noise. */
  get noisy(): boolean {
    return this.random !== undefined;
  }

  /** Non-paralysable dead time: m = r/(1 + r·τ), counts/s. */
  measuredRate(rate: number): number {
    requireNonNegative("rate", rate);
    if (!Number.isFinite(rate)) throw new RangeError(`rate must be finite, got ${rate}`);
    return rate / (1 + rate * this.deadTime);
  }

  /** Mean counts in one exposure (before saturation): (m + dark)·exposure. */
  expectedCounts(rate: number, exposure: number): number {
    if (!(exposure > 0) || !Number.isFinite(exposure)) {
      throw new RangeError(`exposure must be > 0, got ${exposure}`);
    }
    return (this.measuredRate(rate) + this.darkCurrent) * exposure;
  }

  /** One reading: a Poisson draw (or the mean when noiseless), clipped at saturation. */
  count(rate: number, exposure: number): number {
    const expected = this.expectedCounts(rate, exposure);
    const value = this.random === undefined ? expected : this.random.poisson(expected);
    return Math.min(this.saturation, value);
  }
}
