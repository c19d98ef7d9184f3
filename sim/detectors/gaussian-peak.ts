export interface GaussianPeakOptions {
  /** Peak centre, one value per motor axis (1 or 2 axes). */
  centre: number | readonly [number, number];
  /** Standard deviation per axis, > 0. */
  sigma: number | readonly [number, number];
  /** Rate at the centre above background, counts/s, >= 0. */
  amplitude: number;
  /** Flat rate everywhere, counts/s, default 0. */
  background?: number;
}

/** FWHM of a Gaussian is 2·sqrt(2 ln 2)·σ ≈ 2.3548·σ. */
const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

function toArray(value: number | readonly number[]): number[] {
  return typeof value === "number" ? [value] : [...value];
}

/** Expected count rate of a Gaussian peak on a flat background over 1 or 2 motor positions. */
export class GaussianPeak {
  readonly centre: readonly number[];
  readonly sigma: readonly number[];
  readonly amplitude: number;
  readonly background: number;
  /** Full width at half maximum per axis. */
  readonly fwhm: readonly number[];

  constructor(options: GaussianPeakOptions) {
    const centre = toArray(options.centre);
    const sigma = toArray(options.sigma);
    if (centre.length < 1 || centre.length > 2) {
      throw new RangeError(`centre must have 1 or 2 values, got ${centre.length}`);
    }
    if (sigma.length !== centre.length) {
      throw new RangeError(
        `sigma must have as many values as centre (${centre.length}), got ${sigma.length}`,
      );
    }
    for (const c of centre) {
      if (!Number.isFinite(c)) throw new RangeError(`centre must be finite, got ${c}`);
    }
    for (const s of sigma) {
      if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`sigma must be > 0, got ${s}`);
    }
    const { amplitude } = options;
    if (!(amplitude >= 0) || !Number.isFinite(amplitude)) {
      throw new RangeError(`amplitude must be >= 0, got ${amplitude}`);
    }
    const background = options.background ?? 0;
    if (!(background >= 0) || !Number.isFinite(background)) {
      throw new RangeError(`background must be >= 0, got ${background}`);
    }
    this.centre = centre;
    this.sigma = sigma;
    this.amplitude = amplitude;
    this.background = background;
    this.fwhm = sigma.map((s) => FWHM_PER_SIGMA * s);
  }

  /** Number of motor axes the peak spans. */
  get dimensions(): number {
    return this.centre.length;
  }

  /** background + amplitude·exp(−Σ (xᵢ−cᵢ)²/(2σᵢ²)), counts/s. */
  rateAt(position: number | readonly number[]): number {
    const x = toArray(position);
    if (x.length !== this.centre.length) {
      throw new RangeError(`position must have ${this.centre.length} value(s), got ${x.length}`);
    }
    return this.rateAtPoint(x[0] ?? 0, x[1]);
  }

  /** rateAt() without an array per call, for many points: `y` only for a 2-D peak. */
  rateAtPoint(x: number, y?: number): number {
    const [cx = 0, cy = 0] = this.centre;
    const [sx = 1, sy = 1] = this.sigma;
    let exponent = ((x - cx) * (x - cx)) / (2 * sx * sx);
    if (y !== undefined) exponent += ((y - cy) * (y - cy)) / (2 * sy * sy);
    return this.background + this.amplitude * Math.exp(-exponent);
  }
}
