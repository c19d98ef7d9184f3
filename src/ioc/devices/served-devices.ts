// Devices as records: what serveDevices() generates. A Motor is a motor record; a Detector its
// readings with areaDetector's Acquire/AcquireTime; a temperature controller its readback,
// Setpoint, RampRate and Heater; every other signal the record type of its datatype, with a
// "_RBV" input beside the output of a writable one. Names follow the readings: the signal read
// as `det_range` is `<prefix>det:range`.
import {
  type DataKey,
  Detector,
  type Device,
  isTemperatureController,
  Motor,
  NotConnectedError,
  SignalR,
  type TemperatureController,
} from "../../core/index.js";
import {
  type ChannelState,
  DEVICE_DTYP,
  type DeviceChannel,
  type FieldValue,
} from "../records/index.js";
import {
  databaseRecords,
  inputRecord,
  isWritable,
  metadataFields,
  outputRecord,
  type RecordPlan,
  recordTypesOf,
} from "./record-plan.js";
import { numberMapping, SignalChannel, type ValueMapping } from "./signal-channel.js";
import type { DbRecord } from "../db/index.js";

export interface ServeDevicesOptions {
  /** Goes before every PV name: "BL:" serves m1 as BL:m1. */
  readonly prefix?: string;
  /** A device's record name when not its own, e.g. `{ det: "DET1" }`. */
  readonly names?: Readonly<Record<string, string>>;
  /**
   * Input records' SCAN per device, e.g. `{ tc1: "1 second" }`. By default a record
   * processes when its device reports a change (I/O Intr); a temperature controller's every
   * second, as its temperature drifts without telling.
   */
  readonly scans?: Readonly<Record<string, string>>;
  /**
   * Devices that did not connect, with why: served all the same, every record in a COMM alarm,
   * INVALID, as an IOC serves records of hardware that is not there.
   */
  readonly unconnected?: ReadonlyMap<string, Error>;
}

/** The generated database and what its "hil Device" records reach. */
export interface ServedDevices {
  /** The records as a database file would define them. */
  readonly database: readonly DbRecord[];
  readonly channels: ReadonlyMap<string, DeviceChannel>;
  readonly motors: ReadonlyMap<string, Motor>;
  /** The motors (by address) that did not connect, with why. */
  readonly unconnected: ReadonlyMap<string, Error>;
}

const IO_INTR = "I/O Intr";

/** A device that did not connect: every read and write fails with why. */
class UnreachableChannel implements DeviceChannel {
  constructor(private readonly why: string) {}
  read(): ChannelState {
    return { error: this.why };
  }
  watch(news: () => void): () => void {
    // Once, so an I/O Intr record shows the alarm rather than staying undefined.
    queueMicrotask(news);
    return () => undefined;
  }
  write(): Promise<FieldValue | undefined> {
    return Promise.reject(new Error(this.why));
  }
}

/** A write that runs a device action (trigger, set) and completes with it. */
class ActionChannel implements DeviceChannel {
  constructor(readonly write: (value: FieldValue) => Promise<FieldValue | undefined>) {}
  read(): ChannelState {
    return undefined;
  }
  watch(): () => void {
    return () => undefined;
  }
}

/** Where a signal is served when not under its reading's name, and whether only read. */
interface Placement {
  readonly name: string;
  readonly readOnly?: boolean;
}

class Builder {
  readonly records: RecordPlan[] = [];
  readonly channels = new Map<string, DeviceChannel>();
  readonly motors = new Map<string, Motor>();
  readonly unconnected = new Map<string, Error>();
  /** Why the device being served did not connect, if it did not. */
  #unreachable: string | undefined;
  /** What each record name serves, so two things never share a name unnoticed. */
  readonly #serving = new Map<string, string>();

  constructor(private readonly options: ServeDevicesOptions) {}

  async serve(name: string, device: Device): Promise<void> {
    const { names = {}, scans = {} } = this.options;
    const own = <V>(table: Readonly<Record<string, V>>): V | undefined =>
      Object.hasOwn(table, name) ? table[name] : undefined;
    const base = `${this.options.prefix ?? ""}${own(names) ?? name}`;
    const defaultScan = isTemperatureController(device) ? "1 second" : IO_INTR;
    const scan = own(scans) ?? defaultScan;
    const failure = this.options.unconnected?.get(name);
    this.#unreachable = failure ? `not connected: ${causeOf(failure)}` : undefined;
    if (device instanceof Motor) {
      this.#motor(device, base);
      return;
    }
    const placed = new Map<Device, Placement>();
    if (device instanceof Detector) this.#detector(device, base, placed);
    if (isTemperatureController(device)) await this.#temperature(device, base, placed);
    for (const leaf of leaves(device)) {
      const name = `${base}${suffixOf(device, leaf)}`;
      if (leaf instanceof Motor) this.#motor(leaf, name);
      else await this.#signal(leaf, placed.get(leaf) ?? { name }, scan);
    }
  }

