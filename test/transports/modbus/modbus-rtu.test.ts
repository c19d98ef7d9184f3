// ModbusClient over RTU: a real serial link (a socat pty pair) to Debian's pymodbus serial
// server, which frames and checks CRCs with its own code. The pair can vanish like an
// unplugged adapter and come back.
import { afterEach, describe, expect, it } from "vitest";
import type { ModbusConnectionState } from "../../../src/transports/index.js";
import {
  ModbusClient,
  ModbusExceptionError,
  ReplyTimeoutError,
} from "../../../src/transports/index.js";
import { pymodbus, socat } from "../../support/peers.js";
import { ptyPair } from "../../support/pty-pair.js";
import { startPymodbusRtuServer } from "./pymodbus-peer.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig() {
  const pair = await ptyPair();
  cleanups.push(() => pair.kill());
  const server = await startPymodbusRtuServer({
    unit: 2,
    holding: [11, 22, 33, 0x41c4, 0],
    path: pair.b,
    baudRate: 19200,
  });
  cleanups.push(() => server.stop());
  const client = new ModbusClient({
    path: pair.a,
    baudRate: 19200,
    parity: "none",
    unitId: 2,
    timeout: 0.5,
    reconnect: { initialDelay: 0.05, maxDelay: 0.2 },
  });
  cleanups.push(() => client.close());
  return { pair, client };
}

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

describe.skipIf(!socat().available || !pymodbus().available)("ModbusClient over RTU", () => {
  it("reads and writes registers through a pymodbus serial server", async () => {
    const { pair, client } = await rig();
    expect(client.port).toBe(`modbus-rtu:${pair.a}`);
    expect(await client.readHoldingRegisters(0, 5)).toEqual([11, 22, 33, 0x41c4, 0]);
    await client.writeRegisters(1, [99, 100]);
    await client.writeRegister(0, 7);
    expect(await client.readHoldingRegisters(0, 3)).toEqual([7, 99, 100]);
  });

  it("turns an RTU exception reply into a ModbusExceptionError naming the serial port", async () => {
    const { pair, client } = await rig();
    const error = await client.readHoldingRegisters(10, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModbusExceptionError);
    expect((error as Error).message).toBe(
      `modbus-rtu:${pair.a}: read holding registers (FC03) unit 2 at 0x000a (10) ×3 failed:` +
        " exception 2 ILLEGAL DATA ADDRESS",
    );
  });

  it("times out on a unit that is not on the bus, then talks to the one that is", async () => {
    const { client } = await rig();
    await expect(client.withUnit(5).readHoldingRegisters(0)).rejects.toBeInstanceOf(
      ReplyTimeoutError,
    );
    expect(await client.readHoldingRegisters(0)).toEqual([11]);
  });

  it("reopens the port after it vanishes and comes back", async () => {
    const { pair, client } = await rig();
    expect(await client.readHoldingRegisters(2)).toEqual([33]);
    await pair.vanish();
    // The port reports the loss by itself or, when the far end is held open, on the next
    // write (EIO): the request fails either way, naming the port.
    const error = await client.readHoldingRegisters(2).catch((e: unknown) => e);
    expect(["HIL_TRANSPORT_DROPPED", "HIL_TRANSPORT_UNAVAILABLE"]).toContain(
      (error as { code?: string }).code,
    );
    expect((error as Error).message.startsWith(`modbus-rtu:${pair.a}: `)).toBe(true);
    expect(client.state).toBe("reconnecting");
    await pair.restart();
    await waitForState(client, "open");
    // The server reopens its end on its own schedule; retry until it answers.
    let words: number[] | undefined;
    for (let i = 0; i < 20 && !words; i++) {
      words = await client.readHoldingRegisters(2).catch(() => undefined);
    }
    expect(words).toEqual([33]);
  });
});
