// The README's "Remote control" section run as a reader would, with `hil` on the PATH: hil
// serve in one process (its words as the shell splits them, on the ports it prints by
// default), the hil queue commands from others, each through bash. The server writes to a
// fresh out folder, so a queue left by an earlier run is not found.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { hilServes } from "../support/hil-serve.js";
import { readmeSection } from "../support/readme.js";
import { hilOnPath, shellLine } from "../support/readme-shell.js";

const lines = readmeSection("## Remote control: hil serve").shellLines;

const dir = hilOnPath();
const env: Record<string, string> = { PATH: `${dir}:${process.env.PATH}` };
const shell = (line: string) => shellLine(line, env);

/** Resolves once the server's status websocket shows a status that passes `test`. */
function statusShows(
  url: string,
  test: (status: Record<string, unknown>) => boolean,
): Promise<void> {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/api/status/ws`, {
    headers: { authorization: `ApiKey ${env.HIL_API_KEY}` },
  });
  return new Promise((resolve, reject) => {
    socket.on("message", (data: Buffer) => {
      const { status } = JSON.parse(data.toString()) as { status: Record<string, unknown> };
      if (test(status)) {
        socket.close();
        resolve();
      }
    });
    socket.on("error", reject);
  });
}

describe("the README's Remote control section", () => {
  // The server stops before its out folder, inside `dir`, is removed.
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const serves = hilServes(afterEach);

  it("serves the sim beamline and runs a scan and the plan module queued from another shell", async () => {
    const [serveLine, ...clientLines] = lines.filter((line) => {
      const exported = /^export (\w+)=(\S+)$/.exec(line);
      if (exported) env[exported[1]!] = exported[2]!;
      return !exported;
    });
    expect(serveLine).toMatch(/^hil serve /);
    expect(clientLines.map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual([
      "hil queue add",
      "hil queue add",
      "hil queue start",
      "hil queue status",
      "hil queue history",
    ]);
    // Plain words, so splitting on spaces is what bash does with the line.
    expect(serveLine).toMatch(/^[\w ./=-]+$/);
    const [program, subcommand, ...args] = serveLine!.split(" ");
    expect(subcommand).toBe("serve");
    const server = await serves.start({
      command: [program!],
      env,
      port: null,
      dispatcherPort: null,
      scanServerPort: null,
      extraArgs: [...args, "--out", join(dir, "out")],
    });
    expect(server.port).toBe(60610);
    const [addScan, addAlign, start, status, history] = clientLines;
    for (const line of [addScan!, addAlign!, start!]) {
      const command = shell(line);
      expect(await command.done, command.output()).toBe(0);
    }
    // The scan's table, then the plan module's: both ran, and the manager is idle again.
    await server.waitFor("generator scan");
    await server.waitFor("generator rel_scan");
    await statusShows(
      server.url,
      (status) => status.items_in_history === 2 && status.manager_state === "idle",
    );
    const shown = shell(status!);
    expect(await shown.done, shown.output()).toBe(0);
    expect(shown.output()).toContain("manager:");
    const finished = shell(history!);
    expect(await finished.done, finished.output()).toBe(0);
    expect(finished.output()).toMatch(/scan\s.*completed/);
    expect(finished.output()).toMatch(/align\s.*completed/);
  }, 120_000);
});
