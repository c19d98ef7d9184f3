// The Eurotherm3200 device against the Eurotherm emulator over real Modbus TCP. The emulator
// runs a fast thermal model (τ = 0.5 s) on the real clock, so a set() settles in well under
// a second while the driver polls every 20 ms.
import { afterEach, describe, expect, it } from "vitest";
import type { WatcherUpdate } from "../../../src/core/index.js";
import {
  LimitError,
  MoveInterruptedError,
  NotConnectedError,
  realClock,
} from "../../../src/core/index.js";
import type { ModbusConnectionState } from "../../../src/transports/index.js";
import {
  ModbusClient,
  ModbusExceptionError,
  TransportUnavailableError,
} from "../../../src/transports/index.js";
import type { Eurotherm3200EmulatorOptions } from "../../../sim/index.js";
import { Eurotherm3200Emulator } from "../../../sim/index.js";
import type { Eurotherm3200Options } from "../../../drivers/eurotherm-3200/index.js";
import { Eurotherm3200 } from "../../../drivers/eurotherm-3200/index.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const FAST: Eurotherm3200EmulatorOptions = {
  clock: realClock,
  ambient: 20,
  timeConstant: 0.5,
  pid: { kp: 0.02, ki: 0.04, kd: 0 },
  dt: 0.005,
};

function waitForState(client: ModbusClient, state: ModbusConnectionState): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === state) return resolve();
    const stop = client.onStateChange((now) => {
      if (now !== state) return;
      stop();
      resolve();
    });
  });
}

async function rig(
  device: Partial<Omit<Eurotherm3200Options, "client">> = {},
  emulator: Eurotherm3200EmulatorOptions = {},
) {
  const emu = await Eurotherm3200Emulator.start({ ...FAST, ...emulator });
  const client = new ModbusClient({
    host: "127.0.0.1",
    port: emu.port,
    unitId: emu.unitId,
    timeout: 0.3,
    reconnect: { initialDelay: 0.02, maxDelay: 0.1 },
  });
  cleanups.push(
    () => emu.stop(),
    () => client.close(),
  );
  const tc = new Eurotherm3200({
    name: "tc",
    client,
    tolerance: 0.5,
    settleTime: 0.1,
    pollPeriod: 0.02,
    ...device,
  });
  await tc.connect({ timeout: 2 });
  return { emu, client, tc };
}

