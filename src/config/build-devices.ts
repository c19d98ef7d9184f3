// Building a checked config: each device made by its driver (references first) with the
// transports its entry describes, then all connected, giving a Beamline.
import type { Clock, ConnectOptions, Device } from "../core/index.js";
import { HilError, NotConnectedError, VirtualClock, realClock } from "../core/index.js";
import { SeededRandom } from "../../sim/index.js";
import { ConfigError, type ConfigProblem, didYouMean } from "./config-error.js";
import type { BeamlineConfig, DeviceConfig } from "./config-schema.js";
import { driverRegistry } from "./drivers/index.js";
import type { BuildContext, DriverRegistry, LinkHook, LinkRequest } from "./registry.js";
import { byteTransport, modbusClient, portKey } from "./transport-factory.js";

export interface BuildDevicesOptions {
  /** Default: a VirtualClock at 0 when every device is simulated, else the real clock. */
  clock?: Clock;
  /** Base seed of the simulated devices (default 0); each gets its own from it and its name. */
  seed?: number;
  /** Seconds each device may take to connect (default 10). */
  connectTimeout?: number;
  registry?: DriverRegistry;
  /** Sees each link a driver asks for, to wrap or replace it (default: the config's own). */
  links?: LinkHook;
  /**
   * Keeps the devices that fail to connect instead of failing the build, and is told which:
   * an IOC serves them, INVALID, as EPICS serves records of hardware that is not there.
   */
  keepUnconnected?: (error: NotConnectedError) => void;
}

/** One device to build on its own: an entry of a loaded config, or one kept elsewhere. */
export type DeviceEntry = Pick<DeviceConfig, "name" | "driver" | "params" | "transport"> &
  Partial<Pick<DeviceConfig, "kind" | "labels" | "units" | "limits">>;

export type BuildDeviceOptions = Omit<BuildDevicesOptions, "connectTimeout">;

/** What every device of one build shares. */
interface BuildState {
  readonly clock: Clock;
  readonly seed: number;
  readonly registry: DriverRegistry;
  readonly links: LinkHook;
  readonly built: ReadonlyMap<string, Device>;
  readonly shared: Map<string, unknown>;
}

/**
 * Builds every device of a loaded config, references first, then connects them all (with
 * {mock: true} under the "mock" profile).
 * Devices that fail to build are reported together as a ConfigError at their entries;
 * devices that fail to connect together as one NotConnectedError naming each.
 */
