export interface SetpointRampOptions {
  /** Starting setpoint (also the starting target). */
  initial: number;
  /** Ramp speed, units/s; 0 or Infinity (the default) jump at once. */
  rate?: number;
}

/** Relative slack when snapping to the target, absorbing rounding in summed steps. */
const SNAP_SLACK = 1e-9;
/** Absolute slack in ulps of the target, for steps far smaller than the target. */
const SNAP_ULPS = 64;

/** A setpoint that walks toward its target at a fixed rate. */
export class SetpointRamp {
  private value: number;
  private goal: number;
  private speed: number;

  constructor(options: SetpointRampOptions) {
    if (!Number.isFinite(options.initial)) {
      throw new RangeError(`initial must be finite, got ${options.initial}`);
    }
    this.value = options.initial;
    this.goal = options.initial;
    this.speed = 0;
    this.rate = options.rate ?? 0;
  }

  /** Units/s; 0 or Infinity mean no ramp. */
  get rate(): number {
    return this.speed;
  }
  set rate(value: number) {
    if (!(value >= 0)) throw new RangeError(`rate must be >= 0, got ${value}`);
    this.speed = value;
  }

  /** The effective setpoint now. */
  get current(): number {
    return this.value;
  }

  get target(): number {
    return this.goal;
  }

  get isRamping(): boolean {
    return this.value !== this.goal;
  }

  setTarget(target: number): void {
    if (!Number.isFinite(target)) throw new RangeError(`target must be finite, got ${target}`);
    this.goal = target;
    if (this.speed === 0 || this.speed === Infinity) this.value = target;
  }

  advance(dt: number): void {
    if (!(dt >= 0) || !Number.isFinite(dt)) throw new RangeError(`dt must be >= 0, got ${dt}`);
    const gap = this.goal - this.value;
    const step = this.speed === 0 ? Infinity : this.speed * dt;
    const slack = step * SNAP_SLACK + SNAP_ULPS * Number.EPSILON * Math.abs(this.goal);
    if (Math.abs(gap) <= step + slack) this.value = this.goal;
    else this.value += Math.sign(gap) * step;
  }
}
