// `hil serve` with its Scan Server face, plans in the forked worker: a Python scan client's
// session against the real server.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { unusedPort } from "../support/unused-port.js";
import { hilServes } from "../support/hil-serve.js";
import { root } from "./run-hil.js";

const key = "serve-scan-server-key";
const client = join(root, "test/server/scan-server/scan_client.py");

/** Runs the client's timed session; resolves with its JSON summary. */
function timedSession(port: number): Promise<Record<string, unknown>> {
  const child = spawn("/usr/bin/python3", [client, String(port), "timed"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`scan_client.py exited ${code}:\n${stderr}`));
      else resolve(JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>);
    });
  });
}

describe("hil serve's Scan Server face", () => {
  const dirs: string[] = [];
  const serves = hilServes();
  afterEach(async () => {
    await serves.stopAll();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("serves a Python scan client while the scan runs in the worker: submit, simulate, patch, pause, resume, data", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-serve-scan-"));
    dirs.push(out);
    const scanPort = await unusedPort();
    const hil = await serves.start({
      config: "config/sim-beamline.yaml",
      out,
      scanServerPort: scanPort,
      apiKey: key,
    });
    expect(hil.output()).toContain(`hil serve: Scan Server on http://127.0.0.1:${scanPort}\n`);

    const summary = await timedSession(scanPort);
    expect(summary.server_version).toBe("4.7.0");
    const simulation = summary.simulation as { simulation: string; seconds: number };
    expect(simulation.simulation).toMatch(/^Simulation:\n--------\n00:00:00 - Timed loop\n/);
    expect(simulation.simulation).toContain("- Delay 0.5 sec\n");
    // The worker's motion models time the moves: more than the three delays alone.
    expect(simulation.seconds).toBeGreaterThan(2);

    expect(summary.id).toBe(1);
    expect(summary.in_loop).toMatchObject({ state: "Running" });
    const refused = summary.patch_done_address as { refused: boolean; code: number; body: string };
    expect(refused).toMatchObject({ refused: true, code: 400 });
    expect(refused.body).toContain("Command at address 1 has already run");
    expect(summary.paused_state).toBe("Paused");
    expect(summary.resumed_state).toBe("Running");
    expect(summary.done).toEqual({ state: "Finished", percentage: 100, command: "- end -" });

    const data = summary.data as Record<string, { id: number[]; value: number[] }>;
    expect(Object.keys(data).sort()).toEqual(["det", "m1", "m2"]);
    expect(data.m1!.id).toEqual([0, 1, 2]);
    expect(data.m1!.value).toEqual([-1, 0, 1]);
    expect(data.det!.value.every((v) => v > 0)).toBe(true);
    // The patch reached the plan in the worker: m2 went to the patched value.
    expect(data.m2!.id).toEqual([3]);
    expect(data.m2!.value[0]).toBeCloseTo(0.25, 2);
    expect(summary.last_serial).toBe(3);
    expect(summary.commands as string).toContain("<value>0.25</value>");
    // Device values are read where the devices are.
    expect(summary.devices as string).toMatch(
      /<name>m1<\/name>\n {4}<alias>m1<\/alias>\n {4}<status>-?\d[\d.E-]*<\/status>/,
    );
    expect(summary.beamline_devices as string).toContain("<name>slits</name>");
    expect(summary.beamline_devices as string).not.toContain("no PV");
    expect(summary.infos).toEqual(["'Timed loop' [1]: Finished"]);

    // The scan is a history item of the queue server, and its id is kept in the out folder.
    const response = await fetch(`${hil.apiUrl}/history/get`, {
      headers: { authorization: `ApiKey ${key}` },
    });
    const history = (await response.json()) as {
      items: Array<{
        name: string;
        kwargs: Record<string, unknown>;
        result: { exit_status: string };
      }>;
    };
    expect(history.items.map((h) => [h.name, h.result.exit_status])).toEqual([
      ["scan_server_commands", "completed"],
    ]);
    expect(history.items[0]!.kwargs).toMatchObject({ scan_id: 1, scan_name: "Timed loop" });
    expect(readFileSync(join(out, "scan_server_id"), "utf8").trim()).toBe("1");
  }, 90_000);
});
