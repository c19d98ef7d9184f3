// Loading a config: loadConfig reads a file (read-config-tree.ts), checks each device
// against its driver for the profile and the references between devices, and returns a
// BeamlineConfig; loadBeamline goes on to build and connect its devices (build-devices.ts).
import { isAbsolute, relative, resolve } from "node:path";
import type { z } from "zod";
import { type Beamline, type BuildDevicesOptions, buildDevices } from "./build-devices.js";
import { ProblemList, describeValue, didYouMean, schemaKeysAt } from "./config-error.js";
import {
  type BeamlineConfig,
  type DeviceConfig,
  type IocSection,
  type ServedDevice,
  type Profile,
  type Transport,
  deviceSchema,
  profileSchema,
  simTransport,
  twinSchema,
} from "./config-schema.js";
import { driverRegistry } from "./drivers/index.js";
import {
  type Environment,
  type RawDevice,
  type RawIocSection,
  readConfigTree,
} from "./read-config-tree.js";
import type { DriverRegistry, DriverSpec } from "./registry.js";
import { socketsSectionOf } from "./sockets-section.js";
import type { PathSegment } from "./source-file.js";

export interface LoadConfigOptions {
  /** "sim" builds the `sim:` twins; "real", "" or none the devices' own drivers. */
  profile?: string;
  /** For `${VAR}` substitution (default process.env). */
  env?: Environment;
  registry?: DriverRegistry;
}

/**
 * Reads a YAML config with its includes, substitutes the environment, checks everything
 * and resolves each device for the profile. Throws one ConfigError listing every problem.
 */
export async function loadConfig(
  path: string,
  options: LoadConfigOptions = {},
): Promise<BeamlineConfig> {
  const { env = process.env, registry = driverRegistry } = options;
  const absolute = resolve(path);
  // Problems name files the way the caller named the main one.
  const show = isAbsolute(path)
    ? (file: string) => file
    : (file: string) => relative(process.cwd(), file);
  const problems = new ProblemList();
  const profile = checkProfile(options.profile, show(absolute), problems);
  problems.throwIfAny(); // with an unknown profile every later problem would be a guess
  const tree = await readConfigTree(absolute, { env, problems, show });
  const resolved: ResolvedDevice[] = [];
  for (const raw of tree.devices.values()) {
    const device = resolveDevice(raw, profile, registry, problems);
    if (device) resolved.push(device);
  }
  checkReferences(resolved, [...tree.devices.keys()], problems);
  const ioc = tree.ioc ? iocSectionOf(tree.ioc, [...tree.devices.keys()], problems) : undefined;
  const sockets = tree.sockets
    ? socketsSectionOf(tree.sockets, [...tree.devices.keys()], problems)
    : undefined;
  problems.throwIfAny();
  const devices = resolved.map((d) => d.config);
  return {
    file: show(absolute),
    files: tree.files.map((f) => f.file),
    profile,
    metadata: tree.metadata,
    devices,
    // Mocked devices wait on nothing real either: the run may take virtual time.
    isSimulated: profile === "mock" || devices.every((d) => d.simulated),
    ...(ioc ? { ioc } : {}),
    ...(sockets ? { sockets } : {}),
  };
}

/** The `ioc:` section with its device list checked against the config's devices. */
function iocSectionOf(
  { section, source }: RawIocSection,
  known: readonly string[],
  problems: ProblemList,
): IocSection {
  if (section.devices === undefined) return { prefix: section.prefix };
  const entries: [string, ServedDevice][] = Array.isArray(section.devices)
    ? section.devices.map((name) => [name, {}])
    : Object.entries(section.devices).map(([name, settings]) => [name, settings ?? {}]);
  entries.forEach(([name], index) => {
    if (known.includes(name)) return;
    const listed = Array.isArray(section.devices);
    const hint = didYouMean(name, known, ` (devices: ${known.join(", ") || "none"})`);
    const path = ["ioc", "devices", listed ? index : name];
    problems.add(source, path, `no device "${name}" to serve${hint}`, listed ? "value" : "key");
  });
  return { prefix: section.prefix, devices: new Map(entries) };
}

export type LoadBeamlineOptions = LoadConfigOptions & Omit<BuildDevicesOptions, "registry">;

