import type { Clock, Device } from "../core/index.js";
import { NotConnectedError, VirtualClock, realClock } from "../core/index.js";
import { Beamline } from "./beamline.js";
import type { BeamlineConfig, DeviceConfig } from "./beamline-config.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { dependencyOrder } from "./device-references.js";
import { deviceSeed } from "./device-seed.js";
import { driverRegistry } from "./drivers/index.js";
import type { DriverRegistry } from "./registry.js";

export interface BuildDevicesOptions {
  /** Default: a VirtualClock at 0 when every device is simulated, else the real clock. */
  clock?: Clock;
  /** Base seed of the simulated devices (default 0); each gets its own from it and its name. */
  seed?: number;
  /** Seconds each device may take to connect (default 10). */
  connectTimeout?: number;
  registry?: DriverRegistry;
}

/**
 * Builds every device of a loaded config, references first, then connects them all.
 * Devices that fail to build are reported together as a ConfigError at their entries;
 * devices that fail to connect together as one NotConnectedError naming each.
 */
export async function buildDevices(
  config: BeamlineConfig,
  options: BuildDevicesOptions = {},
): Promise<Beamline> {
  const { seed = 0, connectTimeout = 10, registry = driverRegistry } = options;
  const clock = options.clock ?? (config.isSimulated ? new VirtualClock() : realClock);
  const built = new Map<string, Device>();
  const shared = new Map<string, unknown>();
  const problems: ConfigProblem[] = [];
  for (const device of dependencyOrder(config.devices)) {
    try {
      built.set(device.name, await buildOne(device, { clock, seed, registry, built, shared }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      problems.push({ ...device.source, path: `devices.${device.name}`, message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Config order, whatever order they were built in.
  const devices = new Map(config.devices.map((d) => [d.name, built.get(d.name)!]));
  await connectAll(config.file, devices, connectTimeout);
  return new Beamline(config, clock, devices);
}

async function buildOne(
  device: DeviceConfig,
  context: {
    clock: Clock;
    seed: number;
    registry: DriverRegistry;
    built: ReadonlyMap<string, Device>;
    shared: Map<string, unknown>;
  },
): Promise<Device> {
  const { name, driver, references } = device;
  const spec = context.registry.get(driver);
  if (!spec) throw new Error(context.registry.unknownDriverMessage(driver));
  const missing = references.filter((r) => !context.built.has(r));
  if (missing.length > 0) throw new Error(`not built, because ${missing.join(", ")} could not be`);
  const built = await spec.build({
    name,
    params: device.params,
    clock: context.clock,
    seed: deviceSeed(context.seed, name),
    kind: device.kind,
    labels: device.labels,
    transport: device.transport,
    ...(device.units !== undefined ? { units: device.units } : {}),
    ...(device.limits ? { limits: device.limits } : {}),
    shared: <T>(key: string, make: () => T): T => {
      if (!context.shared.has(key)) context.shared.set(key, make());
      return context.shared.get(key) as T;
    },
    device: (other) => {
      const found = context.built.get(other);
      if (!found)
        throw new Error(`${name} needs ${other}, which is not built (list it in references)`);
      return found;
    },
  });
  if (built.name !== name) built.setName(name);
  return built;
}

async function connectAll(
  file: string,
  devices: ReadonlyMap<string, Device>,
  timeout: number,
): Promise<void> {
  const failures = new Map<string, Error>();
  await Promise.all(
    [...devices].map(async ([name, device]) => {
      try {
        await device.connect({ timeout });
      } catch (error) {
        failures.set(name, error instanceof Error ? error : new Error(String(error)));
      }
    }),
  );
  if (failures.size > 0) throw new NotConnectedError(file, failures);
}
