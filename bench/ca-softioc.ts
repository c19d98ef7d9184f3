// EPICS base's softIoc serving the PVs of ca-bench-server.ts from an equivalent .db, so the
// Channel Access benchmark can put the reference server beside ours. It comes from
// ../shared/peers/epics beside the project; without it the benchmark skips its rows.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unusedTcpUdpPort } from "../test/support/unused-port.js";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
export const epicsFolder = resolve(root, "../shared/peers/epics");
const softIocPath = join(epicsFolder, "bin/softIoc");
const dbdPath = join(epicsFolder, "dbd/softIoc.dbd");

export const ARRAY_LENGTH = 100_000;

/** The bench PVs as records: the double with its units and precision, the array, two aos. */
export const BENCH_DB = `
record(ao, "bench:double") { field(VAL, "1.5") field(EGU, "mm") field(PREC, "3") }
record(waveform, "bench:wave") { field(FTVL, "DOUBLE") field(NELM, "${ARRAY_LENGTH}") }
record(ao, "bench:put") { field(VAL, "0") }
record(ao, "bench:monitor") { field(VAL, "0") }
`;

export interface SoftIocServer {
  port: number;
  close(): Promise<void>;
}

export function softIocAvailable(): boolean {
  return existsSync(softIocPath) && existsSync(dbdPath);
}

/** Starts softIoc on a free port; resolves once it prints that it serves. */
export async function startSoftIoc(): Promise<SoftIocServer> {
  const folder = await mkdtemp(join(tmpdir(), "ca-bench-"));
  const db = join(folder, "bench.db");
  await writeFile(db, BENCH_DB);
  const port = await unusedTcpUdpPort();
  const child = spawn(softIocPath, ["-D", dbdPath, "-S", "-d", db], {
    // caRepeater is not on PATH, so softIoc starts none (one would outlive it).
    env: {
      PATH: process.env.PATH ?? "",
      EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
      EPICS_CAS_SERVER_PORT: String(port),
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
      EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
      EPICS_CAS_BEACON_PORT: String(port + 1),
      EPICS_CA_REPEATER_PORT: String(port + 1),
      EPICS_CA_MAX_ARRAY_BYTES: String(2 ** 24),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    await untilServing(child);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill();
        await exited;
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
}

function untilServing(child: ChildProcess): Promise<void> {
  let output = "";
  return new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`softIoc did not start in 10 s:\n${output}`));
    }, 10_000);
    const take = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!output.includes("iocRun: All initialization complete")) return;
      clearTimeout(timer);
      done();
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`softIoc exited (${code}):\n${output}`));
    });
  });
}
