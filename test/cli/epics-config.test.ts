// A config's `driver: epics.motor` device as `hil devices` sees it: the motor record of an
// IOC (ours, in-process here) reached over Channel Access with the process's EPICS_CA_*.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ioc } from "../../src/ioc/index.js";
import { hil } from "./run-hil.js";

describe("an epics.motor device in a config", () => {
  let ioc: Ioc;
  const dir = mkdtempSync(join(tmpdir(), "hil-epics-config-"));

  beforeAll(async () => {
    ioc = await Ioc.start({
      sources: [{ path: "m.db" }],
      files: {
        read: (path) =>
          path === "m.db"
            ? `record(motor, "BL7:MTR2") {
                 field(EGU, "mm") field(VELO, "1.5") field(ACCL, "0.2") field(DVAL, "0.25")
                 field(DHLM, "5") field(DLLM, "-5") field(MRES, "0.001")
               }
               record(ai, "BL7:TC1:TEMP") { field(VAL, "295.5") field(EGU, "K") field(PREC, "1") }
               record(ao, "BL7:TC1:SP") { field(VAL, "300") field(EGU, "K") }`
            : undefined,
      },
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
    });
  });

  afterAll(async () => {
    await ioc?.close();
  });

  it("connects to the motor record and shows its position, speed and limits", async () => {
    const config = join(dir, "epics.yaml");
    writeFileSync(
      config,
      `devices:\n  m2:\n    driver: epics.motor\n    units: mm\n    transport: {type: ca, prefix: "BL7:MTR2"}\n`,
    );
    const result = await hil(["devices", config], {
      EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.server.udpPort}`,
      EPICS_CA_AUTO_ADDR_LIST: "NO",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^m2\s+read\s+m2\s+0\.25\s+mm$/m);
    expect(result.stdout).toMatch(/^m2\s+config\s+m2_velocity\s+1\.5\s+mm$/m);
    expect(result.stdout).toMatch(/^m2\s+config\s+m2_high_limit\s+5\s+mm$/m);
  }, 30_000);

  it("reads an epics.signal device under its own name, and a readback with its setpoint", async () => {
    const config = join(dir, "signals.yaml");
    writeFileSync(
      config,
      [
        "devices:",
        "  tc1:",
        "    driver: epics.signal",
        "    pv: TEMP",
        '    transport: {type: ca, prefix: "BL7:TC1:"}',
        "  sp:",
        "    driver: epics.signal",
        "    pv: SP",
        "    write: SP",
        '    transport: {type: ca, prefix: "BL7:TC1:"}',
        "",
      ].join("\n"),
    );
    const result = await hil(["devices", config], {
      EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.server.udpPort}`,
      EPICS_CA_AUTO_ADDR_LIST: "NO",
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^tc1\s+read\s+tc1\s+295\.5\s+K$/m);
    expect(result.stdout).toMatch(/^sp\s+read\s+sp\s+300\s+K$/m);
  }, 30_000);

  it("names the PV that did not connect when no IOC serves the record", async () => {
    const config = join(dir, "missing.yaml");
    writeFileSync(
      config,
      `devices:\n  m9:\n    driver: epics.motor\n    transport: {type: ca, prefix: "BL7:NOPE"}\n`,
    );
    const result = await hil(["devices", config], {
      EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.server.udpPort}`,
      EPICS_CA_AUTO_ADDR_LIST: "NO",
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("BL7:NOPE.RBV");
  }, 60_000);
});
