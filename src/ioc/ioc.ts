// An IOC: database files loaded into records, restored from autosave, served over Channel
// Access, with access security when an .acf file is given. `hil ioc` runs one; tests and
// programs start one in-process.
import { type Clock, type Device, realClock } from "../core/index.js";
import { CaServer } from "../ca/index.js";
import { Autosave, type AutosaveOptions, autosaveFieldsOf } from "./autosave/index.js";
import { type DbSource, loadDatabase, nodeFileAccess, type FileAccess } from "./db/index.js";
import { loadAcf } from "./access/index.js";
import { recordAccess } from "./record-access.js";
import { serveDevicesAs, type ServeDevicesOptions, type ServedDevices } from "./devices/index.js";
import {
  deviceMotors,
  type DeviceChannels,
  fieldTexts,
  IocDatabase,
  IocProvider,
  motorSupport,
  putText,
  type RecordSupport,
} from "./records/index.js";

export interface IocOptions {
  /** .db, .template and .substitutions files with their macros, loaded in order. */
  readonly sources: readonly DbSource[];
  readonly includePaths?: readonly string[];
  /** TCP and UDP port (default EPICS_CAS_SERVER_PORT, else 5064; 0 for a free one). */
  readonly port?: number;
  /** Addresses to serve on (default EPICS_CAS_INTF_ADDR_LIST, else all). */
  readonly interfaces?: readonly string[];
  /** EPICS_CAS_* for the server and EPICS_CA_* for links to other IOCs (default the process's environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  /** The autosave file; fields named in info(autosaveFields) are saved there and restored. */
  readonly autosaveFile?: string;
  /** Longest time from a change to its save, in seconds (default 5, as synApps). */
  readonly autosavePeriod?: number;
  /** An access security file (.acf); without one every client may read and write. */
  readonly acfFile?: string;
  readonly supports?: Readonly<Record<string, RecordSupport>>;
  /** The signals "hil Device" records read and write (devices served as records). */
  readonly deviceChannels?: DeviceChannels;
  /** Devices served as records beside the files' (serveDevicesAs). */
  readonly served?: ServedDevices;
  readonly files?: FileAccess;
}

export class Ioc {
  private constructor(
    readonly database: IocDatabase,
    readonly server: CaServer,
    private readonly autosave: Autosave | undefined,
    private readonly closeSecurity: (() => Promise<void>) | undefined,
  ) {}

  /** Loads, restores, processes PINI records, starts scanning and serves. */
  static async start(given: IocOptions): Promise<Ioc> {
    const options = given.served ? withServed(given, given.served) : given;
    const clock = options.clock ?? realClock;
    const log = options.log ?? (() => {});
    const parsed = loadDatabase(
      options.sources,
      { files: options.files ?? nodeFileAccess, includePaths: options.includePaths },
      options.served?.database,
    );
    const files = options.files ?? nodeFileAccess;
    const acf = options.acfFile ? loadAcf(options.acfFile, { files }) : undefined;
    const database = new IocDatabase(parsed, {
      clock,
      log,
      supports: options.supports,
      deviceChannels: options.deviceChannels,
      // Names that are no record here are other IOCs' PVs, reached as CA links.
      caLinks: { env: options.env, log },
    });
    for (const problem of database.linkProblems) {
      log(`${problem.record}.${problem.field}: ${problem.message}`);
    }
    const autosave = options.autosaveFile
      ? await restoreAndTrack(database, parsed.records, {
          file: options.autosaveFile,
          clock,
          log,
          periodSeconds: options.autosavePeriod,
        })
      : undefined;
    // Rights may change when a CALC rule's input does (here or on another IOC): open
    // channels are told then.
    const rights = { changed: (): void => {} };
    const security = acf
      ? recordAccess(acf, database, {
          log,
          rightsMayHaveChanged: () => rights.changed(),
          env: options.env,
          clock,
        })
      : undefined;
    await database.ready;
    database.start();
    const server = new CaServer({
      provider: new IocProvider(database, security?.access),
      port: options.port,
      interfaces: options.interfaces,
      env: options.env,
      clock,
      log,
    });
    try {
      await server.start();
    } catch (error) {
      await database.stop();
      await security?.close();
      await autosave?.close();
      throw error;
    }
    rights.changed = () => server.refreshAccessRights();
    return new Ioc(database, server, autosave, security?.close);
  }

  async close(): Promise<void> {
    await this.closeSecurity?.();
    await this.database.stop();
    await this.server.close();
    await this.autosave?.close();
  }
}

/**
 * Starts an IOC serving `devices` as records (a Motor as a motor record, a Detector with
 * Acquire/AcquireTime, ...), with any database files beside them.
 */
export async function serveDevices(
  devices: ReadonlyMap<string, Device>,
  options: ServeDevicesOptions &
    Omit<IocOptions, "served" | "sources"> &
    Partial<Pick<IocOptions, "sources">>,
): Promise<Ioc> {
  const served = await serveDevicesAs(devices, options);
  return Ioc.start({ ...options, sources: options.sources ?? [], served });
}

/** The served devices' motors and channels as device support. */
function withServed(options: IocOptions, served: ServedDevices): IocOptions {
  const motors =
    options.supports?.motor ?? motorSupport(deviceMotors(served.motors, served.unconnected));
  return {
    ...options,
    supports: { ...options.supports, motor: motors },
    deviceChannels: (address) => served.channels.get(address) ?? options.deviceChannels?.(address),
  };
}

async function restoreAndTrack(
  database: IocDatabase,
  definitions: ReturnType<typeof loadDatabase>["records"],
  options: AutosaveOptions & { readonly log: (line: string) => void },
): Promise<Autosave> {
  const log = options.log;
  const autosave = new Autosave(options);
  // Its problems have gone to the log already.
  const { values } = await autosave.restore();
  for (const definition of definitions.values()) {
    const record = database.record(definition.name)!;
    for (const { field } of autosaveFieldsOf(definition.infos)) {
      if (!record.info(field)) {
        log(`autosave: ${record.name} has no field ${field}; not saved`);
        continue;
      }
      const pv = `${record.name}.${field}`;
      const saved = values.get(pv);
      if (saved !== undefined) {
        try {
          putText(record, field, saved);
        } catch (error) {
          log(`autosave: ${pv} not restored: ${(error as Error).message}`);
        }
      }
      autosave.track(pv, () => fieldTexts(record.get(field), 14));
      record.watch(field, () => autosave.changed(pv));
    }
  }
  return autosave;
}
