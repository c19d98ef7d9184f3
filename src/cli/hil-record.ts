// `hil record <config> <device> <out>`: builds one device of a config with its link wrapped
// by a cassette recorder, runs a short check (connect, trigger a detector, read, read the
// configuration) and leaves the traffic in a cassette that `hil replay` (or a test) plays
// back without the instrument. Any driver that talks over a port can be recorded: the
// config's build hands each link it makes to a hook, which wraps it. The header keeps the
// device's config entry, so a replay needs nothing else.
import { z } from "zod";
import type { DataKeys, Device, Readings } from "../core/index.js";
import { isConfigurable, isTriggerable, realClock } from "../core/index.js";
import type { DeviceConfig, LinkHook, LinkKind } from "../config/index.js";
import {
  UnknownDeviceError,
  buildDevice,
  linkKind,
  loadConfig,
  portKey,
  transportSchema,
} from "../config/index.js";
import type { CassetteWriterOptions } from "../transports/index.js";
import { CassetteRecorder, CassetteWriter, recordModbus } from "../transports/index.js";
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

/** What the device's transport carries, or a UsageError: a device on no port has no traffic. */
export function recordableKind(device: RecordedDevice, what: string): LinkKind {
  const kind = linkKind(device.transport);
  if (kind) return kind;
  throw new UsageError(
    `${what}: ${device.name} (driver ${device.driver}) talks over no port ` +
      `(transport ${device.transport.type}), so there is no traffic to record or replay`,
  );
}

/** A link the hook handed out, closed when the command ends. */
interface Closable {
  close(): Promise<void>;
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
  if (loaded.profile === "mock") {
    throw new UsageError(
      `${device} is mocked under --profile mock: there is no traffic to record ` +
        "(record the real device, without --profile mock)",
    );
  }
  if (entry.simulated) {
    throw new UsageError(
      `${device} is simulated (driver ${entry.driver}) in ${loaded.file}: there is no traffic ` +
        "to record (record the real device, without --profile sim)",
    );
  }
  const recorded = recordedDevice(entry);
  const kind = recordableKind(recorded, loaded.file);
  const port = portKey(entry.transport);
  const writer = createWriter(out, {
    kind,
    recorded: `hil record: ${device} (${entry.driver}) on ${port}, from ${loaded.file}: connect and read`,
    clock: realClock,
    meta: { tool: "hil record", check: "connect-read", device: recorded },
  });
  const links: Closable[] = [];
  const recording: LinkHook = {
    bytes: (_request, make) => remember(links, new CassetteRecorder(make(), writer)),
    modbus: (_request, make) => remember(links, recordModbus(make(), writer)),
  };
  let built: Device | undefined;
  try {
    built = await buildDevice(entry, { clock: realClock, links: recording });
    await runCheck(built, connectTimeout, print);
    print(`recorded ${writer.events} events to ${out}`);
    return 0;
  } catch (error) {
    complain(`hil record: ${(error as Error).message}`);
    complain(`${out} keeps the ${writer.events} events recorded before that`);
    return 1;
  } finally {
    await closeAll(built, links);
    writer.close();
  }
}

/** Keeps `link` to close later, and returns it. */
export function remember<L extends Closable>(links: Closable[], link: L): L {
  links.push(link);
  return link;
}

/** Disconnects the device, then closes the links it was given (already closed is fine). */
export async function closeAll(
  device: Device | undefined,
  links: readonly Closable[],
): Promise<void> {
  await device?.disconnect().catch(() => undefined);
  await Promise.all(links.map((link) => link.close().catch(() => undefined)));
}

/**
 * The check both commands run: connect, trigger a detector (so its reading is a measurement),
 * read, read the configuration, each value printed as `field  value units`. The same lines
 * from `hil record` and `hil replay` mean the replay gave the driver what the instrument did.
 */
export async function runCheck(
  device: Device,
  connectTimeout: number,
  print: (line: string) => void,
): Promise<void> {
  await device.connect({ timeout: connectTimeout });
  if (isTriggerable(device)) await device.trigger();
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
