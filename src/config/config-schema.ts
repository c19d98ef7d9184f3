// What a config file may hold, and what loadConfig makes of it: the zod schemas of the file,
// its devices and their transports, then the checked types the rest of the code uses.
import { z } from "zod";
import type { Kind } from "../core/index.js";
import { menus } from "../ioc/index.js";
import type { Position } from "./source-file.js";
import { configNumber, identifierSchema, positive, rangeSchema } from "./value-schemas.js";

/**
 * "sim" builds each device's `sim:` twin; "real" (or none) builds its own driver; "mock"
 * builds its own driver but connects it with {mock: true}, so no transport is opened.
 */
export const profileSchema = z.enum(["sim", "real", "mock"]);

export type Profile = z.infer<typeof profileSchema>;

/** When a served device's input records process: EPICS's SCAN choices. */
const scanSchema = z.enum(menus.menuScan as [string, ...string[]]);

/** How `hil ioc --config` serves one device: its record name and its input records' scan. */
const servedDeviceSchema = z.strictObject({
  pv: z.string().min(1).optional(),
  scan: scanSchema.optional(),
});

/** The `ioc:` section: which devices `hil ioc --config` serves, and under which names. */
export const iocSectionSchema = z.strictObject({
  /** Goes before every PV name ("BL:" serves m1 as BL:m1). */
  prefix: z.string().default(""),
  /** The devices served (default: every one), as a list or with their settings. */
  devices: z
    .union([z.array(identifierSchema), z.record(identifierSchema, servedDeviceSchema.nullish())])
    .optional(),
});

/** A published signal: its reading name (`m1`, `tc1_temperature`), and its own timeout. */
const publishedSignalSchema = z.union([
  z.string().min(1),
  z.strictObject({ signal: z.string().min(1), timeout: positive.nullish() }),
]);

/** One PyExpLabSys data socket of the `sockets:` section. */
const dataSocketSchema = z.strictObject({
  /** date: DateDataPullSocket, data: DataPullSocket, push: DataPushSocket, live: LiveSocket. */
  type: z.enum(["date", "data", "push", "live"]),
  /** What `name` answers (default: the entry's key). */
  name: z.string().min(1).optional(),
  /** The address bound (default 127.0.0.1). */
  host: z.string().min(1).optional(),
  /** The UDP port (default 9000, 9010, 8500, or 8000 for a live socket's pull socket). */
  port: configNumber(z.number().int().min(0).max(65535)).optional(),
  /** Seconds after which a codename's data is OLD_DATA (default: never). */
  timeout: positive.optional(),
  /** Seconds between readings of the published signals (default 1). */
  period: positive.optional(),
  /** Codename → the signal it publishes. */
  codenames: z.record(z.string(), publishedSignalSchema).optional(),
  /** Where a live socket sends its datagrams. */
  liveServer: z
    .strictObject({
      host: z.string().min(1),
      port: configNumber(z.number().int().min(1).max(65535)),
    })
    .optional(),
});

/** The `sockets:` section: device signals published on PyExpLabSys data sockets, by key. */
export const socketsSectionSchema = z.record(identifierSchema, dataSocketSchema);

/** The top level of a config file. */
export const fileSchema = z.strictObject({
  include: z.array(z.string().min(1)).optional(),
  /** Defaults for the run start documents. */
  metadata: z.record(z.string(), z.unknown()).optional(),
  devices: z.record(z.string(), z.unknown()).nullish(),
  ioc: iocSectionSchema.optional(),
  sockets: socketsSectionSchema.optional(),
});

/** One served device's settings from the `ioc:` section. */
export interface ServedDevice {
  /** Its record name without the prefix (default: the device's name). */
  readonly pv?: string;
  readonly scan?: z.infer<typeof scanSchema>;
}

/** The `ioc:` section, checked: `devices` undefined serves every device. */
export interface IocSection {
  readonly prefix: string;
  readonly devices?: ReadonlyMap<string, ServedDevice>;
}

export type DataSocketType = "date" | "data" | "push" | "live";

/** A signal a data socket publishes under a codename. */
export interface PublishedSignal {
  readonly codename: string;
  /** Its reading name, e.g. `m1` or `tc1_temperature`. */
  readonly signal: string;
  /** Seconds after which its data is OLD_DATA; null: never. */
  readonly timeout: number | null;
}

