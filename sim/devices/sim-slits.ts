import type {
  Clock,
  Hints,
  Kind,
  Locatable,
  Location,
  ProgressReport,
  SetOptions,
  Status,
  StopOptions,
  Stoppable,
} from "../../src/core/index.js";
import {
  Device,
  LimitError,
  Motor,
  datatype,
  simSignalR,
  softSignalRW,
} from "../../src/core/index.js";
import { SimMotor } from "./sim-motor.js";

export interface SimSlitsOptions {
  name: string;
  clock: Clock;
  kind?: Kind;
  /** Opening between the blades at the start (default 1). */
  gap?: number;
  /** Middle of the opening at the start (default 0). */
  centre?: number;
  /** Speed of each pseudo-axis, units/s (default 1). */
  velocity?: number;
  /** Acceleration of each pseudo-axis, units/s² (default 10). */
  acceleration?: number;
  /** Soft limits of the gap [low, high]; equal values disable them (default). */
  limits?: readonly [number, number];
  /** Soft limits of each blade. */
  bladeLimits?: readonly [number, number];
  /** Of each blade, as for SimMotor. */
  backlash?: number;
  encoderResolution?: number;
  readbackNoise?: number;
  seed?: number;
  units?: string;
  precision?: number;
}

/** Where each blade is, as its readback last reported. */
interface BladePositions {
  top: number;
  bottom: number;
}

/** How a pseudo-axis maps to the blades and back. */
interface SlitGeometry {
  fromBlades(top: number, bottom: number): number;
  /** Blade targets for `target`, the other pseudo-axis held where the blades are headed. */
  toBlades(target: number, top: number, bottom: number): [number, number];
  /** Blade speed per unit of pseudo-axis speed. */
  readonly bladeSpeed: number;
}

const gapGeometry: SlitGeometry = {
  fromBlades: (top, bottom) => top - bottom,
  toBlades: (gap, top, bottom) => {
    const centre = (top + bottom) / 2;
    return [centre + gap / 2, centre - gap / 2];
  },
  // The blades part symmetrically: each covers half of the change in gap.
  bladeSpeed: 0.5,
};

const centreGeometry: SlitGeometry = {
  fromBlades: (top, bottom) => (top + bottom) / 2,
  toBlades: (centre, top, bottom) => {
    const gap = top - bottom;
    return [centre + gap / 2, centre - gap / 2];
  },
  bladeSpeed: 1,
};

interface SlitAxisOptions {
  name: string;
  clock: Clock;
  top: SimMotor;
  bottom: SimMotor;
  positions: Readonly<BladePositions>;
  geometry: SlitGeometry;
  velocity: number;
  acceleration: number;
  limits?: readonly [number, number];
  units: string;
  precision: number;
}

/**
 * A pseudo-axis of a slit pair: its readback is computed from the blades' readbacks and
 * a move drives both blades, resolving when both arrive. Its velocity and acceleration are
 * soft settings applied to the blades at the start of each move.
 */
export class SlitAxis extends Motor {
  private readonly top: SimMotor;
  private readonly bottom: SimMotor;
  private readonly geometry: SlitGeometry;
  private readonly positions: Readonly<BladePositions>;
  private readonly notifyReadback: () => void;
  /** The running move; a move that finds another here was taken over or halted. */
  private current: object | undefined;

  constructor(options: SlitAxisOptions) {
    const { name, clock, geometry, positions, units, precision } = options;
    const meta = { clock, units, precision };
    const [readback, notifyReadback] = simSignalR(
      datatype.float,
      () => geometry.fromBlades(positions.top, positions.bottom),
      meta,
    );
    const [low, high] = options.limits ?? [0, 0];
    super({
      name,
      clock,
      readback,
      velocity: softSignalRW(datatype.float, options.velocity, { ...meta, units: `${units}/s` }),
      acceleration: softSignalRW(datatype.float, options.acceleration, {
        ...meta,
        units: `${units}/s^2`,
      }),
      lowLimit: softSignalRW(datatype.float, low, meta),
      highLimit: softSignalRW(datatype.float, high, meta),
      initialSetpoint: geometry.fromBlades(positions.top, positions.bottom),
      units,
      precision,
    });
    this.top = options.top;
    this.bottom = options.bottom;
    this.geometry = geometry;
    this.positions = positions;
    this.notifyReadback = notifyReadback;
  }

  /** Called by the slits whenever a blade's readback changes. */
  bladesMoved(): void {
    this.notifyReadback();
  }

