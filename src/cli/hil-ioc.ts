// `hil ioc`: serves EPICS database files over Channel Access, as softIoc does. On a terminal
// it offers a small iocsh; otherwise it serves until Ctrl-C or SIGTERM.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { readServerEnvironment } from "../ca/index.js";
import type { Beamline } from "../config/index.js";
import { type Device, Motor, realClock } from "../core/index.js";
import {
  type DbSource,
  deviceMotors,
  Ioc,
  motorSupport,
  parseMacroDefinitions,
  runShellLine,
  serveDevicesAs,
  type ServeDevicesOptions,
} from "../ioc/index.js";
import { UsageError } from "./usage-error.js";
import { untilSignal } from "./until-signal.js";

const optionsSchema = z.object({
  db: z.array(z.string()).default([]),
  substitutions: z.array(z.string()).default([]),
  macros: z.array(z.string()).default([]),
  acf: z.string().optional(),
  autosave: z.string().optional(),
  port: z.number().int().min(0).max(65535).optional(),
  /**
   * A beamline config whose devices are served as records (all, or its `ioc:` section's; beside
   * database files only with that section or --prefix); motor records with DTYP "hil Device",
   * OUT "@m1" in the files drive its device m1.
   */
  config: z.string().optional(),
  profile: z.string().optional(),
  /** Goes before every served device's PV name ("BL:" serves m1 as BL:m1). */
  prefix: z.string().optional(),
  /** Offer the iocsh when stdin is a terminal (commander's default for --no-shell is true). */
  shell: z.boolean().default(true),
});

export type IocCommandOptions = z.input<typeof optionsSchema>;

export async function iocCommand(raw: IocCommandOptions): Promise<number> {
  const options = optionsSchema.parse(raw);
  if (options.db.length === 0 && options.substitutions.length === 0 && !options.config) {
    throw new UsageError("hil ioc: give a --config, or at least one --db or --substitutions file");
  }
  if (options.prefix !== undefined && !options.config) {
    throw new UsageError("hil ioc: --prefix names served devices' PVs; give the --config");
  }
  const macros = new Map<string, string>();
  for (const text of options.macros) {
    const parsed = parseMacroDefinitions(text);
    const problem = parsed.problems[0];
    if (problem) throw new UsageError(`-m "${text}": ${problem.message}`);
    for (const [name, value] of parsed.macros) macros.set(name, value);
  }
  // Caught now rather than as a failed save every period once serving.
  if (options.autosave && !existsSync(dirname(options.autosave))) {
    throw new UsageError(`--autosave ${options.autosave}: no folder ${dirname(options.autosave)}`);
  }
  const sources: DbSource[] = [...options.db, ...options.substitutions].map((path) => ({
    path,
    macros,
  }));
  // A motor record with DTYP "hil Device" and OUT "@m1" drives the config's device m1.
  const loaded = options.config ? await devicesOf(options.config, options.profile) : undefined;
  const beamline = loaded?.beamline;
  const motors = new Map<string, Motor>();
  for (const [name, device] of beamline?.devices ?? []) {
    if (device instanceof Motor) motors.set(name, device);
  }
  let ioc: Ioc;
  try {
    // The devices are the IOC's records unless database files are served; beside those, an
    // ioc: section or --prefix asks for them.
    const files = options.db.length + options.substitutions.length;
    const wanted = files === 0 || options.prefix !== undefined || beamline?.config.ioc;
    const served =
      loaded && wanted ? await serveDevicesAs(...servingOf(loaded, options.prefix)) : undefined;
    ioc = await Ioc.start({
      sources,
      served,
      port: options.port,
      autosaveFile: options.autosave,
      acfFile: options.acf,
      supports: {
        motor: motorSupport(
          deviceMotors(
            new Map([...motors, ...(served?.motors ?? [])]),
            // A served motor's reason is the innermost one, one line for AMSG.
            new Map([...(loaded?.unconnected ?? []), ...(served?.unconnected ?? [])]),
          ),
        ),
      },
      log: (line) => console.error(line),
    });
  } catch (error) {
    await beamline?.close();
    throw error;
  }
  const interactive = options.shell && Boolean(process.stdin.isTTY);
  console.log(
    `hil ioc: ${ioc.database.records.size} records; Channel Access on ${address(ioc)}; ` +
      (interactive ? "help lists the shell's commands" : "Ctrl-C stops it"),
  );
  await (interactive ? runShell(ioc) : untilSignal());
  await ioc.close();
  await beamline?.close();
  return 0;
}

/**
 * The devices the config's `ioc:` section serves (every one without it), with their record
 * names and scans; `--prefix` replaces the section's prefix.
 */
function servingOf(
  { beamline, unconnected }: ServedBeamline,
  prefix: string | undefined,
): [ReadonlyMap<string, Device>, ServeDevicesOptions] {
  const section = beamline.config.ioc;
  const chosen = section?.devices;
  const devices = new Map([...beamline.devices].filter(([name]) => !chosen || chosen.has(name)));
  const names: Record<string, string> = {};
  const scans: Record<string, string> = {};
  for (const [name, settings] of chosen ?? []) {
    if (settings.pv) names[name] = settings.pv;
    if (settings.scan) scans[name] = settings.scan;
  }
  return [devices, { prefix: prefix ?? section?.prefix ?? "", names, scans, unconnected }];
}

/** A config's devices, and those that did not connect with why (served all the same). */
interface ServedBeamline {
  readonly beamline: Beamline;
  readonly unconnected: ReadonlyMap<string, Error>;
}

/** The devices of a config; loaded only when asked for, as the config layer takes a while. */
async function devicesOf(path: string, profile: string | undefined): Promise<ServedBeamline> {
  const { buildDevices, loadConfig } = await import("../config/index.js");
  let unconnected: ReadonlyMap<string, Error> = new Map();
  const beamline = await buildDevices(await loadConfig(path, { profile }), {
    clock: realClock,
    seed: 0,
    // Served all the same, in alarm, as an IOC starts without its hardware.
    keepUnconnected: (error) => {
      unconnected = error.failures;
      console.error(`hil ioc: ${error.message}`);
    },
  });
  return { beamline, unconnected };
}

/** Where clients find it: "127.0.0.1, TCP and UDP port 5064", or every interface. */
function address(ioc: Ioc): string {
  const { tcpPort, udpPort } = ioc.server;
  const listed = readServerEnvironment(process.env).interfaces;
  const hosts = listed.length > 0 ? listed.join(", ") : "every interface";
  const ports =
    tcpPort === udpPort
      ? `TCP and UDP port ${tcpPort}`
      : `TCP port ${tcpPort}, UDP port ${udpPort}`;
  return `${hosts}, ${ports}`;
}

async function runShell(ioc: Ioc): Promise<void> {
  const lines = createInterface({ input: process.stdin, output: process.stdout, prompt: "hil> " });
  const stopped = untilSignal().then(() => lines.close());
  // On a terminal readline takes Ctrl-C itself and closes: that ends the loop below.
  lines.prompt();
  for await (const line of lines) {
    const result = await runShellLine({ database: ioc.database, server: ioc.server }, line);
    if (result.output) console.log(result.output);
    if (result.exit) break;
    lines.prompt();
  }
  lines.close();
  void stopped;
}
