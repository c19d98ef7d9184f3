import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { fixture, problemLines } from "./fixture.js";

describe("resolveDevice", () => {
  it("checks every entry's structure, parameters, common keys and transport", async () => {
    const file = fixture("many-mistakes.yaml");
    const lines = [
      `${file}:1:1 device: unknown key "device" (did you mean "devices"?)`,
      `${file}:3:3 devices.m-1: device names are identifiers of letters, digits and _, got "m-1"`,
      `${file}:5:7 devices.m2: expected a mapping with a driver, got "sim.motor"`,
      `${file}:8:5 devices.m3.velocty: unknown key "velocty" (did you mean "velocity"?)`,
      `${file}:9:11 devices.m3.kind: expected one of "hinted", "normal", "config", "omitted", got "hint"`,
      `${file}:10:22 devices.m3.labels.1: expected a name of letters, digits and _, got "base line"`,
      `${file}:11:13 devices.m3.limits: expected [low, high] with low <= high`,
      `${file}:14:13 devices.tc.limits: sim.temperature takes no limits`,
      `${file}:15:16 devices.tc.transport: sim.temperature is simulated and takes no tcp transport`,
      `${file}:19:15 devices.det.counting: counting applies to a peak only`,
      `${file}:22:24 devices.m4.transport.type: expected one of "serial", "tcp", "modbus-tcp", "modbus-rtu", "ca", "sim", got "usb"`,
      `${file}:23:5 devices.m4.sim.driver: missing, expected a string`,
    ];
    expect(await problemLines(loadConfig(file, { profile: "sim" }))).toEqual(lines);
    // Without the profile, m4's own driver is the one built, so its absence is reported too.
    expect(await problemLines(loadConfig(file))).toEqual([
      ...lines.slice(0, 10),
      `${file}:21:13 devices.m4.driver: unknown driver "acme.stage" (known drivers: epics.detector, epics.motor, epics.signal, eurotherm.3200, keithley.6485, newport.smc100, sim.camera, sim.detector, sim.motor, sim.slits, sim.temperature)`,
      ...lines.slice(10),
    ]);
  });
});
