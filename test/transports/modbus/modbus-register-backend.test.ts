// Modbus signals (ModbusRegisterBackend behind SignalR/SignalRW) against the Eurotherm
// emulator over TCP loopback: reads, writes, enums, connect errors and polled subscriptions.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Reading } from "../../../src/core/index.js";
import {
  DatatypeError,
  NotConnectedError,
  SignalReadError,
  VirtualClock,
  realClock,
} from "../../../src/core/index.js";
import {
  ModbusClient,
  ModbusExceptionError,
  ModbusRegisterBackend,
  modbusSignalR,
  modbusSignalRW,
} from "../../../src/transports/index.js";
import { Eurotherm3200Emulator } from "../../../sim/index.js";
import { unusedPort } from "../../support/unused-port.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig() {
  const emu = await Eurotherm3200Emulator.start({ setpoint: 150 });
  const client = new ModbusClient({
    host: "127.0.0.1",
    port: emu.port,
    timeout: 0.2,
    reconnect: { initialDelay: 0.02 },
  });
  cleanups.push(
    () => emu.stop(),
    () => client.close(),
  );
  return { emu, client };
}

describe("Modbus signals", () => {
  it("read a scaled register with the source naming its address", async () => {
    const { emu, client } = await rig();
    const clock = new VirtualClock({ start: 1000 });
    const sp1 = modbusSignalR(
      client,
      { table: "holding", address: 24, type: "int16", decimalPlaces: 1 },
      { name: "sp1", clock, units: "degC", precision: 1 },
    );
    await sp1.connect();
    expect(sp1.source).toBe(`modbus://127.0.0.1:${emu.port}/1/holding/0x18`);
    expect(await sp1.read()).toEqual({ sp1: { value: 150, timestamp: 1000 } });
    expect(await sp1.describe()).toEqual({
      sp1: {
        source: `modbus://127.0.0.1:${emu.port}/1/holding/0x18`,
        dtype: "number",
        dtype_numpy: "<f8",
        shape: [],
        units: "degC",
        precision: 1,
      },
    });
  });

  it("read the float region and an unscaled integer as an integer", async () => {
    const { client } = await rig();
    const float = modbusSignalR(client, {
      table: "holding",
      address: 0x8000 + 2 * 24,
      type: "float32",
    });
    const select = modbusSignalR(client, { table: "holding", address: 15, type: "int16" });
    expect(await float.get()).toBe(150);
    expect(await select.get()).toBe(0);
    expect((await select.describe())[select.name]?.dtype).toBe("integer");
  });

  it("write a setpoint the emulator then follows", async () => {
    const { emu, client } = await rig();
    const sp = modbusSignalRW(client, {
      table: "holding",
      address: 2,
      type: "int16",
      decimalPlaces: 1,
    });
    await sp.set(123.4);
    expect(emu.setpoint).toBe(123.4);
    expect(await sp.get()).toBe(123.4);
    const float = modbusSignalRW(client, {
      table: "holding",
      address: 0x8000 + 2 * 2,
      type: "float32",
    });
    await float.set(99.25);
    expect(emu.setpoint).toBe(99.25);
  });

  it("map an enum register to its choices both ways", async () => {
    const { emu, client } = await rig();
    const source = modbusSignalRW(client, {
      table: "holding",
      address: 276,
      choices: ["local", "remote"],
    });
    expect(await source.get()).toBe("local");
    expect((await source.describe())[source.name]?.choices).toEqual(["local", "remote"]);
    await source.set("remote");
    expect(await client.readHoldingRegisters(276)).toEqual([1]);
    // The remote setpoint (26) now drives the loop.
    await client.writeRegisters(26, [456]);
    expect(emu.setpoint).toBe(45.6);
  });

  it("refuse a value the register cannot hold, sending nothing", async () => {
    const { emu, client } = await rig();
    const sp = modbusSignalRW(client, {
      table: "holding",
      address: 2,
      type: "int16",
      decimalPlaces: 1,
    });
    const before = emu.requestCount;
    const error = await Promise.resolve(sp.set(4000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatatypeError);
    expect((error as Error).message).toMatch(/holding\/0x2: .*int16 range/);
    expect(emu.requestCount).toBe(before);
  });

  it("fail a write the server refuses with a typed error", async () => {
    const { client } = await rig();
    const mode = modbusSignalRW(client, {
      table: "holding",
      address: 199,
      choices: ["auto", "manual", "standby"],
    });
    const error = await Promise.resolve(mode.set("manual")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusExceptionError);
    expect(error).toMatchObject({ exceptionCode: 3, address: 199, functionCode: 16 });
  });

  it("fail to connect on an address the server does not have, naming it", async () => {
    const { emu, client } = await rig();
    const missing = modbusSignalR(client, { table: "holding", address: 10 }, { name: "x" });
    const error = await missing.connect({ timeout: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect((error as Error).message).toContain(`modbus://127.0.0.1:${emu.port}/1/holding/0xa`);
    expect((error as Error).message).toContain("exception 2 ILLEGAL DATA ADDRESS");
    // A write-only register connects without being read.
    const ack = modbusSignalRW(client, { table: "holding", address: 274, verifyOnConnect: false });
    await expect(ack.connect()).resolves.toBeUndefined();
  });

  it("check their spec", async () => {
    const { client } = await rig();
    expect(() => modbusSignalRW(client, { table: "input" as "holding", address: 1 })).toThrow(
      /read-only/,
    );
    expect(() => modbusSignalR(client, { table: "coil", address: 1, type: "int16" })).toThrow(
      /one bit/,
    );
    expect(
      () =>
        new ModbusRegisterBackend(client, {
          table: "holding",
          address: 1,
          choices: ["a"],
          decimalPlaces: 1,
        }),
    ).toThrow(/choices/);
    const coil = modbusSignalR(client, { table: "coil", address: 0 });
    await expect(coil.get()).rejects.toMatchObject({ exceptionCode: 1 });
  });
});

describe("Modbus signal subscriptions", () => {
  it("poll on the clock and report each change once", async () => {
    const { client } = await rig();
    const sp1 = modbusSignalR(
      client,
      { table: "holding", address: 24, type: "int16", decimalPlaces: 1 },
      { clock: realClock, pollPeriod: 0.02 },
    );
    const values: number[] = [];
    const stop = sp1.subscribeValue((value) => values.push(value));
    await vi.waitFor(() => expect(values).toEqual([150]));
    await client.writeRegisters(24, [1600]);
    await vi.waitFor(() => expect(values).toEqual([150, 160]));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(values).toEqual([150, 160]);
    stop();
  });

  it("poll only when the clock says so", async () => {
    const { emu, client } = await rig();
    const clock = new VirtualClock({ start: 0, auto: false });
    const pv = modbusSignalR(
      client,
      { table: "holding", address: 24, type: "int16", decimalPlaces: 1 },
      { clock, pollPeriod: 1 },
    );
    const readings: Array<Reading<number>> = [];
    const stop = pv.subscribe((reading) => readings.push(reading));
    await vi.waitFor(() => expect(readings).toHaveLength(1));
    const after = emu.requestCount;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(emu.requestCount).toBe(after);
    await clock.advance(1);
    await vi.waitFor(() => expect(emu.requestCount).toBe(after + 1));
    stop();
    await clock.advance(5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(emu.requestCount).toBe(after + 1);
  });

  it("flag the last value INVALID while the server is silent, and recover", async () => {
    const { emu, client } = await rig();
    const sp1 = modbusSignalR(
      client,
      { table: "holding", address: 24, type: "int16", decimalPlaces: 1 },
      { clock: realClock, pollPeriod: 0.02 },
    );
    const readings: Array<Reading<number>> = [];
    const stop = sp1.subscribe((reading) => readings.push(reading));
    await vi.waitFor(() => expect(readings).toHaveLength(1));
    emu.stopAnswering();
    await vi.waitFor(() => expect(readings).toHaveLength(2), { timeout: 2000 });
    expect(readings[1]).toMatchObject({ value: 150, alarm_severity: 3 });
    emu.resumeAnswering();
    await vi.waitFor(() => expect(readings).toHaveLength(3), { timeout: 2000 });
    expect(readings[2]?.value).toBe(150);
    expect(readings[2]?.alarm_severity).toBeUndefined();
    stop();
  });

  it("tell a subscriber, not the process, that the first read failed, naming the signal", async () => {
    const client = new ModbusClient({ host: "127.0.0.1", port: await unusedPort(), timeout: 0.2 });
    cleanups.push(() => client.close());
    const current = modbusSignalR(
      client,
      { table: "input", address: 1, type: "int16" },
      { name: "ring_current", clock: realClock },
    );
    const errors: Error[] = [];
    const stop = current.subscribe(() => undefined, { onError: (error) => errors.push(error) });
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 2000 });
    expect(errors[0]).toBeInstanceOf(SignalReadError);
    expect(errors[0]!.message).toMatch(/^reading ring_current failed: /);
    stop();
    // Without a listener the error is logged: no unhandled rejection ends the test run.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const unsubscribe = current.subscribeValue(() => undefined);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledOnce(), { timeout: 2000 });
    expect(String(warn.mock.calls[0]![0])).toContain("reading ring_current failed");
    warn.mockRestore();
    unsubscribe();
  });
});
