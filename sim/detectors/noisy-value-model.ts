import type { SeededRandom } from "../random.js";

export interface NoisyValueModelOptions {
  mean: number;
  /** Gaussian sd of each reading, >= 0. */
  sd: number;
  random: SeededRandom;
  /** Linear drift of the mean, units/s, default 0. */
  drift?: number;
}

/** A plain noisy reading, e.g. a beam monitor or a gauge. */
export class NoisyValueModel {
  readonly mean: number;
  readonly sd: number;
  readonly drift: number;
  private readonly random: SeededRandom;

  constructor(options: NoisyValueModelOptions) {
    const { mean, sd } = options;
    const drift = options.drift ?? 0;
    if (!Number.isFinite(mean)) throw new RangeError(`mean must be finite, got ${mean}`);
    if (!(sd >= 0) || !Number.isFinite(sd)) throw new RangeError(`sd must be >= 0, got ${sd}`);
    if (!Number.isFinite(drift)) throw new RangeError(`drift must be finite, got ${drift}`);
    this.mean = mean;
    this.sd = sd;
    this.drift = drift;
    this.random = options.random;
  }

  /** mean + drift·t + N(0, sd); t in absolute seconds. */
  valueAt(t: number): number {
    return this.mean + this.drift * t + this.random.normal(0, this.sd);
  }
}
