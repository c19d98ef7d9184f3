import type {
  Clock,
  Location,
  SignalR,
  SignalRW,
  StopOptions,
  TemperatureController,
} from "../../src/core/index.js";
import {
  DatatypeError,
  Device,
  MoveInterruptedError,
  Settler,
  Status,
  datatype,
  simSignalR,
  simSignalRW,
  softSignalRAndSetter,
  softSignalRW,
} from "../../src/core/index.js";
import { SeededRandom } from "../random.js";
import type { PidControllerOptions } from "../thermal/pid-controller.js";
import { ThermalLoop } from "../thermal/thermal-loop.js";

export interface SimTemperatureControllerOptions {
  name: string;
  clock: Clock;
  /** K (default 295). */
  ambient?: number;
  /** Kelvin above ambient at full heater power (default 200). */
  heaterGain?: number;
  /** Plant time constant, s (default 60). */
  timeConstant?: number;
  /** Default: PI with the integral time equal to the plant's time constant. */
  pid?: PidControllerOptions;
  /** Setpoint ramp, K/s (default 0: jump at once). */
  rampRate?: number;
  /** A set() is done once the temperature stays within this many K... (default 0.1) */
  tolerance?: number;
  /** ...for this many seconds (default 5). */
  settleTime?: number;
  /** Seconds between checks and updates while settling (default 0.5). */
  pollPeriod?: number;
  /** Standard deviation of the noise on each temperature reading, K (default 0). */
  readbackNoise?: number;
  seed?: number;
}

/**
 * A heater loop on a first-order plant with a PID and a setpoint ramp. set(T) changes the
 * setpoint and completes once the temperature has stayed within `tolerance` for `settleTime`.
 */
export class SimTemperatureController extends Device implements TemperatureController {
  readonly temperature: SignalR<number>;
  readonly setpoint: SignalR<number>;
  readonly heater: SignalR<number>;
  readonly rampRate: SignalRW<number>;
  readonly tolerance: SignalRW<number>;
  readonly clock: Clock;
  private readonly loop: ThermalLoop;
  private readonly recordSetpoint: (target: number) => void;
  private readonly settler: Settler;

  constructor(options: SimTemperatureControllerOptions) {
    super({ name: options.name });
    const { clock, ambient = 295, timeConstant = 60, readbackNoise = 0 } = options;
    this.clock = clock;
    const loop = new ThermalLoop({
      plant: { ambient, gain: options.heaterGain ?? 200, timeConstant },
      pid: options.pid ?? { kp: 0.05, ki: 0.05 / timeConstant, kd: 0 },
      rampRate: options.rampRate ?? 0,
      startTime: clock.now(),
    });
    this.loop = loop;
    const random = new SeededRandom(options.seed ?? 0).fork(`${options.name}.temperature`);
    const meta = { clock, units: "K", precision: 3 };
    const [temperature, notifyTemperature] = simSignalR(
      datatype.float,
      () =>
        loop.temperatureAt(clock.now()) + (readbackNoise > 0 ? random.normal(0, readbackNoise) : 0),
      meta,
    );
    this.temperature = this.add("temperature", temperature, { primary: true, kind: "hinted" });
    const [setpoint, recordSetpoint] = softSignalRAndSetter(datatype.float, loop.setpoint, meta);
    this.setpoint = this.add("setpoint", setpoint, { kind: "normal" });
    this.recordSetpoint = recordSetpoint;
    const [heater] = simSignalR(datatype.float, () => 100 * loop.heaterOutputAt(clock.now()), {
      clock,
      units: "%",
      precision: 1,
    });
    this.heater = this.add("heater", heater, { kind: "normal" });
    const rampRate = simSignalRW(
      datatype.float,
      { read: () => loop.rampRate, write: (rate) => void (loop.rampRate = rate) },
      { ...meta, units: "K/s" },
    );
    this.rampRate = this.add("ramp_rate", rampRate, { kind: "config" });
    const tolerance = softSignalRW(datatype.float, options.tolerance ?? 0.1, meta);
    this.tolerance = this.add("tolerance", tolerance, { kind: "config" });
    const at = (time: number) => {
      const temperature = loop.temperatureAt(time);
      // Subscribers see each reading taken while settling.
      notifyTemperature();
      return temperature;
    };
    this.settler = new Settler({
      device: this,
      clock,
      pollPeriod: options.pollPeriod ?? 0.5,
      temperature: { at },
      tolerance: this.tolerance,
      settleTime: options.settleTime ?? 5,
    });
  }

  set(target: number, { timeout }: { timeout?: number } = {}): Status {
    const name = `${this.name} to ${target} K`;
    const status = new Status({ name, clock: this.clock, timeout, units: "K", precision: 3 });
    if (!Number.isFinite(target)) {
      status.fail(new DatatypeError(this.name, "a finite temperature", target));
      return status;
    }
    const now = this.clock.now();
    this.settler.interrupt(`was superseded by a set to ${target} K`, () =>
      this.loop.temperatureAt(this.clock.now()),
    );
    this.loop.setSetpoint(target, now);
    this.recordSetpoint(target);
    const settling = this.settler.begin(status, target, this.loop.temperatureAt(now));
    void this.settler.follow(settling);
    return status;
  }

  async locate(): Promise<Location<number>> {
    return { setpoint: this.loop.setpoint, readback: this.loop.temperatureAt(this.clock.now()) };
  }

  /** Holds the setpoint where the ramp is now, ending any set() in progress. */
  async stop({ success = false }: StopOptions = {}): Promise<void> {
    const now = this.clock.now();
    this.loop.advanceTo(now);
    const held = this.loop.rampingSetpoint;
    const settling = this.settler.take();
    this.loop.setSetpoint(held, now);
    this.recordSetpoint(held);
    if (!settling) return;
    if (success) settling.status.finish();
    else {
      const temperature = this.loop.temperatureAt(now);
      settling.status.fail(
        new MoveInterruptedError(this.name, settling.target, temperature, "was stopped"),
      );
    }
  }
}
