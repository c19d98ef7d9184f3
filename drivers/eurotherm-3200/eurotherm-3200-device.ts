import type {
  Clock,
  ConnectOptions,
  Location,
  SignalR,
  SignalRW,
  Settling,
  StopOptions,
  TemperatureController,
} from "../../src/core/index.js";
import {
  DatatypeError,
  Device,
  LimitError,
  MoveInterruptedError,
  Settler,
  Status,
  datatype,
  realClock,
  softSignalRW,
} from "../../src/core/index.js";
import type { ModbusClientLike } from "../../src/transports/index.js";
import { modbusSignalR, modbusSignalRW } from "../../src/transports/index.js";
import type { Eurotherm3200Parameter, InstrumentStatus, Region } from "./protocol.js";
import {
  LOCAL_REMOTE_CHOICES,
  MODE_CHOICES,
  PARAMETERS,
  decodeStatus,
  registerSpec,
} from "./protocol.js";

export interface Eurotherm3200Options {
  name: string;
  /** The Modbus link, its unit id the controller's address. */
  client: ModbusClientLike;
  /** Timestamps readings and paces polling and settling (default the real clock). */
  clock?: Clock;
  /** "scaled" integers (default) or the full-resolution "float" region. */
  region?: Region;
  /** The instrument's display resolution, for the scaled region (default 1: 24.5 reads 245). */
  decimalPlaces?: number;
  /** Of temperatures (default "degC"; the instrument's unit is set on its front panel). */
  units?: string;
  /**
   * Write set() targets to the remote setpoint (26, selected by writing 1 to L-R, 276)
   * rather than the EEPROM-backed target setpoint (2): for scans that write often.
   */
  remoteSetpoint?: boolean;
  /** A set() is done once the temperature stays within this of the target... (default 0.5) */
  tolerance?: number;
  /** ...for this many seconds (default 5). */
  settleTime?: number;
  /** Seconds between reads while settling, and between polls of subscriptions (default 0.5). */
  pollPeriod?: number;
}

/**
 * A Eurotherm 3200 temperature controller over Modbus. `set(T)` checks T against the
 * instrument's setpoint limits, writes the setpoint and completes once the temperature has
 * stayed within `tolerance` of T for `settleTime`, reading it every `pollPeriod` on the clock.
 */
export class Eurotherm3200 extends Device implements TemperatureController {
  /** PV.IN: the measured temperature, hinted. */
  readonly temperature: SignalR<number>;
  /** The setpoint set() writes: TG.SP, or Rm.SP with `remoteSetpoint`. */
  readonly setpoint: SignalRW<number>;
  /** WKG.SP: the setpoint after the rate limit. */
  readonly workingSetpoint: SignalR<number>;
  /** WRK.OP: heater output, %. */
  readonly heater: SignalR<number>;
  /** SP.RAT: setpoint rate limit, units per minute, 0 = off. */
  readonly rampRate: SignalRW<number>;
  readonly mode: SignalRW<(typeof MODE_CHOICES)[number]>;
  readonly setpointHigh: SignalRW<number>;
  readonly setpointLow: SignalRW<number>;
  readonly proportionalBand: SignalRW<number>;
  readonly integralTime: SignalRW<number>;
  readonly derivativeTime: SignalRW<number>;
  /** The status bitmap (address 75); readStatus() names its bits. */
  readonly status: SignalR<number>;
  readonly tolerance: SignalRW<number>;
  readonly settleTime: SignalRW<number>;
  readonly client: ModbusClientLike;
  readonly clock: Clock;
  private readonly localRemote: SignalRW<(typeof LOCAL_REMOTE_CHOICES)[number]> | undefined;
  private readonly settler: Settler;

