// `hil emulate lakeshore.336` as a person would run it: one instrument on a pty (its USB port)
// and on TCP (its Ethernet port), read by `hil devices` through the real driver over both.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { socat } from "../support/peers.js";
import { unusedPort } from "../support/unused-port.js";
import { hil, startHil } from "./run-hil.js";

describe.skipIf(!socat().available)("hil emulate lakeshore.336", () => {
  it("serves one 336 on a pty and on TCP that a config's real driver reads over both", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hil-emulate-ls336-"));
    const link = join(dir, "ls336");
    const port = await unusedPort();
    const emulator = startHil(["emulate", "lakeshore.336", "--link", link, "--port", String(port)]);
    try {
      await emulator.waitFor("Ctrl-C stops it.");
      expect(emulator.output()).toContain(
        `transport {type: serial, path: ${link}, baud: 57600, dataBits: 7, parity: odd} ` +
          `or {type: tcp, host: 127.0.0.1, port: ${port}}`,
      );
      const config = join(dir, "cryo.yaml");
      writeFileSync(
        config,
        `devices:
  tc1:
    driver: lakeshore.336
    transport: {type: tcp, host: 127.0.0.1, port: ${port}}
    input: A
    output: 1
  tc2:
    driver: lakeshore.336
    transport: {type: serial, path: ${link}, baud: 57600, dataBits: 7, parity: odd}
    input: B
    output: 2
    range: Low
`,
      );
      const result = await hil(["devices", config]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^tc1\s+read\s+tc1\s+77\s+K$/m);
      expect(result.stdout).toMatch(/^tc1\s+config\s+tc1_range\s+High\s*$/m);
      expect(result.stdout).toMatch(/^tc2\s+read\s+tc2\s+77\s+K$/m);
      expect(result.stdout).toMatch(/^tc2\s+config\s+tc2_range\s+Low\s*$/m);
      expect(result.stdout).toMatch(/^tc2\s+config\s+tc2_ramp_rate\s+0\s+K\/min$/m);
    } finally {
      emulator.signal("SIGINT");
    }
    expect((await emulator.done).code).toBe(0);
  });
});
