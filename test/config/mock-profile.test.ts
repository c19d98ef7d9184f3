// The "mock" profile: the devices' own drivers, connected with {mock: true}.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDevices, loadConfig } from "../../src/config/index.js";
import { LimitError, SignalR, VirtualClock, getMockPuts } from "../../src/core/index.js";
import { Smc100Motor } from "../../drivers/newport-smc100/index.js";

const yaml = `
devices:
  m1:
    driver: newport.smc100
    units: mm
    limits: [-2, 2]
    transport: { type: serial, path: /dev/hil-mock-profile-none, baud: 57600 }
    sim: { driver: sim.motor, velocity: 2, acceleration: 8 }
`;

describe('the "mock" profile', () => {
  it("builds the real driver, connects it with mock and counts as simulated for the clock", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "hil-mock-profile-")), "beamline.yaml");
    writeFileSync(path, yaml);
    const config = await loadConfig(path, { profile: "mock" });
    expect(config.profile).toBe("mock");
    expect(config.devices.map((d) => d.driver)).toEqual(["newport.smc100"]);
    expect(config.isSimulated).toBe(true);
    const beamline = await buildDevices(config, { clock: new VirtualClock() });
    const m1 = beamline.devices.get("m1");
    expect(m1).toBeInstanceOf(Smc100Motor);
    const motor = m1 as Smc100Motor;
    for (const child of motor.children().values()) {
      if (child instanceof SignalR) expect(child.source, child.name).toMatch(/^mock\+/);
    }
    await motor.set(1.5);
    expect(await motor.readback.get()).toBe(1.5);
    expect(getMockPuts(motor.setpoint)).toEqual([{ value: 1.5, wait: true }]);
    // The configured limits hold in mock mode too.
    await expect(motor.set(3)).rejects.toThrow(LimitError);
    await beamline.close();
  });
});
