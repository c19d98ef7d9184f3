// Devices served as records, to EPICS base's own client library (libca through pyepics): a
// sim motor moved with caput(wait=True), a detector acquired through Acquire, a temperature
// controller set through Setpoint, and a device error shown as a COMM alarm, INVALID.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datatype, Device, realClock, simSignalR, simSignalRW } from "../../../src/core/index.js";
import type { Ioc } from "../../../src/ioc/index.js";
import { serveDevices } from "../../../src/ioc/index.js";
import { SimDetector, SimMotor, SimTemperatureController } from "../../../sim/index.js";
import { pyepics } from "../../support/peers.js";
import { loopbackClientEnv, PyEpicsClient } from "../../support/pyepics.js";

/** A controller whose gain cannot be written and whose status cannot be read. */
class FaultyDevice extends Device {
  constructor() {
    super({ name: "box" });
    const gain = simSignalRW(
      datatype.float,
      {
        read: () => 1,
        write: () => Promise.reject(new Error("box: the controller refused the gain")),
      },
      { clock: realClock },
    );
    this.add("gain", gain, { kind: "config" });
    const [status] = simSignalR(
      datatype.float,
      () => {
        throw new Error("box: no answer to STATUS?");
      },
      { clock: realClock },
    );
    this.add("status", status);
  }
}

describe.skipIf(!pyepics().available)("devices served as records, with pyepics", () => {
  const clock = realClock;
  const m1 = new SimMotor({ name: "m1", clock, velocity: 20, acceleration: 200, limits: [-5, 5] });
  const det = new SimDetector({
    name: "det",
    clock,
    exposure: 0.05,
    peak: { motors: [m1], centre: 2, sigma: 0.5, amplitude: 1000, background: 10 },
  });
  const tc1 = new SimTemperatureController({
    name: "tc1",
    clock,
    settleTime: 0.1,
    pollPeriod: 0.05,
    tolerance: 1,
    timeConstant: 0.2,
  });
  let ioc: Ioc;
  let client: PyEpicsClient;

  beforeAll(async () => {
    const devices = new Map<string, Device>([
      ["m1", m1],
      ["det", det],
      ["tc1", tc1],
      ["box", new FaultyDevice()],
    ]);
    ioc = await serveDevices(devices, {
      prefix: "BL:",
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1" },
      scans: { box: ".1 second" },
    });
    client = new PyEpicsClient(loopbackClientEnv(ioc.server.udpPort));
    await client.started;
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await ioc?.close();
  });

  it("moves the motor with caput(wait=True), returning once it is there", async () => {
    await client.request("caput", { pv: "BL:m1", value: 2.0, wait: true });
    // In position within the record's deadband (RDBD 1e-4 for the sim motor's 3 digits).
    expect(m1.axis.positionAt(clock.now())).toBeCloseTo(2, 4);
    expect(await client.request("caget", { pv: "BL:m1.RBV" })).toBeCloseTo(2, 4);
    expect(await client.request("caget", { pv: "BL:m1.DMOV" })).toBe(1);
    expect(await client.request("caget", { pv: "BL:m1.HLM" })).toBe(5);
  });

  it("acquires the detector through Acquire and serves its reading under its name", async () => {
    await client.request("caput", { pv: "BL:det:Acquire", value: 1, wait: true });
    const reading = (await det.read())["det"]!.value as number;
    expect(reading).toBeGreaterThan(0);
    expect(await client.request("caget", { pv: "BL:det" })).toBe(reading);
    expect(await client.request("caget", { pv: "BL:det:Acquire" })).toBe(0);
    await client.request("caput", { pv: "BL:det:AcquireTime", value: 0.02, wait: true });
    expect(await det.exposure.get()).toBe(0.02);
    expect(await client.request("caget", { pv: "BL:det:AcquireTime_RBV" })).toBe(0.02);
    expect(await client.request("caget", { pv: "BL:det.EGU" })).toBe("counts");
  });

  it("sets the temperature through Setpoint, completing once settled", async () => {
    await client.request("caput", { pv: "BL:tc1:Setpoint", value: 300, wait: true });
    expect(Math.abs((await tc1.temperature.get()) - 300)).toBeLessThan(3);
    expect(await client.request("caget", { pv: "BL:tc1:Setpoint_RBV" })).toBe(300);
    expect(await client.request("caget", { pv: "BL:tc1.EGU" })).toBe("K");
  });

  it("shows a failed write and a failed read as a COMM alarm, INVALID", async () => {
    await client.request("caput", { pv: "BL:box:gain", value: 3, wait: true });
    const gain = ioc.database.record("BL:box:gain")!;
    expect([gain.text("STAT"), gain.num("SEVR")]).toEqual([String(9), 3]);
    expect(gain.text("AMSG")).toContain("refused the gain");
    const status = await client.request<{ severity: number; status: number }>("metadata", {
      pv: "BL:box:status",
    });
    expect([status.status, status.severity]).toEqual([9, 3]);
  });
});
