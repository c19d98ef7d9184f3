import type { SeededRandom } from "../random.js";
import type { BeamImage, SlitOpening } from "./beam-image.js";
import { PoissonFrameSampler } from "./poisson-frame-sampler.js";

/**
 * Frames of a camera looking at a beam: the beam's expected counts with Poisson noise, as
 * uint16. The expected image and the noise tables are kept while the exposure and the slit
 * stay the same, so a run of frames costs only the noise.
 */
export class BeamCameraModel {
  readonly image: BeamImage;
  private readonly sampler: PoissonFrameSampler;
  private readonly expectedCounts: Float64Array;
  /** The exposure and slit the expected counts and the sampler were set for. */
  private current: string | undefined;

  constructor(image: BeamImage) {
    this.image = image;
    const size = image.width * image.height;
    this.sampler = new PoissonFrameSampler(size);
    this.expectedCounts = new Float64Array(size);
  }

  get width(): number {
    return this.image.width;
  }

  get height(): number {
    return this.image.height;
  }

  /** The expected counts of each pixel, row by row; valid until the next call. */
  expected(exposure: number, slit?: SlitOpening): Float64Array {
    const key = slit ? `${exposure} ${slit.axis} ${slit.gap} ${slit.centre}` : `${exposure}`;
    if (key !== this.current) {
      this.current = undefined; // stays unset if the model refuses the values
      this.image.expected(exposure, slit, this.expectedCounts);
      this.sampler.setExpected(this.expectedCounts);
      this.current = key;
    }
    return this.expectedCounts;
  }

  /** One frame for `exposure` seconds through `slit`, its noise drawn from `random`. */
  frame(
    exposure: number,
    slit: SlitOpening | undefined,
    random: SeededRandom,
    out?: Uint16Array,
  ): Uint16Array {
    this.expected(exposure, slit);
    return this.sampler.sample(random, out);
  }
}