export async function buildDevices(
  config: BeamlineConfig,
  options: BuildDevicesOptions = {},
): Promise<Beamline> {
  const { seed = 0, connectTimeout = 10, registry = driverRegistry, links = {} } = options;
  const clock = options.clock ?? (config.isSimulated ? new VirtualClock() : realClock);
  const built = new Map<string, Device>();
  const state: BuildState = { clock, seed, registry, links, built, shared: new Map() };
  const problems: ConfigProblem[] = [];
  for (const device of dependencyOrder(config.devices)) {
    try {
      built.set(device.name, await buildOne(device, state));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ ...device.source, path: `devices.${device.name}`, message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Config order, whatever order they were built in.
  const devices = new Map(config.devices.map((d) => [d.name, built.get(d.name)!]));
  try {
    await connectAll(config.file, devices, {
      timeout: connectTimeout,
      mock: config.profile === "mock",
    });
  } catch (error) {
    if (error instanceof NotConnectedError && options.keepUnconnected) {
      options.keepUnconnected(error);
      return new Beamline(config, clock, devices);
    }
    // What did connect lets go of its ports and sockets, so the process can end.
    await Promise.allSettled([...devices.values()].map((device) => device.disconnect()));
    throw error;
  }
  return new Beamline(config, clock, devices);
}

/**
 * Builds one device that references no other, without connecting it: for a command about a
 * single device (hil record, hil replay). Its params must be as the driver's schema parsed
 * them. The clock defaults to the real one.
 */
export async function buildDevice(
  device: DeviceEntry,
  options: BuildDeviceOptions = {},
): Promise<Device> {
  const { seed = 0, registry = driverRegistry, links = {}, clock = realClock } = options;
  const state: BuildState = { clock, seed, registry, links, built: new Map(), shared: new Map() };
  const references = registry.get(device.driver)?.references?.(device.params) ?? [];
  if (references.length > 0) {
    throw new Error(
      `${device.name} needs ${references.join(", ")}: build it with its config (buildDevices)`,
    );
  }
  return buildOne({ kind: "normal", labels: [], references, ...device }, state);
}

/** A device name that is not in the beamline. */
export class UnknownDeviceError extends HilError {
  readonly device: string;

  constructor(device: string, known: readonly string[], file: string) {
    const hint = didYouMean(device, known, ` (devices: ${known.join(", ") || "none"})`);
    super("HIL_UNKNOWN_DEVICE", `no device "${device}" in ${file}${hint}`);
    this.device = device;
  }
}

/** The devices built from a config, connected, by name and label. */
export class Beamline {
  readonly config: BeamlineConfig;
  readonly clock: Clock;
  /** Defaults for run start documents. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** In config order. */
  readonly devices: ReadonlyMap<string, Device>;

  constructor(config: BeamlineConfig, clock: Clock, devices: ReadonlyMap<string, Device>) {
    this.config = config;
    this.clock = clock;
    this.metadata = config.metadata;
    this.devices = devices;
  }

  /** Every device was built by a sim.* driver. */
  get isSimulated(): boolean {
    return this.config.isSimulated;
  }

  has(name: string): boolean {
    return this.devices.has(name);
  }

  /** Disconnects every device, closing their ports and sockets, so the process can end. */
  async close(): Promise<void> {
    await Promise.all([...this.devices.values()].map((device) => device.disconnect()));
  }

  /** The device named `name`; throws UnknownDeviceError naming close names. */
  get(name: string): Device {
    const device = this.devices.get(name);
    if (!device) throw new UnknownDeviceError(name, [...this.devices.keys()], this.config.file);
    return device;
  }

  /** The devices carrying `label` (e.g. "baseline"), in config order. */
  withLabel(label: string): Device[] {
    return this.config.devices
      .filter((d) => d.labels.includes(label))
      .map((d) => this.devices.get(d.name))
      .filter((d): d is Device => d !== undefined);
  }
}

async function buildOne(
  device: DeviceEntry & Pick<DeviceConfig, "kind" | "labels" | "references">,
  context: BuildState,
): Promise<Device> {
  const { name, driver, references, transport } = device;
  const spec = context.registry.get(driver);
  if (!spec) throw new Error(context.registry.unknownDriverMessage(driver));
  const missing = references.filter((r) => !context.built.has(r));
  if (missing.length > 0) throw new Error(`not built, because ${missing.join(", ")} could not be`);
  const shared = <T>(key: string, make: () => T): T => {
    if (!context.shared.has(key)) context.shared.set(key, make());
    return context.shared.get(key) as T;
  };
  const request: LinkRequest = { device: name, driver, transport };
  const { links } = context;
  const ctx: BuildContext<unknown> = {
    name,
    params: device.params,
    clock: context.clock,
    seed: deviceSeed(context.seed, name),
    kind: device.kind,
    labels: device.labels,
    transport,
    ...(device.units !== undefined ? { units: device.units } : {}),
    ...(device.limits ? { limits: device.limits } : {}),
    shared,
    byteLink: ({ lineEnd } = {}) => {
      const make = () => byteTransport(transport);
      const asked = lineEnd === undefined ? request : { ...request, lineEnd };
      return links.bytes ? links.bytes(asked, make) : make();
    },
    modbusLink: ({ timeout } = {}) => {
      // One connection per port; each controller on an RS-485 bus answers to its own unit id.
      const make = () => {
        const port = shared(`modbus:${portKey(transport)}`, () => modbusClient(transport, timeout));
        return transport.type === "modbus-tcp" || transport.type === "modbus-rtu"
          ? port.withUnit(transport.unitId)
          : port;
      };
      return links.modbus ? links.modbus(request, make) : make();
    },
    device: (other) => {
      const found = context.built.get(other);
      if (!found)
        throw new Error(`${name} needs ${other}, which is not built (list it in references)`);
      return found;
    },
  };
  const built = await spec.build(ctx);
  if (built.name !== name) built.setName(name);
  return built;
}

async function connectAll(
  file: string,
  devices: ReadonlyMap<string, Device>,
  options: ConnectOptions,
): Promise<void> {
  const failures = new Map<string, Error>();
  await Promise.all(
    [...devices].map(async ([name, device]) => {
      try {
        await device.connect(options);
      } catch (error) {
        failures.set(name, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  if (failures.size > 0) throw new NotConnectedError(file, failures);
}

/**
 * A device's own seed from the base seed and its name alone, so adding or renaming one
 * device never changes the numbers of another.
 */
export function deviceSeed(seed: number, name: string): number {
  return new SeededRandom(seed).fork(name).seed;
}

/**
 * The devices with each one after the devices it references, otherwise in the given order
 * (depth first: a device's references come just before it). References to unknown devices
 * are ignored; in a cycle, which loadConfig refuses, the first device reached comes last.
 */
export function dependencyOrder<D extends Pick<DeviceConfig, "name" | "references">>(
  devices: readonly D[],
): D[] {
  const byName = new Map(devices.map((d) => [d.name, d]));
  const reached = new Set<string>();
  const order: D[] = [];
  const place = (device: D): void => {
    reached.add(device.name);
    for (const name of device.references) {
      const next = byName.get(name);
      if (next && !reached.has(name)) place(next);
    }
    order.push(device);
  };
  for (const device of devices) if (!reached.has(device.name)) place(device);
  return order;
}
