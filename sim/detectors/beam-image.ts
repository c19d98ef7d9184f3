/** Which way a slit's blades close: "y" limits rows (top/bottom blades), "x" columns. */
export type SlitAxisName = "x" | "y";

/** A slit's opening in the beam, in the units of the beam (mm). */
export interface SlitOpening {
  gap: number;
  centre: number;
  axis: SlitAxisName;
}

export interface BeamImageOptions {
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** Side of a square pixel, mm (default 0.01). */
  pixelSize?: number;
  /** Photons/s in the whole beam before the slit (default 3e8: a 3000-count peak in 0.1 s). */
  flux?: number;
  /** Beam centre [x, y] in mm; [0, 0] is the middle of the detector (default). */
  centre?: readonly [number, number];
  /** Gaussian sd [x, y] of the beam, mm (default [0.5, 0.3]). */
  sigma?: readonly [number, number];
  /** Dark counts per second in each pixel (default 2). */
  darkRate?: number;
}

/**
 * A Gaussian beam on a pixel detector, cut by an optional slit: the expected counts of each
 * pixel over an exposure. The beam and the slit are separable in x and y, so an image costs
 * one row profile, one column profile and a product per pixel. Pixel (col, row) covers
 * x in [(col - width/2)·p, (col + 1 - width/2)·p], y likewise with rows; y grows with the row.
 */
export class BeamImage {
  readonly width: number;
  readonly height: number;
  readonly pixelSize: number;
  readonly flux: number;
  readonly centre: readonly [number, number];
  readonly sigma: readonly [number, number];
  readonly darkRate: number;
  /** The open beam's share in each column and row: they do not change with the slit. */
  private readonly openColumns: Float64Array;
  private readonly openRows: Float64Array;

  constructor(options: BeamImageOptions) {
    const { width, height } = options;
    for (const [key, value] of [
      ["width", width],
      ["height", height],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) {
        throw new RangeError(`${key} must be an integer >= 1, got ${value}`);
      }
    }
    this.width = width;
    this.height = height;
    this.pixelSize = positive("pixelSize", options.pixelSize ?? 0.01);
    this.flux = nonNegative("flux", options.flux ?? 3e8);
    this.centre = options.centre ?? [0, 0];
    const sigma = options.sigma ?? [0.5, 0.3];
    this.sigma = [positive("sigma[0]", sigma[0]), positive("sigma[1]", sigma[1])];
    this.darkRate = nonNegative("darkRate", options.darkRate ?? 2);
    this.openColumns = this.profile("x", undefined);
    this.openRows = this.profile("y", undefined);
  }

  /**
   * Expected counts of each pixel, row by row, for an exposure of `exposure` seconds through
   * `slit` (none: the open beam). Writes into `out` when given.
   */
  expected(exposure: number, slit?: SlitOpening, out?: Float64Array): Float64Array {
    nonNegative("exposure", exposure);
    const { width, height } = this;
    const image = out ?? new Float64Array(width * height);
    if (image.length !== width * height) {
      throw new RangeError(`out has ${image.length} values for ${width}x${height} pixels`);
    }
    const columns = slit?.axis === "x" ? this.profile("x", slit) : this.openColumns;
    const rows = slit?.axis === "y" ? this.profile("y", slit) : this.openRows;
    const photons = this.flux * exposure;
    const dark = this.darkRate * exposure;
    for (let row = 0; row < height; row++) {
      const rowPhotons = photons * rows[row]!;
      const offset = row * width;
      for (let col = 0; col < width; col++) image[offset + col] = rowPhotons * columns[col]!;
    }
    if (dark > 0) for (let i = 0; i < image.length; i++) image[i]! += dark;
    return image;
  }

  /**
   * The beam's share falling on each pixel along one axis, within the slit's opening. The
   * density is taken at the middle of the part of each pixel that is open, times its length:
   * exact to second order for pixels much smaller than the beam, and a blade edge inside a
   * pixel opens only part of it.
   */
  private profile(axis: SlitAxisName, slit: SlitOpening | undefined): Float64Array {
    const index = axis === "x" ? 0 : 1;
    const count = axis === "x" ? this.width : this.height;
    const mean = this.centre[index];
    const sd = this.sigma[index];
    const p = this.pixelSize;
    const low = slit ? slit.centre - Math.max(slit.gap, 0) / 2 : -Infinity;
    const high = slit ? slit.centre + Math.max(slit.gap, 0) / 2 : Infinity;
    const norm = 1 / (sd * Math.sqrt(2 * Math.PI));
    const weights = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const a = Math.max((i - count / 2) * p, low);
      const b = Math.min((i + 1 - count / 2) * p, high);
      if (b <= a) continue;
      const z = ((a + b) / 2 - mean) / sd;
      weights[i] = (b - a) * norm * Math.exp(-0.5 * z * z);
    }
    return weights;
  }
}

function positive(key: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${key} must be a finite number > 0, got ${value}`);
  }
  return value;
}

function nonNegative(key: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${key} must be a finite number >= 0, got ${value}`);
  }
  return value;
}