/** loadConfig, then buildDevices: a config file to connected devices. */
export async function loadBeamline(
  path: string,
  options: LoadBeamlineOptions = {},
): Promise<Beamline> {
  const config = await loadConfig(path, options);
  return buildDevices(config, options);
}

function checkProfile(profile: string | undefined, file: string, problems: ProblemList): Profile {
  if (profile === undefined || profile === "") return "real";
  const parsed = profileSchema.safeParse(profile);
  if (parsed.success) return parsed.data;
  problems.addFileProblem(file, `unknown profile "${profile}" (expected "sim", "real" or "mock")`);
  return "real";
}

/** A checked device and where its parameters are, to place later problems. */
interface ResolvedDevice {
  readonly config: DeviceConfig;
  readonly raw: RawDevice;
  readonly paramsPath: readonly PathSegment[];
}

/** One driver entry (the device's own, or its `sim:` twin) to check. */
interface DriverEntry {
  driver: string;
  params: Record<string, unknown>;
  path: readonly PathSegment[];
  /** Built in this profile: only then is an unknown driver an error. */
  chosen: boolean;
  /** The common keys of this entry, for "did you mean" on an unknown key. */
  commonKeys: readonly string[];
  limits?: readonly [number, number];
  units?: string;
  /** The entry's own transport; a twin has none. */
  transport?: Transport;
}

interface Checked {
  spec: DriverSpec<unknown>;
  params: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks one device entry and resolves it for `profile`: under "sim" a device with a
 * `sim:` block is built by its twin, keeping its name, kind and labels (and its limits and
 * units unless the twin gives its own). Every problem goes to the list; the result is
 * undefined when the device cannot be built.
 */
function resolveDevice(
  raw: RawDevice,
  profile: Profile,
  registry: DriverRegistry,
  problems: ProblemList,
): ResolvedDevice | undefined {
  const { source, name } = raw;
  const base = ["devices", name];
  if (!isRecord(raw.entry)) {
    problems.add(source, base, `expected a mapping with a driver, got ${describeValue(raw.entry)}`);
    return undefined;
  }
  const split = splitEntry(raw.entry, deviceSchema);
  const parsed = deviceSchema.safeParse(split.common, { reportInput: true });
  if (!parsed.success) problems.addIssues(source, base, parsed.error);
  const entry = parsed.success ? parsed.data : undefined;

  let twin: DriverEntry | undefined;
  if (isRecord(split.common.sim)) {
    const twinPath = [...base, "sim"];
    const twinSplit = splitEntry(split.common.sim, twinSchema);
    const twinParsed = twinSchema.safeParse(twinSplit.common, { reportInput: true });
    if (twinParsed.success) {
      twin = {
        ...twinParsed.data,
        params: twinSplit.params,
        path: twinPath,
        chosen: profile === "sim",
        commonKeys: Object.keys(twinSchema.shape),
      };
    } else problems.addIssues(source, twinPath, twinParsed.error);
  }
  const driver = typeof split.common.driver === "string" ? split.common.driver : undefined;
  const own: DriverEntry | undefined = driver
    ? {
        driver,
        params: split.params,
        path: base,
        chosen: !(profile === "sim" && isRecord(split.common.sim)),
        commonKeys: Object.keys(deviceSchema.shape),
        limits: entry?.limits,
        units: entry?.units,
        transport: entry?.transport,
      }
    : undefined;
  const ownChecked = own && checkDriver(raw, own, registry, problems);
  const twinChecked = twin && checkDriver(raw, twin, registry, problems);
  const useTwin = profile === "sim" && twin !== undefined;
  const brokenTwin = profile === "sim" && isRecord(split.common.sim) && !twin;
  const chosen = useTwin ? twinChecked : ownChecked;
  if (!entry || !chosen || brokenTwin) return undefined;

  const { spec, params } = chosen;
  // A twin inherits the device's limits and units when its driver takes them.
  const limits = spec.takes?.limits
    ? ((useTwin ? twin?.limits : undefined) ?? entry.limits)
    : undefined;
  const units = spec.takes?.units
    ? ((useTwin ? twin?.units : undefined) ?? entry.units)
    : undefined;
  const config: DeviceConfig = {
    name,
    driver: spec.name,
    params,
    kind: entry.kind,
    labels: entry.labels,
    ...(limits ? { limits } : {}),
    ...(units !== undefined ? { units } : {}),
    transport: useTwin ? simTransport : (entry.transport ?? simTransport),
    references: spec.references?.(params) ?? [],
    simulated: spec.name.startsWith("sim."),
    realDriver: entry.driver,
    source: { file: source.file, ...source.locate(base, "key") },
  };
  return { config, raw, paramsPath: useTwin ? [...base, "sim"] : base };
}

/** Checks an entry against its driver: parameters, the common keys it takes, its transport. */
function checkDriver(
  raw: RawDevice,
  entry: DriverEntry,
  registry: DriverRegistry,
  problems: ProblemList,
): Checked | undefined {
  const { source } = raw;
  const { driver, params, path } = entry;
  const spec = registry.get(driver);
  if (!spec) {
    if (entry.chosen)
      problems.add(source, [...path, "driver"], registry.unknownDriverMessage(driver));
    return undefined;
  }
  let ok = true;
  const fail = (at: PathSegment[], message: string): void => {
    problems.add(source, [...path, ...at], message);
    ok = false;
  };
  if (entry.limits && !spec.takes?.limits) fail(["limits"], `${driver} takes no limits`);
  if (entry.units !== undefined && !spec.takes?.units) fail(["units"], `${driver} takes no units`);
  const { transport } = entry;
  if (spec.transports) {
    const wanted = spec.transports.join(" or ");
    if (!transport) fail(["transport"], `missing, expected a ${wanted} transport`);
    else if (!spec.transports.includes(transport.type)) {
      fail(["transport", "type"], `${driver} needs a ${wanted} transport, got "${transport.type}"`);
    }
  } else if (transport && transport.type !== "sim") {
    fail(["transport"], `${driver} is simulated and takes no ${transport.type} transport`);
  }
  const parsed = spec.params.safeParse(params, { reportInput: true });
  if (!parsed.success) {
    problems.addIssues(source, path, parsed.error, (at) =>
      at.length === 0
        ? [...(schemaKeysAt(spec.params, params, at) ?? []), ...entry.commonKeys]
        : schemaKeysAt(spec.params, params, at),
    );
    return undefined;
  }
  return ok ? { spec, params: parsed.data } : undefined;
}

/** Splits an entry into the keys `schema` knows and the driver's parameters. */
function splitEntry(
  entry: Record<string, unknown>,
  schema: z.ZodObject,
): { common: Record<string, unknown>; params: Record<string, unknown> } {
  const common: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    (key in schema.shape ? common : params)[key] = value;
  }
  return { common, params };
}

