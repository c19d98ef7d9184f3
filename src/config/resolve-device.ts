import type { DeviceConfig } from "./beamline-config.js";
import { deviceSchema, splitEntry, twinSchema } from "./device-schema.js";
import { describeValue } from "./issue-messages.js";
import type { ProblemList } from "./problem-list.js";
import type { Profile } from "./profile.js";
import type { RawDevice } from "./read-config-tree.js";
import type { DriverRegistry, DriverSpec } from "./registry.js";
import { schemaKeysAt } from "./schema-keys.js";
import type { PathSegment } from "./source-file.js";
import { type Transport, simTransport } from "./transport-schema.js";

/** A checked device and where its parameters are, to place later problems. */
export interface ResolvedDevice {
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
export function resolveDevice(
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