  /**
   * A motor record on the device. The motor record moves in steps of MRES and calls a move
   * done within RDBD: a device takes any position, so the steps are finer than the precision
   * shown and the deadband a tenth of its last digit.
   */
  #motor(motor: Motor, name: string): void {
    this.motors.set(motor.name, motor);
    if (this.#unreachable) this.unconnected.set(motor.name, new Error(this.#unreachable));
    const deadband = 10 ** -((motor.precision ?? 3) + 1);
    // Raw positions are 32-bit: steps of a tenth of the deadband reach ±2e8 deadbands.
    this.#add(
      {
        type: "motor",
        name,
        fields: [
          ["DTYP", DEVICE_DTYP],
          ["OUT", `@${motor.name}`],
          ["MRES", (deadband / 10).toPrecision(1)],
          ["RDBD", deadband.toPrecision(1)],
        ],
      },
      `motor ${motor.name}`,
    );
  }

  /** `<base>:Acquire` triggers, completing when the acquisition has; `:AcquireTime` the exposure. */
  #detector(detector: Detector<unknown>, base: string, placed: Map<Device, Placement>): void {
    this.#action(
      `${detector.name}.acquire`,
      "bo",
      `${base}:Acquire`,
      async (value) => {
        if (Number(value) === 0) return 0;
        await detector.trigger();
        // Every reading is in its record before the put completes: a client reads them next.
        const readings = await detector.read();
        for (const [key, reading] of Object.entries(readings)) {
          const channel = this.channels.get(key);
          if (channel instanceof SignalChannel) channel.offer(reading);
        }
        return 0;
      },
      [
        ["ZNAM", "Done"],
        ["ONAM", "Acquire"],
      ],
    );
    placed.set(detector.exposure, { name: `${base}:AcquireTime` });
  }

  /** The temperature under the base name; `:Setpoint` sets it, completing once settled. */
  async #temperature(
    device: TemperatureController,
    base: string,
    placed: Map<Device, Placement>,
  ): Promise<void> {
    // Units, precision and the first value as the setpoint signal has them.
    const key = this.#unreachable ? undefined : await describeOf(device.setpoint);
    const initial = this.#unreachable
      ? undefined
      : await initialText(device.setpoint, numberMapping);
    const write = async (value: FieldValue): Promise<undefined> => {
      await device.set(Number(value));
      return undefined;
    };
    const fields = metadataFields("ao", key, device.setpoint);
    if (initial !== undefined) fields.push(["VAL", initial]);
    this.#action(`${device.name}.set`, "ao", `${base}:Setpoint`, write, fields);
    placed.set(device.temperature, { name: base });
    placed.set(device.setpoint, { name: `${base}:Setpoint_RBV`, readOnly: true });
    placed.set(device.rampRate, { name: `${base}:RampRate` });
    placed.set(device.heater, { name: `${base}:Heater` });
  }

  #action(
    address: string,
    type: string,
    name: string,
    write: (value: FieldValue) => Promise<FieldValue | undefined>,
    fields: [string, string][] = [],
  ): void {
    this.channels.set(
      address,
      this.#unreachable ? new UnreachableChannel(this.#unreachable) : new ActionChannel(write),
    );
    this.#add(outputRecord(type, name, address, fields, undefined), address);
  }

  #add(plan: RecordPlan, serves: string): void {
    const earlier = this.#serving.get(plan.name);
    if (earlier !== undefined) {
      throw new Error(`record "${plan.name}" would serve both ${earlier} and ${serves}`);
    }
    this.#serving.set(plan.name, serves);
    this.records.push(plan);
  }

  async #signal(
    signal: SignalR<unknown>,
    { name, readOnly }: Placement,
    scan: string,
  ): Promise<void> {
    const types = recordTypesOf(signal);
    const key = this.#unreachable ? undefined : await describeOf(signal);
    const address = signal.name;
    if (this.#unreachable) {
      this.channels.set(address, new UnreachableChannel(this.#unreachable));
    } else {
      const channel = new SignalChannel(signal, types.mapping);
      // Asked now, so a periodic record's first pass has the device's value, not UDF.
      channel.read(() => undefined);
      this.channels.set(address, channel);
    }
    const input = (recordName: string): RecordPlan =>
      inputRecord(types.input, recordName, address, scan, metadataFields(types.input, key, signal));
    if (readOnly || !isWritable(signal)) {
      this.#add(input(name), address);
      return;
    }
    const initial = this.#unreachable ? undefined : await initialText(signal, types.mapping);
    const metadata = metadataFields(types.output, key, signal);
    this.#add(outputRecord(types.output, name, address, metadata, initial), address);
    this.#add(input(`${name}_RBV`), `${address} (its readback)`);
  }
}

/** The innermost reasons of a connect failure, on one line (AMSG shows one). */
function causeOf(error: Error): string {
  if (!(error instanceof NotConnectedError)) return error.message;
  return [...error.failures.values()].map(causeOf).join("; ");
}

/** The signals and motors of a device's tree, leaves first found first. */
function leaves(device: Device): (SignalR<unknown> | Motor)[] {
  const found: (SignalR<unknown> | Motor)[] = [];
  for (const child of device.children().values()) {
    if (child instanceof SignalR || child instanceof Motor)
      found.push(child as SignalR<unknown> | Motor);
    else found.push(...leaves(child));
  }
  return found;
}

/** ":range" for the signal read as `det_range`; "" for the device's primary reading. */
function suffixOf(root: Device, leaf: Device): string {
  return leaf.name === root.name ? "" : `:${leaf.name.slice(root.name.length + 1)}`;
}

async function describeOf<T>(signal: SignalR<T>): Promise<DataKey | undefined> {
  try {
    return Object.values(await signal.describe())[0];
  } catch {
    return undefined;
  }
}

/** The device's value as an output record starts (asyn's initial readback); none if it cannot say. */
async function initialText<T>(
  signal: SignalR<T>,
  mapping: ValueMapping,
): Promise<string | undefined> {
  try {
    const value = mapping.toField(await signal.get());
    if (typeof value === "number" || typeof value === "string") return String(value);
    return undefined;
  } catch {
    return undefined;
  }
}

/** The records, channels and motors that serve `devices`, named as `options` say. */
export async function serveDevicesAs(
  devices: ReadonlyMap<string, Device>,
  options: ServeDevicesOptions = {},
): Promise<ServedDevices> {
  const builder = new Builder(options);
  for (const [name, device] of devices) await builder.serve(name, device);
  const { records, channels, motors, unconnected } = builder;
  return { database: databaseRecords(records), channels, motors, unconnected };
}
