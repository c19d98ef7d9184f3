// bin/hil.js as installed: `npm ci` bundles the CLI (npm run build) and the bin runs the
// bundle while it is newer than the sources, so `hil ioc` serves without compiling the
// TypeScript first. The same commands as through tsx, from one file.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaClient } from "../../src/ca/index.js";
import { hilServes } from "../support/hil-serve.js";
import { unusedTcpUdpPort } from "../support/unused-port.js";
import { root } from "./run-hil.js";

const run = promisify(execFile);
const serves = hilServes();
const dirs: string[] = [];
afterAll(async () => {
  await serves.stopAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("bin/hil.js with the bundle npm run build makes", () => {
  beforeAll(async () => {
    await run("npm", ["run", "build"], { cwd: root });
  }, 60_000);

  it("answers --help from the bundle", async () => {
    const { stdout } = await run(process.execPath, [join(root, "dist/hil.mjs"), "--help"]);
    expect(stdout).toContain("Usage: hil");
    expect(stdout).toMatch(/^\s+ioc\b/m);
  });

  it("serves a database with hil ioc, answers a CA client and stops on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hil-bundle-"));
    dirs.push(dir);
    const db = join(dir, "one.db");
    writeFileSync(db, `record(ao, "bundle:x") { field(VAL, "4.5") field(EGU, "mm") }`);
    const port = await unusedTcpUdpPort();
    const child = spawn(
      process.execPath,
      [join(root, "bin/hil.js"), "ioc", "--db", db, "--port", String(port), "--no-shell"],
      {
        env: {
          ...process.env,
          EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
          EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
          EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
        },
      },
    );
    let output = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("Ctrl-C stops it")) resolve();
      });
      void exited.then(() => reject(new Error(`hil ioc ended: ${output}`)));
    });
    expect(output).toContain("hil ioc: 1 records");
    const client = new CaClient({
      env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
    });
    try {
      expect((await client.channel("bundle:x").get()).value[0]).toBe(4.5);
    } finally {
      await client.close();
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  }, 30_000);

  it("serves the queue server's web page and API with hil serve, plans in a worker from the bundle too", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-bundle-serve-"));
    dirs.push(out);
    const served = await serves.start({
      command: [process.execPath, join(root, "dist/hil.mjs")], // the bundle itself, its worker too
      config: "config/sim-beamline.yaml",
      out,
      apiKey: "bundle-key",
    });
    try {
      expect(await (await fetch(`${served.url}/`)).text()).toContain("<html");
      const status = await served.call("GET", "/api/status");
      expect(status).toMatchObject({ worker_environment_state: "idle", manager_state: "idle" });
    } finally {
      expect((await served.stop()).code).toBe(0);
    }
  }, 60_000);
});
