// `hil sockets` serving the stand's config with its sim twins: a UDP client reads the pull
// socket and pushes to the push socket as PyExpLabSys's clients do.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { askUdp } from "../support/udp-ask.js";
import { hil, root, startHil } from "./run-hil.js";

function configWith(sockets: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "hil-sockets-")), "sockets.yaml");
  writeFileSync(file, `include: [${join(root, "config/beamline.yaml")}]\n${sockets}`);
  return file;
}

describe("hil sockets", () => {
  it("serves the sim devices' signals on a pull socket and takes pushes until Ctrl-C", async () => {
    const config = configWith(`sockets:
  stand:
    type: date
    name: stand socket
    port: 0
    timeout: 30
    codenames: { m1: m1, det: det, temperature: tc1, setpoint: tc1_setpoint }
  pushed: { type: push, name: push socket, port: 0 }
`);
    const served = startHil(["sockets", "--config", config, "--profile", "sim"]);
    try {
      await served.waitFor("Ctrl-C stops it");
      const output = served.output();
      const portOf = (key: string): number => {
        const match = new RegExp(
          `hil sockets: ${key}: \\w+ "[^"]+" on 127\\.0\\.0\\.1:(\\d+)`,
        ).exec(output);
        if (!match) throw new Error(`no port for ${key} in:\n${output}`);
        return Number(match[1]);
      };
      expect(output).toContain('stand: DateDataPullSocket "stand socket" on 127.0.0.1:');
      expect(output).toContain('pushed: DataPushSocket "push socket" on 127.0.0.1:');
      const [stand, pushed] = [portOf("stand"), portOf("pushed")];
      expect(await askUdp(stand, "name")).toBe("stand socket");
      expect(await askUdp(stand, "codenames_raw")).toBe("m1,det,temperature,setpoint");
      expect(await askUdp(stand, "m1#raw")).toMatch(/^\d{10}\.\d*,0\.0$/);
      expect(await askUdp(stand, "temperature#raw")).toMatch(/^\d{10}\.\d*,\d+\.\d+$/);
      const all = JSON.parse(await askUdp(stand, "json_wn")) as Record<string, [number, number]>;
      expect(Object.keys(all)).toEqual(["m1", "det", "temperature", "setpoint"]);
      // Read, not triggered: a detector's last value (0 before any acquisition).
      expect(all.det).toEqual([expect.any(Number), 0]);
      expect(all.setpoint![0]).toBeGreaterThan(1e9);
      expect(await askUdp(stand, "nope")).toBe("UNKNOWN_COMMMAND");
      expect(await askUdp(pushed, "raw_wn#setpoint:float:42;note:str:hello")).toBe(
        "ACK#{'setpoint': 42.0, 'note': 'hello'}",
      );
      await served.waitFor("hil sockets: pushed received {'setpoint': 42.0, 'note': 'hello'}");
    } finally {
      served.signal("SIGINT");
    }
    expect((await served.done).code).toBe(0);
  });

  it("says so when the config has no sockets: section, and locates a bad one", async () => {
    const none = await hil(["sockets", "--config", configWith(""), "--profile", "sim"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/hil sockets: .*sockets\.yaml has no sockets: section to serve/);
    const bad = configWith("sockets:\n  s: { type: date, codenames: { a: m9 } }\n");
    const located = await hil(["sockets", "--config", bad, "--profile", "sim"]);
    expect(located.code).toBe(2);
    expect(located.stderr).toContain(
      `${bad}:3:36 sockets.s.codenames.a: no device has the signal "m9" (did you mean "m1" or "m2"?)`,
    );
  });
});
