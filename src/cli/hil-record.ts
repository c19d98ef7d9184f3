// `hil record <config> <device> <out>`: builds one device of a config with its transport
// wrapped by a cassette recorder, runs a short check (connect, read, read the configuration)
// and leaves the traffic in a cassette that `hil replay` (or a test) plays back without the
// instrument. The header keeps the device's config entry, so a replay needs nothing else.
import { z } from "zod";
import type { Clock, DataKeys, Device, Readings } from "../core/index.js";
import { isConfigurable, realClock } from "../core/index.js";
import type { DeviceConfig, Transport } from "../config/index.js";
import {
  UnknownDeviceError,
  byteTransport,
  driverRegistry,
  loadConfig,
  portKey,
  transportSchema,
} from "../config/index.js";
import type {
  ByteTransport,
  CassetteWriterOptions,
  ModbusClientLike,
} from "../transports/index.js";
import {
  CassetteRecorder,
  CassetteWriter,
  ModbusClient,
  recordModbus,
} from "../transports/index.js";
import { Smc100Motor, smc100Channel } from "../../drivers/newport-smc100/index.js";
import { Eurotherm3200 } from "../../drivers/eurotherm-3200/index.js";
import { UsageError } from "./usage-error.js";

/** Where a command's lines go: `out` for results, `err` for problems (default the console). */
export interface CommandOutput {
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export interface RecordCommandOptions extends CommandOutput {
  /** The config's profile; a simulated device has no traffic, so "sim" records nothing. */
  profile?: string;
  /** Seconds the device may take to connect (default 10). */
  connectTimeout?: number;
}

/** The device entry a cassette header keeps (`meta.device`): enough to build it again. */
export const recordedDeviceSchema = z.object({
  name: z.string().min(1),
  driver: z.string().min(1),
  params: z.unknown(),
  units: z.string().optional(),
  limits: z.tuple([z.number(), z.number()]).optional(),
  transport: transportSchema,
});

export type RecordedDevice = z.infer<typeof recordedDeviceSchema>;

/** A device built on a recorder or a player, and how to let go of its port. */
export interface CassetteDevice {
  readonly device: Device;
  close(): Promise<void>;
}

/**
 * How to build a device of one driver on a given link. The config's drivers make their own
 * transports; these take the recorder or the player instead (see the note on wiring).
 */
export type CassetteDriver =
  | {
      readonly kind: "bytes";
      build(device: RecordedDevice, link: ByteTransport, clock: Clock): CassetteDevice;
    }
  | {
      readonly kind: "modbus";
      build(device: RecordedDevice, link: ModbusClientLike, clock: Clock): CassetteDevice;
    };

interface Smc100Params {
  address: number;
  homeOnConnect: boolean;
  pollPeriod?: number;
  timeout?: number;
  retries?: number;
}

interface EurothermParams {
  decimalPlaces: number;
  region: "scaled" | "float";
  remoteSetpoint: boolean;
  tolerance?: number;
  settleTime?: number;
  pollPeriod?: number;
  timeout?: number;
}

/** The drivers whose traffic can be recorded and replayed, by config name. */
export const cassetteDrivers: Readonly<Record<string, CassetteDriver>> = {
  "newport.smc100": {
    kind: "bytes",
    build: ({ name, driver, params, units, limits }, link, clock) => {
      const p = checkedParams<Smc100Params>(driver, params);
      const channel = smc100Channel(link, { clock, timeout: p.timeout, retries: p.retries });
      const device = new Smc100Motor({
        name,
        clock,
        channel,
        units,
        limits,
        address: p.address,
        homeOnConnect: p.homeOnConnect,
        pollPeriod: p.pollPeriod,
      });
      return { device, close: () => channel.close() };
    },
  },
  "eurotherm.3200": {
    kind: "modbus",
    build: ({ name, driver, params, units }, link, clock) => {
      const p = checkedParams<EurothermParams>(driver, params);
      const device = new Eurotherm3200({
        name,
        clock,
        client: link,
        units,
        decimalPlaces: p.decimalPlaces,
        region: p.region,
        remoteSetpoint: p.remoteSetpoint,
        tolerance: p.tolerance,
        settleTime: p.settleTime,
        pollPeriod: p.pollPeriod,
      });
      return { device, close: () => link.close() };
    },
  },
};

/** The cassette driver of `driver`, or a UsageError listing those there are. */
export function cassetteDriver(driver: string, what: string): CassetteDriver {
  const found = cassetteDrivers[driver];
  if (found) return found;
  const known = Object.keys(cassetteDrivers).join(", ");
  throw new UsageError(
    `${what}: driver ${driver} cannot be recorded or replayed (these can: ${known})`,
  );
}

/** The driver's parameters as its config schema checks them (with its defaults). */
function checkedParams<P>(driver: string, params: unknown): P {
  const spec = driverRegistry.get(driver);
  if (!spec) throw new UsageError(driverRegistry.unknownDriverMessage(driver));
  const parsed = spec.params.safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") ?? "";
    throw new UsageError(`${driver}: bad parameters: ${path ? `${path}: ` : ""}${issue?.message}`);
  }
  return parsed.data as P;
}

