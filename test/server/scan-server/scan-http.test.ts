import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { Movable } from "../../../src/core/index.js";
import { startScanServer, type RunningScanServer } from "../../../src/server/scan-server/index.js";
import { scanServerSim, type ScanServerSim } from "../support/scan-server-sim.js";

const here = dirname(fileURLToPath(import.meta.url));

let sim: ScanServerSim | undefined;
let server: RunningScanServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await sim?.cleanup();
  sim = undefined;
});

/** Runs the Python client's session; at GATE, `atGate` runs before the client goes on. */
function runClient(port: number, atGate: () => Promise<void>): Promise<Record<string, unknown>> {
  const child = spawn("/usr/bin/python3", [join(here, "scan_client.py"), String(port)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    if (line === "GATE") {
      void atGate().then(() => child.stdin.write("GO\n"));
    }
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`scan_client.py exited ${code}:\n${stderr}`));
      else resolve(JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>);
    });
  });
}

describe("the Scan Server face over HTTP", () => {
  it("serves a Python scan client: submit, simulate, patch, pause, resume, data", async () => {
    sim = await scanServerSim();
    server = await startScanServer({ service: sim.service, port: 0 });
    const open = sim;
    const summary = await runClient(server.port, async () => {
      await open.device<Movable<number>>("m2").set(1);
    });

    expect(summary.server_root).toBe("server");
    expect(summary.server_version).toBe("4.7.0");

    const simulation = summary.simulation as { simulation: string; seconds: number };
    expect(simulation.simulation).toMatch(/^Simulation:\n--------\n00:00:00 - Loop over m1\n/);
    expect(simulation.simulation).toMatch(
      /--------\n\d\d:\d\d:\d\d {3}Total estimated execution time\n\n {2}$/,
    );
    expect(simulation.simulation).toContain("- Log 'det', 'm1'\n");
    // Five moves of m1 and a delay: more than the delay alone.
    expect(simulation.seconds).toBeGreaterThan(1);

    expect(summary.id).toBe(1);
    expect(summary.at_gate).toEqual({
      state: "Running",
      command: "Wait for 'm2' >= 0.5",
      str: "'Loop over m1' [1]: Running, 22 %",
    });
    const refused = summary.patch_done_address as { refused: boolean; code: number; body: string };
    expect(refused.refused).toBe(true);
    expect(refused.code).toBe(400);
    expect(refused.body).toContain("Command at address 1 has already run");

    const paused = summary.paused as { state: string; xml: string; content_type: string };
    expect(paused.state).toBe("Paused");
    expect(paused.content_type).toBe("text/xml");
    expect(paused.xml).toMatch(
      new RegExp(
        '^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<scan>\\n' +
          "  <id>1</id>\\n  <name>Loop over m1</name>\\n  <created>\\d+</created>\\n" +
          "  <state>Paused</state>\\n  <runtime>\\d+</runtime>\\n" +
          "  <total_work_units>9</total_work_units>\\n  <performed_work_units>2</performed_work_units>\\n" +
          "  <finish>\\d+</finish>\\n  <address>2</address>\\n" +
          "  <command>Wait for 'm2' &gt;= 0.5</command>\\n</scan>\\n$",
      ),
    );
    expect(summary.resumed_state).toBe("Running");

    expect(summary.done).toEqual({
      state: "Finished",
      percentage: 100,
      address: -1,
      command: "- end -",
      str: "'Loop over m1' [1]: Finished",
    });
    const data = summary.data as Record<string, { id: number[]; time: number[]; value: number[] }>;
    expect(Object.keys(data).sort()).toEqual(["det", "m1"]);
    expect(data.m1!.id).toEqual([0, 1, 2, 3, 4]);
    expect(data.m1!.value).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(data.det!.id).toEqual([0, 1, 2, 3, 4]);
    expect(data.det!.value.every((v) => v > 0)).toBe(true);
    expect(data.m1!.time.every((t) => Number.isInteger(t) && t >= 1_700_000_000_000)).toBe(true);
    expect(summary.data_xml as string).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<data>\n {2}<device>\n {4}<name>det<\/name>\n {4}<samples>\n {6}<sample id="0">\n {8}<time>\d+<\/time>\n {8}<value>[\d.E]+<\/value>\n {6}<\/sample>\n/,
    );
    expect(summary.data_xml as string).toContain(
      '<name>m1</name>\n    <samples>\n      <sample id="0">',
    );
    expect(summary.last_serial).toBe(4);
    expect(summary.commands as string).toContain("<seconds>2.0</seconds>");
    expect(summary.devices_root).toBe("devices");
    expect(summary.infos).toEqual(["'Loop over m1' [1]: Finished"]);
    const unknown = summary.unknown as { code: number; body: string };
    expect(unknown.code).toBe(500);
    expect(unknown.body).toContain("Unknown scan ID 999");
    expect(summary.after_clear).toEqual([]);
  });
});