/** One data socket of the `sockets:` section, checked, with its defaults filled in. */
export interface DataSocketConfig {
  /** Its key in the section. */
  readonly key: string;
  readonly type: DataSocketType;
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Seconds between readings of its signals. */
  readonly period: number;
  /** In the file's order; none for a push socket. */
  readonly signals: readonly PublishedSignal[];
  readonly liveServer?: { readonly host: string; readonly port: number };
}

const baud = configNumber(z.number().int().positive());
const port = configNumber(z.number().int().min(1).max(65535));
const unitId = configNumber(z.number().int().min(0).max(255));
const parity = z.enum(["none", "even", "odd", "mark", "space"]).default("none");

/** How a device reaches its controller; the driver opens it, the config only describes it. */
export const transportSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("serial"),
    path: z.string().min(1),
    baud,
    dataBits: configNumber(z.number().int().min(5).max(8)).default(8),
    parity,
    stopBits: configNumber(z.literal([1, 1.5, 2])).default(1),
    flowControl: z.enum(["none", "rtscts", "xonxoff"]).default("none"),
  }),
  z.strictObject({ type: z.literal("tcp"), host: z.string().min(1), port }),
  z.strictObject({
    type: z.literal("modbus-tcp"),
    host: z.string().min(1),
    port: port.default(502),
    unitId,
  }),
  z.strictObject({
    type: z.literal("modbus-rtu"),
    path: z.string().min(1),
    baud,
    parity,
    unitId,
  }),
  z.strictObject({ type: z.literal("ca"), prefix: z.string().min(1) }),
  z.strictObject({ type: z.literal("sim") }),
]);

export type Transport = z.infer<typeof transportSchema>;
export type TransportType = Transport["type"];

/** What a simulated device gets: no wire at all. */
export const simTransport: Transport = { type: "sim" };

/**
 * The keys every device entry may have; the rest of the entry are the driver's parameters,
 * checked by the driver's own schema.
 */
export const deviceSchema = z.object({
  driver: z.string().min(1),
  kind: z.enum(["hinted", "normal", "config", "omitted"]).default("normal"),
  labels: z.array(identifierSchema).default([]),
  limits: rangeSchema.optional(),
  units: z.string().optional(),
  transport: transportSchema.optional(),
  /** The simulated twin, checked by twinSchema and its driver. */
  sim: z.record(z.string(), z.unknown()).optional(),
  /** Replaces a device of the same name from an included file. */
  override: z.boolean().default(false),
});

/** The keys of a `sim:` twin besides its driver's parameters; name, kind and labels are the device's. */
export const twinSchema = z.object({
  driver: z.string().min(1),
  limits: rangeSchema.optional(),
  units: z.string().optional(),
});

/** One device as the chosen profile builds it. */
export interface DeviceConfig {
  readonly name: string;
  /** The driver built in this profile: the twin's under "sim", else the device's own. */
  readonly driver: string;
  /** The driver's parameters as its schema parsed them. */
  readonly params: unknown;
  readonly kind: Kind;
  readonly labels: readonly string[];
  readonly limits?: readonly [number, number];
  readonly units?: string;
  /** `{type: "sim"}` for a simulated device. */
  readonly transport: Transport;
  /** The devices it needs, built before it. */
  readonly references: readonly string[];
  /** Built by a sim.* driver. */
  readonly simulated: boolean;
  /** The device's own `driver:`, even when its twin is built. */
  readonly realDriver: string;
  /** Where the device is defined: its file and the position of its name. */
  readonly source: Position & { readonly file: string };
}

/** A config file with its includes merged, checked and resolved for one profile. */
export interface BeamlineConfig {
  /** The main file, as given. */
  readonly file: string;
  /** Every file read: the main one and its includes. */
  readonly files: readonly string[];
  readonly profile: Profile;
  /** Defaults for run start documents. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** In file order (included devices first, in include order). */
  readonly devices: readonly DeviceConfig[];
  /** Every device is built by a sim.* driver, or all are mocked: pick a VirtualClock. */
  readonly isSimulated: boolean;
  /** How `hil ioc --config` serves the devices; undefined serves every one, unprefixed. */
  readonly ioc?: IocSection;
  /** The data sockets `hil sockets` serves; undefined without a `sockets:` section. */
  readonly sockets?: readonly DataSocketConfig[];
}