  constructor(options: Eurotherm3200Options) {
    super({ name: options.name });
    const {
      client,
      clock = realClock,
      region = "scaled",
      decimalPlaces = 1,
      units = "degC",
      pollPeriod = 0.5,
    } = options;
    if (region !== "scaled" && region !== "float") {
      throw new RangeError(`region must be "scaled" or "float", got ${String(region)}`);
    }
    if (!Number.isInteger(decimalPlaces) || decimalPlaces < 0 || decimalPlaces > 4) {
      throw new RangeError(`decimalPlaces must be an integer 0..4, got ${decimalPlaces}`);
    }
    this.client = client;
    this.clock = clock;
    const spec = (parameter: Eurotherm3200Parameter) =>
      registerSpec(parameter, region, decimalPlaces);
    const precision = region === "float" ? 3 : decimalPlaces;
    const temperature = { clock, pollPeriod, units, precision };
    const percent = { clock, pollPeriod, units: "%", precision: 1 };
    const seconds = { clock, pollPeriod, units: "s" };
    const enumeration = { clock, pollPeriod };
    const read = (p: Eurotherm3200Parameter, o: object) =>
      modbusSignalR(client, spec(p), o) as SignalR<number>;
    const write = (p: Eurotherm3200Parameter, o: object) =>
      modbusSignalRW(client, { ...spec(p), table: "holding" }, o) as SignalRW<number>;

    this.temperature = this.add("temperature", read(PARAMETERS.processValue, temperature), {
      primary: true,
      kind: "hinted",
    });
    const setpointParameter = options.remoteSetpoint
      ? PARAMETERS.remoteSetpoint
      : PARAMETERS.targetSetpoint;
    this.setpoint = this.add("setpoint", write(setpointParameter, temperature), { kind: "normal" });
    this.workingSetpoint = this.add(
      "working_setpoint",
      read(PARAMETERS.workingSetpoint, temperature),
      { kind: "normal" },
    );
    this.heater = this.add("output", read(PARAMETERS.workingOutput, percent), { kind: "normal" });
    this.rampRate = this.add(
      "setpoint_rate",
      write(PARAMETERS.setpointRate, { ...temperature, units: `${units}/min` }),
      { kind: "config" },
    );
    // Enums live in the scaled region in both modes: an integer loses nothing there.
    const { instrumentMode, localRemote } = PARAMETERS;
    this.mode = this.add(
      "mode",
      modbusSignalRW(
        client,
        { table: "holding", address: instrumentMode.address, choices: MODE_CHOICES },
        enumeration,
      ),
      { kind: "config" },
    );
    this.setpointHigh = this.add("setpoint_high", write(PARAMETERS.setpointHigh, temperature), {
      kind: "config",
    });
    this.setpointLow = this.add("setpoint_low", write(PARAMETERS.setpointLow, temperature), {
      kind: "config",
    });
    this.proportionalBand = this.add(
      "proportional_band",
      write(PARAMETERS.proportionalBand, temperature),
      { kind: "config" },
    );
    this.integralTime = this.add("integral_time", write(PARAMETERS.integralTime, seconds), {
      kind: "config",
    });
    this.derivativeTime = this.add("derivative_time", write(PARAMETERS.derivativeTime, seconds), {
      kind: "config",
    });
    this.status = this.add("status", read(PARAMETERS.status, enumeration), { kind: "omitted" });
    this.tolerance = this.add(
      "tolerance",
      softSignalRW(datatype.float, options.tolerance ?? 0.5, { clock, units, precision }),
      { kind: "config" },
    );
    this.settleTime = this.add(
      "settle_time",
      softSignalRW(datatype.float, options.settleTime ?? 5, { clock, units: "s" }),
      { kind: "config" },
    );
    if (options.remoteSetpoint) {
      // Not a child: the driver owns this switch, and read() need not ask for it.
      this.localRemote = modbusSignalRW(
        client,
        { table: "holding", address: localRemote.address, choices: LOCAL_REMOTE_CHOICES },
        { ...enumeration, name: `${options.name}_local_remote` },
      );
    }
    this.settler = new Settler({
      device: this,
      clock,
      pollPeriod,
      temperature: { query: () => this.temperature.get() },
      tolerance: this.tolerance,
      settleTime: this.settleTime,
    });
  }

  /** The status word's flags: alarms, sensor break, ramp running... */
  async readStatus(): Promise<InstrumentStatus> {
    return decodeStatus(await this.status.get());
  }

  /** With `mock`, every register is a mock signal and the Modbus link is never opened. */
  override async connect(options: ConnectOptions = {}): Promise<void> {
    await super.connect(options);
    // Not a child, so the device mocks it itself; for real, it shares the children's link.
    if (this.connectedAsMock) await this.localRemote?.connect(options);
  }

  /** Closes the Modbus link, which other controllers on the same port may share. */
  override async disconnect(): Promise<void> {
    await super.disconnect();
    if (!this.connectedAsMock) await this.client.close();
  }

  /**
   * Moves the setpoint to `target` and completes once the temperature has settled there.
   * A target outside [SP.LO, SP.HI] fails with a LimitError and writes nothing.
   */
  set(target: number, { timeout }: { timeout?: number } = {}): Status {
    const name = `${this.name} to ${target}`;
    const status = new Status({ name, clock: this.clock, timeout, precision: 3 });
    if (!Number.isFinite(target)) {
      status.fail(new DatatypeError(this.name, "a finite temperature", target));
      return status;
    }
    this.settler.interrupt(`was superseded by a set to ${target}`);
    const settling = this.settler.begin(status, target);
    void this.start(settling).catch((error: unknown) => this.settler.fail(settling, error));
    return status;
  }

  async locate(): Promise<Location<number>> {
    const [setpoint, readback] = await Promise.all([this.setpoint.get(), this.temperature.get()]);
    return { setpoint, readback };
  }

  /** Holds the setpoint where the ramp is now (the working setpoint), ending any set(). */
  async stop({ success = false }: StopOptions = {}): Promise<void> {
    const settling = this.settler.take();
    const held = await this.workingSetpoint.get();
    await this.setpoint.set(held);
    if (!settling) return;
    if (success) settling.status.finish();
    else {
      const temperature = await this.temperature.get();
      settling.status.fail(
        new MoveInterruptedError(this.name, settling.target, temperature, "was stopped"),
      );
    }
  }

  private async start(settling: Settling): Promise<void> {
    const { target } = settling;
    const [low, high] = await Promise.all([this.setpointLow.get(), this.setpointHigh.get()]);
    if (target < low || target > high) throw new LimitError(this.name, target, low, high);
    if (this.localRemote) await this.localRemote.set("remote");
    const initial = await this.temperature.get();
    if (!this.settler.isCurrent(settling)) return;
    settling.startFrom(initial);
    await this.setpoint.set(target);
    if (!this.settler.isCurrent(settling)) return;
    await this.settler.follow(settling);
  }
}
