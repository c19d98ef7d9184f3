// EPICS base's softIoc, from ../shared/peers/epics beside the project (not from npm or
// apt): tests that compare with it skip with one line naming the folder when it is absent;
// with CI=true a missing softIoc fails the run.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unusedPort } from "./unused-port.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const epicsFolder = resolve(root, "../shared/peers/epics");
const softIocPath = resolve(epicsFolder, "bin/softIoc");
const dbdPath = resolve(epicsFolder, "dbd/softIoc.dbd");

export interface EpicsPeer {
  readonly folder: string;
  readonly available: boolean;
}

let probed: EpicsPeer | undefined;

export function epicsPeer(): EpicsPeer {
  if (probed) return probed;
  const available = existsSync(softIocPath) && existsSync(dbdPath);
  if (!available && process.env.CI === "true") {
    throw new Error(`CI needs EPICS base's softIoc in ${epicsFolder}`);
  }
  if (!available) console.warn(`skipping tests that need softIoc: no ${epicsFolder}`);
  return (probed = { folder: epicsFolder, available });
}

export interface SoftIocLoad {
  /** softIoc loaded the files and printed that it serves. */
  readonly accepted: boolean;
  /** What it printed on stdout and stderr, colours removed. */
  readonly output: string;
}

const ready = "iocRun: All initialization complete";

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
  const port = String(await unusedPort());
  const args = ["-D", dbdPath, "-S", ...(macros ? ["-m", macros] : []), "-d", dbFile];
  const child = spawn(softIocPath, args, {
    cwd,
    env: {
      ...process.env,
      PATH: `${resolve(epicsFolder, "bin")}:${process.env.PATH ?? ""}`,
      EPICS_CA_ADDR_LIST: "127.0.0.1",
      EPICS_CA_AUTO_ADDR_LIST: "NO",
      EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
      EPICS_CAS_SERVER_PORT: port,
      EPICS_CA_SERVER_PORT: port,
      EPICS_CAS_BEACON_PORT: String(Number(port) + 1),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise<SoftIocLoad>((done, fail) => {
    const finish = (accepted: boolean): void => {
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      // eslint-disable-next-line no-control-regex
      done({ accepted, output: output.replace(/\x1b\[[0-9;]*m/g, "") });
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`softIoc neither served nor exited in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes(ready)) finish(true);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("exit", () => finish(output.includes(ready)));
    child.on("error", (e) => {
      clearTimeout(timer);
      fail(e);
    });
  });
}
