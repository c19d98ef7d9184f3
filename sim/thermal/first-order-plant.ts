export interface FirstOrderPlantOptions {
  /** Temperature the plant relaxes to with the heater off, K. */
  ambient: number;
  /** Kelvin above ambient reached at full heater power (u = 1), >= 0. */
  gain: number;
  /** Time constant τ, s, > 0. */
  timeConstant: number;
  /** Starting temperature, K, default ambient. */
  initial?: number;
}

/** A heated mass: dT/dt = (K·u − (T − ambient)) / τ, heater output u in [0, 1]. */
export class FirstOrderPlant {
  readonly ambient: number;
  readonly gain: number;
  readonly timeConstant: number;
  private current: number;

  constructor(options: FirstOrderPlantOptions) {
    const { ambient, gain, timeConstant } = options;
    if (!Number.isFinite(ambient)) throw new RangeError(`ambient must be finite, got ${ambient}`);
    if (!(gain >= 0) || !Number.isFinite(gain)) {
      throw new RangeError(`gain must be >= 0, got ${gain}`);
    }
    if (!(timeConstant > 0) || !Number.isFinite(timeConstant)) {
      throw new RangeError(`timeConstant must be > 0, got ${timeConstant}`);
    }
    const initial = options.initial ?? ambient;
    if (!Number.isFinite(initial)) throw new RangeError(`initial must be finite, got ${initial}`);
    this.ambient = ambient;
    this.gain = gain;
    this.timeConstant = timeConstant;
    this.current = initial;
  }

  get temperature(): number {
    return this.current;
  }

  /** Advance dt seconds with the heater held at u (clamped to [0, 1]). */
  step(u: number, dt: number): void {
    if (!(dt >= 0) || !Number.isFinite(dt)) throw new RangeError(`dt must be >= 0, got ${dt}`);
    if (Number.isNaN(u)) throw new RangeError(`u must be a number, got ${u}`);
    const output = Math.min(1, Math.max(0, u));
    const equilibrium = this.ambient + this.gain * output;
    // Exact solution for constant u: T relaxes toward equilibrium as e^(−dt/τ).
    this.current = equilibrium + (this.current - equilibrium) * Math.exp(-dt / this.timeConstant);
  }
}
