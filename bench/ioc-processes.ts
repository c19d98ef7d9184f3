// The two IOCs as processes a user starts: EPICS base's softIoc and `hil ioc`, each on a .db
// of its own port, with what the benchmark reads of them: when they answer, their resident
// memory and the CPU time they have used.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CaClient } from "../src/ca/index.js";
import { unusedTcpUdpPort } from "../test/support/unused-port.js";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const epicsFolder = resolve(root, "../shared/peers/epics");

export type IocKind = "softIoc" | "hil ioc";

export interface IocProcess {
  readonly kind: IocKind;
  readonly port: number;
  readonly child: ChildProcess;
  /** Seconds from the spawn until a caget of `probe` was answered. */
  readonly startSeconds: number;
  stop(): Promise<void>;
}

export function softIocAvailable(): boolean {
  return existsSync(join(epicsFolder, "bin/softIoc"));
}

/** What an IOC serves: a .db file, or (hil ioc only) a beamline config's devices. */
export type IocSource = string | { readonly config: string; readonly prefix: string };

function command(kind: IocKind, source: IocSource, port: number): [string, string[]] {
  if (kind === "softIoc") {
    if (typeof source !== "string") throw new Error("softIoc serves .db files only");
    const dbd = join(epicsFolder, "dbd/softIoc.dbd");
    return [join(epicsFolder, "bin/softIoc"), ["-D", dbd, "-S", "-d", source]];
  }
  const served =
    typeof source === "string"
      ? ["--db", source]
      : ["--config", source.config, "--prefix", source.prefix];
  return [
    process.execPath,
    [join(root, "bin/hil.js"), "ioc", ...served, "--port", String(port), "--no-shell"],
  ];
}

/** Starts an IOC on `source` and waits until a CA get of `probe` is answered. */
export async function startIoc(
  kind: IocKind,
  source: IocSource,
  probe: string,
): Promise<IocProcess> {
  const port = await unusedTcpUdpPort();
  const env = {
    PATH: process.env.PATH ?? "",
    EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
    EPICS_CAS_SERVER_PORT: String(port),
    EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
    EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
    EPICS_CAS_BEACON_PORT: String(port + 1),
    EPICS_CA_ADDR_LIST: "127.0.0.1",
    EPICS_CA_AUTO_ADDR_LIST: "NO",
    EPICS_CA_REPEATER_PORT: String(port + 1),
  };
  const [program, args] = command(kind, source, port);
  const started = performance.now();
  const child = spawn(program, args, { env, stdio: ["ignore", "ignore", "ignore"] });
  const client = new CaClient({
    env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
    firstSearchPeriod: 0.005,
  });
  try {
    await firstAnswer(client, probe);
  } finally {
    await client.close();
  }
  const startSeconds = (performance.now() - started) / 1000;
  return {
    kind,
    port,
    child,
    startSeconds,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill();
      await exited;
    },
  };
}

/**
 * Asks for `probe` until it is answered, searching afresh every 20 ms: a client's searches
 * back off, and the start time must not include a back-off that began before the IOC was up.
 */
async function firstAnswer(client: CaClient, probe: string): Promise<void> {
  const channel = client.channel(probe);
  const deadline = performance.now() + 60_000;
  for (;;) {
    try {
      await channel.get({ timeout: 0.02 });
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      client.resetSearch();
    }
  }
}

/** Resident memory of a process, in MB (VmRSS). */
export function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

/** CPU seconds (user + system) a process has used. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime are the 14th and 15th fields of the line, 12th and 13th after the name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
