export interface PidControllerOptions {
  kp: number;
  /** Integral gain, per second. */
  ki: number;
  /** Derivative gain, seconds. */
  kd: number;
  outputMin?: number;
  outputMax?: number;
}

/**
 * Discrete PID with conditional-integration anti-windup and derivative on the measurement,
 * so a setpoint jump gives no derivative kick.
 */
export class PidController {
  readonly kp: number;
  readonly ki: number;
  readonly kd: number;
  readonly outputMin: number;
  readonly outputMax: number;
  /** ∫ error dt. */
  private integral = 0;
  private lastMeasurement: number | undefined;

  constructor(options: PidControllerOptions) {
    const { kp, ki, kd } = options;
    for (const [name, value] of [
      ["kp", kp],
      ["ki", ki],
      ["kd", kd],
    ] as const) {
      if (!(value >= 0) || !Number.isFinite(value)) {
        throw new RangeError(`${name} must be >= 0, got ${value}`);
      }
    }
    const outputMin = options.outputMin ?? 0;
    const outputMax = options.outputMax ?? 1;
    if (!Number.isFinite(outputMin)) {
      throw new RangeError(`outputMin must be finite, got ${outputMin}`);
    }
    if (!(outputMax > outputMin) || !Number.isFinite(outputMax)) {
      throw new RangeError(
        `outputMax must be finite and > outputMin (${outputMin}), got ${outputMax}`,
      );
    }
    this.kp = kp;
    this.ki = ki;
    this.kd = kd;
    this.outputMin = outputMin;
    this.outputMax = outputMax;
  }

  /** One control step of dt seconds; returns the output clamped to [outputMin, outputMax]. */
  update(setpoint: number, measurement: number, dt: number): number {
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`dt must be > 0, got ${dt}`);
    const error = setpoint - measurement;
    const previous = this.lastMeasurement;
    this.lastMeasurement = measurement;
    // d(error)/dt = −d(measurement)/dt while the setpoint holds still.
    const derivative = previous === undefined ? 0 : -(measurement - previous) / dt;
    const fixed = this.kp * error + this.kd * derivative;
    const candidate = this.integral + error * dt;
    const output = fixed + this.ki * candidate;
    // Anti-windup: do not integrate further into a saturation the error is pushing toward.
    const windingUp =
      (output > this.outputMax && error > 0) || (output < this.outputMin && error < 0);
    if (!windingUp) this.integral = candidate;
    return Math.min(this.outputMax, Math.max(this.outputMin, fixed + this.ki * this.integral));
  }

  /** Forget the integral and the previous measurement. */
  reset(): void {
    this.integral = 0;
    this.lastMeasurement = undefined;
  }
}
