import type { SeededRandom } from "../random.js";
import { logFactorial } from "../random.js";

/** Mean counts above which a pixel is drawn by SeededRandom.poisson instead of a table. */
const TABLE_LIMIT = 4096;
/** Step in √mean between the means that share a table: 0.1 sd of the counts. */
const ROOT_STEP = 0.05;
/** Sds covered by each table either side of its mean; the tails beyond fold into its ends. */
const TABLE_SDS = 8;
/** A uint16 pixel saturates here. */
const MAX_COUNT = 65535;
const LEVELS = Math.ceil(Math.sqrt(TABLE_LIMIT) / ROOT_STEP) + 1;
/** The tables hold probabilities times 2^32, to compare with random 32-bit words. */
const WORDS = 2 ** 32;

/**
 * Poisson noise over a whole frame at one random word per pixel. Means up to TABLE_LIMIT are
 * rounded to a grid of levels in √mean (steps of a tenth of the noise), each level with its
 * cumulative distribution tabled once, and a pixel is drawn by inverting its level's table
 * from a guide (the first entry of each bin of words), so a draw costs a step or two;
 * brighter pixels, few in a frame, are drawn exactly by SeededRandom.poisson. Counts saturate
 * at 65535.
 */
export class PoissonFrameSampler {
  readonly size: number;
  /**
   * Per pixel, looked up once per setExpected so a draw follows no level: where its level's
   * guide starts, the shift giving a word's bin, and what turns an index into cdfs into a
   * count. Pixels drawn directly are listed in `direct` and overwritten after the tables.
   */
  private readonly pixelGuides: Int32Array;
  private readonly pixelShifts: Uint8Array;
  private readonly pixelOffsets: Int32Array;
  private readonly means: Float64Array;
  private direct: Int32Array;
  private readonly words: Uint32Array;
  /** All tables, end to end: level j starts at starts[j], at count lows[j]. */
  private cdfs = new Float64Array(4096);
  private cdfsUsed = 0;
  /** Per level 2^b bins of words, at guideStarts[j]: where in cdfs to start for a word. */
  private guides = new Int32Array(4096);
  private guidesUsed = 0;
  private readonly starts = new Int32Array(LEVELS).fill(-1);
  private readonly lows = new Int32Array(LEVELS);
  private readonly guideStarts = new Int32Array(LEVELS);
  /** 32 - b: a word shifted right by it is its bin. */
  private readonly guideShifts = new Int32Array(LEVELS);

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`size must be an integer >= 1, got ${size}`);
    }
    this.size = size;
    this.pixelGuides = new Int32Array(size);
    this.pixelShifts = new Uint8Array(size);
    this.pixelOffsets = new Int32Array(size);
    this.direct = new Int32Array(0);
    this.means = new Float64Array(size);
    this.words = new Uint32Array(size);
  }

  /** The mean a pixel expecting `mean` counts is drawn with: its level's, or itself. */
  static levelMean(mean: number): number {
    if (mean > TABLE_LIMIT) return mean;
    const root = Math.round(Math.sqrt(mean) / ROOT_STEP) * ROOT_STEP;
    return root * root;
  }

  /** Sets the expected counts of each pixel; the tables of new levels are built here. */
  setExpected(expected: Float64Array): void {
    if (expected.length !== this.size) {
      throw new RangeError(`expected has ${expected.length} values for ${this.size} pixels`);
    }
    const { pixelGuides, pixelShifts, pixelOffsets, means, starts } = this;
    const direct: number[] = [];
    if (starts[0] === -1) this.buildLevel(0);
    for (let i = 0; i < expected.length; i++) {
      const mean = expected[i]!;
      if (!(mean >= 0) || !Number.isFinite(mean)) {
        throw new RangeError(`pixel ${i} expects ${mean} counts: must be finite and >= 0`);
      }
      means[i] = mean;
      // A direct pixel goes through level 0's table too, to keep the loop free of branches.
      const level = mean > TABLE_LIMIT ? 0 : Math.round(Math.sqrt(mean) / ROOT_STEP);
      if (mean > TABLE_LIMIT) direct.push(i);
      if (starts[level] === -1) this.buildLevel(level);
      pixelGuides[i] = this.guideStarts[level]!;
      pixelShifts[i] = this.guideShifts[level]!;
      pixelOffsets[i] = this.lows[level]! - starts[level]!;
    }
    this.direct = Int32Array.from(direct);
  }

  /** One frame of counts for the expected counts last set, drawn from `random`. */
  sample(random: SeededRandom, out: Uint16Array = new Uint16Array(this.size)): Uint16Array {
    if (out.length !== this.size) {
      throw new RangeError(`out has ${out.length} values for ${this.size} pixels`);
    }
    const { pixelGuides, pixelShifts, pixelOffsets, means, cdfs, guides, direct } = this;
    const words = random.fillUint32(this.words);
    for (let i = 0; i < out.length; i++) {
      const u = words[i]!;
      // The first entry above u; the last is 2^32, above every word, so there is one.
      let k = guides[pixelGuides[i]! + (u >>> pixelShifts[i]!)]!;
      while (cdfs[k]! <= u) k++;
      out[i] = pixelOffsets[i]! + k;
    }
    for (let j = 0; j < direct.length; j++) {
      const i = direct[j]!;
      const count = random.poisson(means[i]!);
      out[i] = count > MAX_COUNT ? MAX_COUNT : count;
    }
    return out;
  }

  /** Tables the cumulative distribution of the level's mean over mean ± TABLE_SDS sd. */
  private buildLevel(level: number): void {
    const root = level * ROOT_STEP;
    const mean = root * root;
    const low = Math.max(0, Math.floor(mean - TABLE_SDS * root - 2));
    const high = Math.ceil(mean + TABLE_SDS * root + 8);
    const length = high - low + 1;
    const pmf = new Float64Array(length);
    // From the mode outward by the ratios of neighbours, so no term over- or underflows early.
    const mode = Math.floor(mean);
    pmf[mode - low] = mean === 0 ? 1 : Math.exp(-mean + mode * Math.log(mean) - logFactorial(mode));
    for (let k = mode + 1; k <= high; k++) pmf[k - low] = (pmf[k - 1 - low]! * mean) / k;
    for (let k = mode - 1; k >= low; k--) pmf[k - low] = (pmf[k + 1 - low]! * (k + 1)) / mean;
    let total = 0;
    for (let i = 0; i < length; i++) total += pmf[i]!;
    const start = this.cdfsUsed;
    this.cdfs = room(this.cdfs, start + length);
    this.cdfsUsed += length;
    const cdfs = this.cdfs;
    let sum = 0;
    for (let i = 0; i < length; i++) {
      sum += pmf[i]!;
      cdfs[start + i] = (sum / total) * WORDS;
    }
    cdfs[start + length - 1] = WORDS;
    // About one bin per entry: a draw then starts within a step or two of its count.
    const bits = Math.min(16, Math.floor(Math.log2(length)));
    const bins = 2 ** bits;
    const guideStart = this.guidesUsed;
    this.guides = room(this.guides, guideStart + bins);
    this.guidesUsed += bins;
    let k = start;
    for (let bin = 0; bin < bins; bin++) {
      const first = bin * 2 ** (32 - bits); // the smallest word of the bin
      while (cdfs[k]! <= first) k++;
      this.guides[guideStart + bin] = k;
    }
    this.starts[level] = start;
    this.lows[level] = low;
    this.guideStarts[level] = guideStart;
    this.guideShifts[level] = 32 - bits;
  }
}

/** `array`, or a copy twice as long when it has fewer than `length` entries. */
function room<A extends Float64Array | Int32Array>(array: A, length: number): A {
  if (length <= array.length) return array;
  const grown = new (array.constructor as new (length: number) => A)(
    Math.max(array.length * 2, length),
  );
  grown.set(array);
  return grown;
}
