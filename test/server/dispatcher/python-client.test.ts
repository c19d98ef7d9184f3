// The done-when of the dispatcher: a Python client written against the original's protocol,
// with Debian's python3-websockets, drives our server.
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { DispatcherServer } from "../../../src/server/dispatcher/index.js";
import { startDispatcherServer } from "../../../src/server/dispatcher/index.js";
import type { SimManager } from "../support/sim-manager.js";
import { simManager } from "../support/sim-manager.js";

const here = dirname(fileURLToPath(import.meta.url));
const python = "/usr/bin/python3";
const peer = "python3-websockets";

/** Whether Debian's Python has websockets; under CI=true its absence fails the run. */
function websocketsAvailable(): boolean {
  const available =
    spawnSync(python, ["-c", "import websockets"], { stdio: "ignore", timeout: 10_000 }).status ===
    0;
  if (!available && process.env.CI === "true") {
    throw new Error(`CI needs ${peer} (apt-get install ${peer}); .ci/run installs it`);
  }
  if (!available) console.warn(`skipping tests that need ${peer}: apt-get install ${peer}`);
  return available;
}

interface Line {
  connection: string;
  message?: Record<string, unknown>;
  raw?: string;
  closed?: number;
}

/** Runs the client to its end; resolves with its lines, or rejects with its stderr. */
function runClient(port: number, plan: string, params: object): Promise<Line[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      python,
      [join(here, "dispatcher_client.py"), String(port), plan, JSON.stringify(params)],
      { cwd: here, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`client exited ${code}:\n${stderr}\n${stdout}`));
      else
        resolve(
          stdout
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as Line),
        );
    });
  });
}

describe.skipIf(!websocketsAvailable())("a Python websockets client of the dispatcher", () => {
  let sim: SimManager;
  let server: DispatcherServer;

  afterEach(async () => {
    await server?.close();
    await sim?.cleanup();
  });

  it("subscribes, starts a scan on another connection, sees every state in order, and gets the original's bad-JSON reply", async () => {
    sim = await simManager();
    await sim.manager.openEnvironment();
    server = await startDispatcherServer({
      manager: sim.manager,
      history: sim.store.history,
      port: 0,
      legacy: true,
    });
    const params = { detectors: ["det"], motor: "m1", start: -1, stop: 1, num: 5 };
    const lines = await runClient(server.port, "scan", params);

    const of = (name: string) => lines.filter((l) => l.connection === name);
    expect(of("starter")).toEqual([
      {
        connection: "starter",
        message: {
          success: true,
          status: "Signalling main thread to start a new scan",
          params,
        },
      },
      { connection: "starter", closed: 1000 },
    ]);

    const updates = of("subscriber").map((l) => l.message!);
    expect(updates[0]).toEqual({
      bluesky_dispatcher_version: "0.1.0",
      type: "status",
      about: "run engine state updates",
      state: "idle",
      plan_name: null,
      run_uid: null,
      run_start_time: null,
    });
    await sim.manager.idle();
    const [done] = sim.store.history.get().items;
    expect(done!.result.exit_status).toBe("completed");
    const runUid = done!.result.run_uids[0];
    const events = updates.slice(1);
    expect(events.map((m) => [m.old_state, m.state])).toEqual([
      ["idle", "running"],
      ["running", "idle"],
    ]);
    expect(events.every((m) => m.type === "status" && m.plan_name === "scan")).toBe(true);
    expect(events.at(-1)).toMatchObject({ run_uid: runUid });
    expect(events.at(-1)!.run_start_time).toEqual(expect.stringMatching(/\+00:00$/));

    expect(of("bad-json")).toEqual([
      {
        connection: "bad-json",
        raw: '{"success": false, "status": "Your message could not be properly decoded, is it valid json?"}',
      },
      { connection: "bad-json", closed: 1000 },
    ]);
  });
});