/** Every reference names a device of the config, and no device depends on itself. */
function checkReferences(
  devices: readonly ResolvedDevice[],
  names: readonly string[],
  problems: ProblemList,
): void {
  const at = (device: ResolvedDevice, name: string) =>
    device.raw.source.findScalar(device.paramsPath, name) ?? device.paramsPath;
  for (const device of devices) {
    for (const name of device.config.references) {
      if (names.includes(name)) continue;
      problems.add(
        device.raw.source,
        at(device, name),
        `unknown device "${name}"${didYouMean(name, names)}`,
      );
    }
  }
  const byName = new Map(devices.map((d) => [d.config.name, d]));
  for (const cycle of referenceCycles(devices.map((d) => d.config))) {
    const first = byName.get(cycle[0]!)!;
    problems.add(first.raw.source, at(first, cycle[1]!), `reference cycle: ${cycle.join(" → ")}`);
  }
}

/**
 * The reference cycles among `devices`, each once, as the names along it with the first
 * repeated at the end: [["a", "b", "a"]]. Self-references count: [["a", "a"]].
 */
export function referenceCycles(
  devices: ReadonlyArray<Pick<DeviceConfig, "name" | "references">>,
): string[][] {
  const byName = new Map(devices.map((d) => [d.name, d]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (name: string): void => {
    state.set(name, "visiting");
    stack.push(name);
    for (const next of byName.get(name)?.references ?? []) {
      if (!byName.has(next)) continue;
      const seen = state.get(next);
      if (seen === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (seen === undefined) visit(next);
    }
    stack.pop();
    state.set(name, "done");
  };
  for (const device of devices) if (!state.has(device.name)) visit(device.name);
  return cycles;
}