describe("Eurotherm3200", () => {
  it("reads the process value as its hinted field, with Modbus sources", async () => {
    const { emu, tc } = await rig();
    const reading = await tc.read();
    expect(Object.keys(reading).sort()).toEqual([
      "tc",
      "tc_output",
      "tc_setpoint",
      "tc_working_setpoint",
    ]);
    expect(reading.tc?.value).toBeCloseTo(20, 1);
    expect(tc.hints).toEqual({ fields: ["tc"] });
    const keys = await tc.describe();
    const base = `modbus://127.0.0.1:${emu.port}/1/holding`;
    expect(keys.tc).toMatchObject({ source: `${base}/0x1`, dtype: "number", units: "degC" });
    expect(keys.tc_setpoint?.source).toBe(`${base}/0x2`);
    expect(keys.tc_output).toMatchObject({ source: `${base}/0x4`, units: "%" });
    const config = await tc.readConfiguration();
    expect(config).toMatchObject({
      tc_mode: { value: "auto" },
      tc_setpoint_high: { value: 1000 },
      tc_setpoint_low: { value: 0 },
      tc_setpoint_rate: { value: 0 },
      tc_tolerance: { value: 0.5 },
      tc_settle_time: { value: 0.1 },
    });
    // Ti = kp / ki = 0.5 s, in whole seconds in the scaled region.
    expect(config.tc_integral_time?.value).toBe(1);
  });

  it("sets a temperature and completes once it has settled there", async () => {
    const { emu, tc } = await rig();
    const updates: WatcherUpdate[] = [];
    const status = tc.set(50);
    status.watch((update) => updates.push(update));
    await status;
    expect(status.success).toBe(true);
    expect(emu.setpoint).toBe(50);
    expect(Math.abs(emu.temperature - 50)).toBeLessThan(0.5);
    expect(Math.abs((await tc.temperature.get()) - 50)).toBeLessThanOrEqual(0.5);
    expect(status.elapsed).toBeGreaterThanOrEqual(0.1);
    expect(updates.at(-1)?.fraction).toBe(1);
    expect(await tc.locate()).toMatchObject({ setpoint: 50 });
  });

  it("refuses a target outside SP.LO..SP.HI and writes nothing", async () => {
    const { emu, tc } = await rig();
    await tc.setpointHigh.set(80);
    const error = await Promise.resolve(tc.set(90)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LimitError);
    expect((error as Error).message).toBe("tc: target 90 is outside the limits [0, 80]");
    expect(emu.setpoint).toBe(20);
  });

  it("reads full resolution from the float region", async () => {
    const { emu, tc } = await rig({ region: "float" }, { setpoint: 33.3 });
    const keys = await tc.describe();
    expect(keys.tc?.source).toMatch(/\/holding\/0x8002$/);
    expect(await tc.setpoint.get()).toBeCloseTo(33.3, 5);
    await tc.set(41.25);
    expect(emu.setpoint).toBeCloseTo(41.25, 5);
    // Ti = kp / ki = 0.5 s: int32 milliseconds in the float region.
    expect(await tc.integralTime.get()).toBe(0.5);
  });

  it("writes the remote setpoint when asked to, leaving the EEPROM setpoint alone", async () => {
    const { emu, client, tc } = await rig({ remoteSetpoint: true }, { setpoint: 20 });
    await tc.set(30);
    expect(emu.setpoint).toBe(30);
    expect(await client.readHoldingRegisters(276)).toEqual([1]);
    expect(await client.readHoldingRegisters(2)).toEqual([200]);
    expect((await tc.describe()).tc_setpoint?.source).toMatch(/\/holding\/0x1a$/);
  });

  it("turns Modbus exceptions into typed errors naming the address", async () => {
    const { emu, tc } = await rig();
    emu.failNext(4);
    const failed = await tc.temperature.get().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ModbusExceptionError);
    expect((failed as Error).message).toMatch(
      /read holding registers \(FC03\) unit 1 at 0x0001 \(1\) failed: exception 4 SERVER DEVICE FAILURE/,
    );
    const refused = await tc.configure({ mode: "manual" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ exceptionCode: 3, address: 199 });
    emu.failNext(4, 3);
    const status = tc.set(30);
    await expect(status).rejects.toBeInstanceOf(ModbusExceptionError);
  });

  it("a set() supersedes the one in progress, and stop() holds the working setpoint", async () => {
    const { emu, tc } = await rig();
    await tc.rampRate.set(60); // 1 °C/s: slow enough to catch mid-ramp
    const first = tc.set(100);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const second = tc.set(90);
    await expect(first).rejects.toBeInstanceOf(MoveInterruptedError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tc.stop();
    await expect(second).rejects.toThrow(/tc: move to 90 was stopped/);
    const held = await tc.setpoint.get();
    expect(held).toBeGreaterThan(20);
    expect(held).toBeLessThan(30);
    expect(emu.setpoint).toBe(held);
  });

  it("reads its status flags", async () => {
    const { client, tc } = await rig();
    await client.writeRegisters(13, [100]); // A1 = 10.0 °C, below the 20 °C room
    const status = await tc.readStatus();
    expect(status).toMatchObject({ alarm1: true, alarm2: false, newAlarm: true });
    await client.writeRegisters(274, [1]);
    await client.writeRegisters(13, [10000]);
    expect((await tc.readStatus()).newAlarm).toBe(false);
  });

  it("carries on after the controller vanishes and comes back", async () => {
    const { emu, client, tc } = await rig();
    expect((await tc.read()).tc?.value).toBeCloseTo(20, 1);
    await emu.stop();
    await waitForState(client, "reconnecting");
    await expect(tc.temperature.get()).rejects.toBeInstanceOf(TransportUnavailableError);
    await expect(tc.set(30)).rejects.toBeInstanceOf(TransportUnavailableError);
    await emu.restart();
    await waitForState(client, "open");
    await tc.set(30);
    expect(emu.setpoint).toBe(30);
  });

  it("fails to connect with an error naming the device and the address", async () => {
    const emu = await Eurotherm3200Emulator.start(FAST);
    const port = emu.port;
    await emu.stop();
    const client = new ModbusClient({ host: "127.0.0.1", port, timeout: 0.2 });
    cleanups.push(() => client.close());
    const tc = new Eurotherm3200({ name: "tc", client });
    const error = await tc.connect({ timeout: 0.5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect((error as Error).message).toContain("tc failed to connect");
    expect((error as Error).message).toContain(`modbus://127.0.0.1:${port}/1/holding/0x1:`);
  });
});
