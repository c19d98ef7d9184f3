// Runs EPICS base's softIoc from ../shared/peers/epics; whether it is there (and the skip or
// CI failure when it is not) is peers.ts's `epicsBase()`.
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { epicsFolder } from "./peers.js";
import { unusedPort } from "./unused-port.js";

export { epicsFolder };

const softIocPath = resolve(epicsFolder, "bin/softIoc");
const dbdPath = resolve(epicsFolder, "dbd/softIoc.dbd");

export interface SoftIoc {
  readonly child: ChildProcess;
  /** The CA server port it was given (the beacon port is the next one). */
  readonly port: number;
  /** It printed that initialization is complete before exiting. */
  readonly ready: boolean;
  /** What it printed on stdout and stderr so far, colours removed. */
  readonly output: () => string;
  /** Kills it if it still runs. */
  readonly stop: () => void;
}

const ready = "iocRun: All initialization complete";

/** The CA client and server environment for a softIoc (and caget) on loopback `port`. */
export function caEnvironment(port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${resolve(epicsFolder, "bin")}:${process.env.PATH ?? ""}`,
    EPICS_CA_ADDR_LIST: "127.0.0.1",
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
    EPICS_CAS_SERVER_PORT: String(port),
    EPICS_CA_SERVER_PORT: String(port),
    EPICS_CAS_BEACON_PORT: String(port + 1),
  };
}

/**
 * Starts softIoc on a .db file with `-S` (and `-m macros`, `-a acf`), in `cwd`, on a free
 * port, and settles once it prints that initialization is complete (`ready`) or exits
 * first (not `ready`). If it does neither within `timeoutMs` it is killed and the promise
 * rejects.
 */
export async function startSoftIoc(
  dbFile: string,
  {
    macros = "",
    acf,
    cwd,
    timeoutMs = 10_000,
  }: { macros?: string; acf?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<SoftIoc> {
  const args = [...(macros ? ["-m", macros] : []), ...(acf ? ["-a", acf] : []), "-d", dbFile];
  return spawnSoftIoc(args, cwd, timeoutMs);
}

/**
 * Starts softIoc on an iocsh script (dbLoadRecords, dbLoadTemplate, ..., iocInit), in `cwd`,
 * on a free port, as startSoftIoc does for one .db file.
 */
export function startSoftIocScript(
  script: string,
  { cwd, timeoutMs = 10_000 }: { cwd?: string; timeoutMs?: number } = {},
): Promise<SoftIoc> {
  return spawnSoftIoc([script], cwd, timeoutMs);
}

async function spawnSoftIoc(
  loadArgs: readonly string[],
  cwd: string | undefined,
  timeoutMs: number,
): Promise<SoftIoc> {
  const port = await unusedPort();
  const args = ["-D", dbdPath, "-S", ...loadArgs];
  const child = spawn(softIocPath, args, {
    cwd,
    env: caEnvironment(port),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let raw = "";
  // eslint-disable-next-line no-control-regex
  const output = (): string => raw.replace(/\x1b\[[0-9;]*m/g, "");
  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  const started = await new Promise<boolean>((done, fail) => {
    const finish = (isReady: boolean): void => {
      clearTimeout(timer);
      done(isReady);
    };
    const timer = setTimeout(() => {
      stop();
      fail(new Error(`softIoc neither served nor exited in ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    const take = (chunk: Buffer): void => {
      raw += chunk.toString();
      if (raw.includes(ready)) finish(true);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", () => finish(raw.includes(ready)));
    child.on("error", (e) => {
      clearTimeout(timer);
      fail(e);
    });
  });
  return { child, port, ready: started, output, stop };
}

export interface SoftIocLoad {
  /** softIoc loaded the files and printed that it serves. */
  readonly accepted: boolean;
  /** What it printed on stdout and stderr, colours removed. */
  readonly output: string;
}

/**
 * Starts softIoc on a .db file with `-S -m macros`, in `cwd`, on a free port; it has
 * accepted the file once it prints that initialization is complete (then it is stopped),
 * and refused it when it exits first.
 */
export async function loadWithSoftIoc(
  dbFile: string,
  macros: string,
  cwd: string,
  timeoutMs = 10_000,
): Promise<SoftIocLoad> {
  const ioc = await startSoftIoc(dbFile, { macros, cwd, timeoutMs });
  ioc.stop();
  return { accepted: ioc.ready, output: ioc.output() };
}
