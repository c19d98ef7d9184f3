import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";

/** Below this mean Knuth's multiplication method is cheap; above it PTRS is used. */
const KNUTH_LIMIT = 30;
/** Outputs discarded after seeding: xoroshiro's first words are weak for sparse seeds. */
const WARM_UP = 16;

/** Murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units of a label. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Exact ln(k!) for small k, shared by every generator. */
const LOG_FACTORIAL_TABLE: number[] = [0];
for (let k = 1; k < 64; k++) {
  LOG_FACTORIAL_TABLE.push((LOG_FACTORIAL_TABLE[k - 1] ?? 0) + Math.log(k));
}

/** ln(k!) from the table, or Stirling's series (error < 1e-15 for k >= 64). */
export function logFactorial(k: number): number {
  const exact = LOG_FACTORIAL_TABLE[k];
  if (exact !== undefined) return exact;
  const inv = 1 / k;
  const inv2 = inv * inv;
  return (
    k * Math.log(k) -
    k +
    0.5 * Math.log(2 * Math.PI * k) +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260))
  );
}

/**
 * Deterministic random numbers for the simulator. Every stream is fixed by its seed, so
 * a simulation run can be replayed exactly.
 */
export class SeededRandom {
  /** The seed this stream was built from; `new SeededRandom(seed)` replays it. */
  readonly seed: number;
  /** 32-bit key mixed from the seed; forks derive their seeds from it. */
  private readonly key: number;
  private readonly generator: JumpableRandomGenerator;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new RangeError(`seed must be an integer, got ${seed}`);
    }
    this.seed = seed;
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) | 0;
    this.key = mix32(low ^ mix32(high ^ 0x9e3779b9));
    this.generator = xoroshiro128plus(this.key | 0);
    for (let i = 0; i < WARM_UP; i++) this.generator.next();
  }

  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /**
   * Fills `out` with uniform 32-bit words, one generator step each: the fast path for noise
   * over many pixels, where a 53-bit float per draw would cost twice as much.
   */
  fillUint32(out: Uint32Array): Uint32Array {
    const generator = this.generator;
    for (let i = 0; i < out.length; i++) out[i] = generator.next();
    return out;
  }

  /** Gaussian sample by Marsaglia's polar method; the second value of each pair is cached. */
  normal(mean = 0, sd = 1): number {
    if (!(sd >= 0) || !Number.isFinite(sd)) {
      throw new RangeError(`sd must be a finite number >= 0, got ${sd}`);
    }
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    // Polar transform: (u, v)·sqrt(−2 ln s / s) are two independent standard normals.
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return mean + sd * u * factor;
  }

  /** Poisson sample with mean `lambda`; exact (no normal approximation) for every lambda. */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new RangeError(`lambda must be a finite number >= 0, got ${lambda}`);
    }
    if (lambda === 0) return 0;
    return lambda < KNUTH_LIMIT ? this.poissonKnuth(lambda) : this.poissonPtrs(lambda);
  }

  /**
   * An independent stream named by `label`, derived from this stream's seed only (not from
   * how many numbers were drawn), so parts forked with different labels never share numbers.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(mix32((this.key + 0x6d2b79f5) ^ fnv1a(label)));
  }

  /** Knuth: count uniforms until their product drops below e^−λ (e^−30 ≈ 1e-13, no underflow). */
  private poissonKnuth(lambda: number): number {
    const limit = Math.exp(-lambda);
    let product = this.uniform();
    let k = 0;
    while (product > limit) {
      k++;
      product *= this.uniform();
    }
    return k;
  }

  /** Hörmann (1993) transformed rejection with squeeze, PTRS; valid for λ >= 10. */
  private poissonPtrs(lambda: number): number {
    const sqrtLambda = Math.sqrt(lambda);
    const logLambda = Math.log(lambda);
    const b = 0.931 + 2.53 * sqrtLambda;
    const a = -0.059 + 0.02483 * b;
    const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (!(k >= 0) || (us < 0.013 && v > us)) continue;
      // Accept when the point under the hat lies under the pmf e^−λ·λ^k/k!, compared as logs.
      const lhs = Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b);
      if (lhs <= -lambda + k * logLambda - logFactorial(k)) return k;
    }
  }
}
