// Our ModbusClient and Modbus signals against an independent server: Debian's pymodbus with a
// datastore of known values. What goes over the wire has to agree with someone else's code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ModbusClient,
  ModbusExceptionError,
  modbusSignalR,
  modbusSignalRW,
} from "../../../src/transports/index.js";
import { pymodbus } from "../../support/peers.js";
import type { PymodbusServer } from "./pymodbus-peer.js";
import { startPymodbusServer } from "./pymodbus-peer.js";

describe.skipIf(!pymodbus().available)("ModbusClient against a pymodbus server", () => {
  let server: PymodbusServer;
  let client: ModbusClient;

  beforeAll(async () => {
    server = await startPymodbusServer({
      unit: 3,
      // 0: 1234, 1-2: float32 24.5 high word first, 3-4: the same word swapped, 5: -2 as int16,
      // 6-7: uint32 0x12345678, 8..15 zeros for writes.
      holding: [1234, 0x41c4, 0x0000, 0x0000, 0x41c4, 0xfffe, 0x1234, 0x5678, ...Array(8).fill(0)],
      input: [7, 0x3f80, 0x0000, 245],
      coils: [true, false, true, true, false, false, false, false, true],
      discrete: [false, true, true],
    });
    client = new ModbusClient({ host: "127.0.0.1", port: server.port, unitId: 3, timeout: 2 });
    await client.connect(10);
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it("reads holding and input registers as uint16 words", async () => {
    expect(await client.readHoldingRegisters(0, 8)).toEqual([
      1234, 0x41c4, 0, 0, 0x41c4, 0xfffe, 0x1234, 0x5678,
    ]);
    expect(await client.readInputRegisters(0, 4)).toEqual([7, 0x3f80, 0, 245]);
  });

  it("reads coils and discrete inputs as booleans, exactly `count` of them", async () => {
    expect(await client.readCoils(0, 9)).toEqual([
      true,
      false,
      true,
      true,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(await client.readDiscreteInputs(0, 3)).toEqual([false, true, true]);
  });

  it("writes registers and coils that pymodbus stores", async () => {
    await client.writeRegister(8, 0xbeef);
    await client.writeRegisters(9, [1, 2, 3]);
    await client.writeCoil(1, true);
    await client.writeCoils(4, [true, false, true]);
    expect(await client.readHoldingRegisters(8, 4)).toEqual([0xbeef, 1, 2, 3]);
    expect(await client.readCoils(0, 7)).toEqual([true, true, true, true, true, false, true]);
  });

  it("decodes typed signals: float32 in both word orders, int16, uint32, scaled input", async () => {
    const big = modbusSignalR(client, { table: "holding", address: 1, type: "float32" });
    const little = modbusSignalR(client, {
      table: "holding",
      address: 3,
      type: "float32",
      wordOrder: "little",
    });
    const signed = modbusSignalR(client, { table: "holding", address: 5, type: "int16" });
    const wide = modbusSignalR(client, { table: "holding", address: 6, type: "uint32" });
    const scaled = modbusSignalR(client, {
      table: "input",
      address: 3,
      type: "int16",
      decimalPlaces: 1,
    });
    const bit = modbusSignalR(client, { table: "discrete", address: 1 });
    expect(await Promise.all([big, little, signed, wide, scaled, bit].map((s) => s.get()))).toEqual(
      [24.5, 24.5, -2, 0x12345678, 24.5, true],
    );
  });

  it("writes a float32 pair with FC16 that reads back through the raw words", async () => {
    const signal = modbusSignalRW(client, {
      table: "holding",
      address: 12,
      type: "float32",
      wordOrder: "little",
    });
    await signal.set(-2.5);
    // -2.5 is 0xC0200000; word swapped: low word first.
    expect(await client.readHoldingRegisters(12, 2)).toEqual([0x0000, 0xc020]);
    expect(await signal.get()).toBe(-2.5);
  });

  it("turns pymodbus's exception 2 into a ModbusExceptionError naming the address", async () => {
    const error = await client.readHoldingRegisters(100, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusExceptionError);
    expect(error).toMatchObject({
      code: "HIL_MODBUS_EXCEPTION",
      exceptionCode: 2,
      exceptionName: "ILLEGAL DATA ADDRESS",
      functionCode: 3,
      address: 100,
      unitId: 3,
      port: `modbus-tcp:127.0.0.1:${server.port}`,
    });
    expect((error as Error).message).toContain("at 0x0064 (100)");
  });
});