  protected async startMove(
    target: number,
    report: (progress: ProgressReport) => void,
  ): Promise<void> {
    const token = {};
    this.current = token;
    const { top, bottom, geometry } = this;
    const [topHeading, bottomHeading] = await Promise.all([
      top.setpoint.get(),
      bottom.setpoint.get(),
    ]);
    const [topTarget, bottomTarget] = geometry.toBlades(target, topHeading, bottomHeading);
    // Both targets are checked before either blade moves.
    await Promise.all([checkLimits(top, topTarget), checkLimits(bottom, bottomTarget)]);
    const [velocity, acceleration] = await Promise.all([
      this.velocity.get(),
      this.acceleration.get(),
    ]);
    const scale = geometry.bladeSpeed;
    await Promise.all(
      [top, bottom].flatMap((blade) => [
        blade.velocity.set(velocity * scale),
        blade.acceleration.set(acceleration * scale),
      ]),
    );
    if (this.current !== token) return;
    const position = (): number => geometry.fromBlades(this.positions.top, this.positions.bottom);
    const initial = position();
    const moves = [top.set(topTarget), bottom.set(bottomTarget)];
    for (const move of moves) move.watch(() => report({ current: position(), initial, target }));
    const results = await Promise.allSettled(moves);
    if (this.current !== token) return; // halted or taken over: the Motor reports why
    this.current = undefined;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) {
      await Promise.all([top.stop(), bottom.stop()]);
      throw failure.reason;
    }
  }

  protected async haltMotion(): Promise<void> {
    this.current = undefined;
    await Promise.all([this.top.stop(), this.bottom.stop()]);
  }
}

async function checkLimits(blade: SimMotor, target: number): Promise<void> {
  const [low, high] = await Promise.all([blade.lowLimit.get(), blade.highLimit.get()]);
  if (low !== high && (target < low || target > high)) {
    throw new LimitError(blade.name, target, low, high);
  }
}

/**
 * A slit pair: two blade motors `top` and `bottom` and two pseudo-axes, `gap` (top −
 * bottom, hinted) and `centre` (their mean). set() on the slits moves the gap.
 */
export class SimSlits extends Device implements Locatable<number>, Stoppable {
  readonly top: SimMotor;
  readonly bottom: SimMotor;
  readonly gap: SlitAxis;
  readonly centre: SlitAxis;

  constructor(options: SimSlitsOptions) {
    const { name, clock, gap = 1, centre = 0, units = "mm", precision = 3 } = options;
    const { velocity = 1, acceleration = 10 } = options;
    super({ name, kind: options.kind });
    const positions: BladePositions = { top: centre + gap / 2, bottom: centre - gap / 2 };
    const blade = (key: keyof BladePositions): SimMotor =>
      new SimMotor({
        name: `${name}_${key}`, // seeds each blade's noise apart
        clock,
        position: positions[key],
        velocity,
        acceleration,
        limits: options.bladeLimits,
        backlash: options.backlash,
        encoderResolution: options.encoderResolution,
        readbackNoise: options.readbackNoise,
        seed: options.seed,
        units,
        precision,
      });
    this.top = this.add("top", blade("top"), { kind: "normal" });
    this.bottom = this.add("bottom", blade("bottom"), { kind: "normal" });
    const axis = (geometry: SlitGeometry, limits?: readonly [number, number]): SlitAxis =>
      new SlitAxis({
        ...{ name, clock, top: this.top, bottom: this.bottom, positions, geometry },
        ...{ velocity, acceleration, limits, units, precision },
      });
    this.gap = this.add("gap", axis(gapGeometry, options.limits), { kind: "hinted" });
    this.centre = this.add("centre", axis(centreGeometry), { kind: "normal" });
    for (const key of ["top", "bottom"] as const) {
      this[key].readback.subscribeValue((value) => {
        positions[key] = value;
        this.gap.bladesMoved();
        this.centre.bladesMoved();
      });
    }
  }

  /** Only the gap: the blades and centre are read but not plotted by default. */
  override get hints(): Hints {
    return this.gap.hints;
  }

  set(gap: number, options?: Pick<SetOptions, "timeout">): Status {
    return this.gap.set(gap, options);
  }

  locate(): Promise<Location<number>> {
    return this.gap.locate();
  }

  async stop(options?: StopOptions): Promise<void> {
    await Promise.all([this.gap.stop(options), this.centre.stop(options)]);
  }
}