/** `hil record`: returns 0 when the check ran, 1 when the device failed it (the cassette stays). */
export async function recordCommand(
  config: string,
  device: string,
  out: string,
  options: RecordCommandOptions = {},
): Promise<number> {
  const { profile, connectTimeout = 10 } = options;
  const print = options.out ?? ((line: string) => console.log(line));
  const complain = options.err ?? ((line: string) => console.error(line));
  const loaded = await loadConfig(config, { profile });
  const entry = loaded.devices.find((d) => d.name === device);
  if (!entry) {
    throw new UnknownDeviceError(
      device,
      loaded.devices.map((d) => d.name),
      loaded.file,
    );
  }
  if (entry.simulated) {
    throw new UsageError(
      `${device} is simulated (driver ${entry.driver}) in ${loaded.file}: there is no traffic ` +
        "to record (record the real device, without --profile sim)",
    );
  }
  const driver = cassetteDriver(entry.driver, `${loaded.file}: ${device}`);
  const recorded = recordedDevice(entry);
  const port = portKey(entry.transport);
  const writer = createWriter(out, {
    kind: driver.kind,
    recorded: `hil record: ${device} (${entry.driver}) on ${port}, from ${loaded.file}: connect and read`,
    clock: realClock,
    meta: { tool: "hil record", check: "connect-read", device: recorded },
  });
  let built: CassetteDevice | undefined;
  try {
    built =
      driver.kind === "bytes"
        ? driver.build(
            recorded,
            new CassetteRecorder(byteTransport(entry.transport), writer),
            realClock,
          )
        : driver.build(
            recorded,
            recordModbus(modbusClient(entry.transport, entry.params), writer),
            realClock,
          );
    await runCheck(built.device, connectTimeout, print);
    print(`recorded ${writer.events} events to ${out}`);
    return 0;
  } catch (error) {
    complain(`hil record: ${(error as Error).message}`);
    complain(`${out} keeps the ${writer.events} events recorded before that`);
    return 1;
  } finally {
    await built?.close().catch(() => undefined);
    writer.close();
  }
}

/**
 * The check both commands run: connect, read, read the configuration, each value printed
 * as `field  value units`. The same lines from `hil record` and `hil replay` mean the replay
 * gave the driver what the instrument did.
 */
export async function runCheck(
  device: Device,
  connectTimeout: number,
  print: (line: string) => void,
): Promise<void> {
  await device.connect({ timeout: connectTimeout });
  const readings = await device.read();
  const keys = await device.describe();
  printReadings(readings, keys, print);
  if (isConfigurable(device)) {
    const configuration = await device.readConfiguration();
    printReadings(configuration, await device.describeConfiguration(), print);
  }
}

function printReadings(readings: Readings, keys: DataKeys, print: (line: string) => void): void {
  const width = Math.max(0, ...Object.keys(readings).map((field) => field.length));
  for (const [field, { value }] of Object.entries(readings)) {
    const units = keys[field]?.units;
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    print(`${field.padEnd(width)}  ${shown}${units ? ` ${units}` : ""}`);
  }
}

function createWriter(out: string, options: CassetteWriterOptions): CassetteWriter {
  try {
    return new CassetteWriter(out, options);
  } catch (error) {
    throw new UsageError(`cannot write the cassette ${out}: ${(error as Error).message}`);
  }
}

function recordedDevice(entry: DeviceConfig): RecordedDevice {
  return {
    name: entry.name,
    driver: entry.driver,
    params: entry.params,
    ...(entry.units !== undefined ? { units: entry.units } : {}),
    ...(entry.limits ? { limits: [entry.limits[0], entry.limits[1]] as [number, number] } : {}),
    transport: entry.transport,
  };
}

/** The Modbus client a Modbus driver's `transport:` entry describes (not connected yet). */
function modbusClient(transport: Transport, params: unknown): ModbusClient {
  const { timeout } = (params ?? {}) as { timeout?: number };
  switch (transport.type) {
    case "modbus-tcp":
      return new ModbusClient({
        host: transport.host,
        port: transport.port,
        unitId: transport.unitId,
        timeout,
      });
    case "modbus-rtu":
      return new ModbusClient({
        path: transport.path,
        baudRate: transport.baud,
        parity: transport.parity,
        unitId: transport.unitId,
        timeout,
      });
    default:
      throw new UsageError(`a ${transport.type} transport carries no Modbus to record`);
  }
}
