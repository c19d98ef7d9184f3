import { isAbsolute, relative, resolve } from "node:path";
import type { BeamlineConfig } from "./beamline-config.js";
import { didYouMean } from "./close-names.js";
import { referenceCycles } from "./device-references.js";
import { driverRegistry } from "./drivers/index.js";
import type { Environment } from "./env-substitution.js";
import { ProblemList } from "./problem-list.js";
import { type Profile, profileSchema } from "./profile.js";
import { readConfigTree } from "./read-config-tree.js";
import type { DriverRegistry } from "./registry.js";
import { type ResolvedDevice, resolveDevice } from "./resolve-device.js";

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
  };
}

function checkProfile(profile: string | undefined, file: string, problems: ProblemList): Profile {
  if (profile === undefined || profile === "") return "real";
  const parsed = profileSchema.safeParse(profile);
  if (parsed.success) return parsed.data;
  problems.addFileProblem(file, `unknown profile "${profile}" (expected "sim", "real" or "mock")`);
  return "real";
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
