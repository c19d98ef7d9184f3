import { FirstOrderPlant, type FirstOrderPlantOptions } from "./first-order-plant.js";
import { PidController, type PidControllerOptions } from "./pid-controller.js";
import { SetpointRamp } from "./setpoint-ramp.js";

export interface ThermalLoopOptions {
  plant: FirstOrderPlantOptions;
  pid: PidControllerOptions;
  /** Setpoint ramp speed, K/s; omitted, 0 or Infinity jump at once. */
  rampRate?: number;
  /** Control period, s, default 0.05. */
  dt?: number;
  /** Absolute time of grid point 0, s, default 0. */
  startTime?: number;
  /** Fraction of the heater's full power its output stands for (a heater range), default 1. */
  heaterScale?: number;
}

/** Slack, in grid steps, so a time computed as start + n·dt lands on grid point n. */
const GRID_SLACK = 1e-9;

/** True when the temperature is within tolerance of the setpoint. */
export function isSettled(temperature: number, setpoint: number, tolerance: number): boolean {
  return Math.abs(temperature - setpoint) <= tolerance;
}

/**
 * A temperature controller: a ramped setpoint, a PID and a first-order plant, stepped on the
 * fixed grid startTime + n·dt. State changes only at grid points, so results never depend on
 * how often the loop is advanced. Each step holds the heater output computed at the previous
 * grid point, then measures and computes the next output.
 */
export class ThermalLoop {
  readonly dt: number;
  readonly startTime: number;
  private readonly plant: FirstOrderPlant;
  private pid: PidController;
  private scale = 1;
  private readonly ramp: SetpointRamp;
  private steps = 0;
  private output: number;

  constructor(options: ThermalLoopOptions) {
    const dt = options.dt ?? 0.05;
    if (!(dt > 0) || !Number.isFinite(dt)) throw new RangeError(`dt must be > 0, got ${dt}`);
    const startTime = options.startTime ?? 0;
    if (!Number.isFinite(startTime)) {
      throw new RangeError(`startTime must be finite, got ${startTime}`);
    }
    this.dt = dt;
    this.startTime = startTime;
    this.plant = new FirstOrderPlant(options.plant);
    this.pid = new PidController(options.pid);
    this.ramp = new SetpointRamp({
      initial: this.plant.temperature,
      rate: options.rampRate ?? 0,
    });
    this.heaterScale = options.heaterScale ?? 1;
    this.output = this.pid.update(this.ramp.current, this.plant.temperature, dt);
  }

  /** Absolute time of the grid point the state belongs to. */
  get time(): number {
    return this.startTime + this.steps * this.dt;
  }

  /** Target setpoint, K. */
  get setpoint(): number {
    return this.ramp.target;
  }

  /** Setpoint the PID is following right now (moves toward `setpoint` at the ramp rate). */
  get rampingSetpoint(): number {
    return this.ramp.current;
  }

  get isRamping(): boolean {
    return this.ramp.isRamping;
  }

  /** K/s; 0 or Infinity mean jump at once. Takes effect from the next step. */
  get rampRate(): number {
    return this.ramp.rate;
  }
  set rampRate(value: number) {
    this.ramp.rate = value;
  }

  /**
   * Fraction of full power the heater output stands for, in [0, 1]: a controller's heater
   * range (0 = off). Takes effect from the next step; the output itself is unchanged.
   */
  get heaterScale(): number {
    return this.scale;
  }
  set heaterScale(value: number) {
    if (!(value >= 0 && value <= 1))
      throw new RangeError(`heaterScale must be in [0, 1], got ${value}`);
    this.scale = value;
  }

  /** New PID gains from the next step; the integral starts again from zero. */
  setPid(options: PidControllerOptions): void {
    this.pid = new PidController(options);
  }

  /** Step every whole grid point up to t; earlier times leave the state alone. */
  advanceTo(t: number): void {
    const target = this.gridIndex(t);
    while (this.steps < target) this.stepOnce();
  }

  /** Change the target at time t; it takes effect from the next grid step. */
  setSetpoint(target: number, t: number): void {
    if (this.gridIndex(t) < this.steps) {
      throw new RangeError(`t must not be before the loop time ${this.time}, got ${t}`);
    }
    this.advanceTo(t);
    this.ramp.setTarget(target);
  }

  temperatureAt(t: number): number {
    this.advanceTo(t);
    return this.plant.temperature;
  }

  /** Heater output in [outputMin, outputMax] held over the current grid step. */
  heaterOutputAt(t: number): number {
    this.advanceTo(t);
    return this.output;
  }

  private gridIndex(t: number): number {
    if (Number.isNaN(t)) throw new RangeError(`t must be a number, got ${t}`);
    return Math.floor((t - this.startTime) / this.dt + GRID_SLACK);
  }

  private stepOnce(): void {
    this.plant.step(this.output * this.scale, this.dt);
    this.ramp.advance(this.dt);
    this.output = this.pid.update(this.ramp.current, this.plant.temperature, this.dt);
    this.steps++;
  }
}
