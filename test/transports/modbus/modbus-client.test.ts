// ModbusClient over real TCP loopback: against the Eurotherm emulator for exceptions, faults
// and reconnection, and against a bare modbus-serial server that counts requests in flight.
import modbusSerial from "modbus-serial";
import { afterEach, describe, expect, it } from "vitest";
import type { ModbusClientOptions, ModbusConnectionState } from "../../../src/transports/index.js";
import {
  ModbusClient,
  ModbusExceptionError,
  ReplyTimeoutError,
  TransportClosedError,
  TransportDroppedError,
  TransportOpenError,
  TransportUnavailableError,
} from "../../../src/transports/index.js";
import { Eurotherm3200Emulator } from "../../../sim/index.js";
import { unusedPort } from "../../support/unused-port.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulator(): Promise<Eurotherm3200Emulator> {
  const emu = await Eurotherm3200Emulator.start({ setpoint: 150 });
  cleanups.push(() => emu.stop());
  return emu;
}

function client(port: number, options: Partial<ModbusClientOptions> = {}): ModbusClient {
  const made = new ModbusClient({
    host: "127.0.0.1",
    port,
    timeout: 0.5,
    reconnect: { initialDelay: 0.02, maxDelay: 0.1 },
    ...options,
  } as ModbusClientOptions);
  cleanups.push(() => made.close());
  return made;
}

function waitForState(c: ModbusClient, state: ModbusConnectionState): Promise<void> {
  if (c.state === state) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = c.onStateChange((now) => {
      if (now !== state) return;
      stop();
      resolve();
    });
  });
}

describe("ModbusClient against the Eurotherm emulator", () => {
  it("reads and writes holding registers", async () => {
    const emu = await emulator();
    const c = client(emu.port);
    expect(c.state).toBe("idle");
    await c.connect();
    expect(c.state).toBe("open");
    expect(await c.readHoldingRegisters(24, 3)).toEqual([1500, 1500, 1500]);
    await c.writeRegisters(24, [2345]);
    await c.writeRegister(25, 1234);
    expect(await c.readHoldingRegisters(24, 2)).toEqual([2345, 1234]);
    expect(emu.setpoint).toBe(234.5);
  });

  it("turns exceptions into ModbusExceptionErrors naming port, unit, function and address", async () => {
    const emu = await emulator();
    const c = client(emu.port);
    const unknown = await c.readHoldingRegisters(10).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ModbusExceptionError);
    expect((unknown as Error).message).toBe(
      `modbus-tcp:127.0.0.1:${emu.port}: read holding registers (FC03) unit 1 at 0x000a (10)` +
        " failed: exception 2 ILLEGAL DATA ADDRESS",
    );
    const bad = await c.writeRegisters(2, [20000]).catch((e: unknown) => e);
    expect(bad).toMatchObject({ exceptionCode: 3, functionCode: 16, address: 2 });
    const noCoils = await c.readCoils(0, 4).catch((e: unknown) => e);
    expect(noCoils).toMatchObject({ exceptionCode: 1, exceptionName: "ILLEGAL FUNCTION" });
    emu.failNext(6);
    const busy = await c.readHoldingRegisters(1).catch((e: unknown) => e);
    expect(busy).toMatchObject({ exceptionCode: 6, exceptionName: "SERVER DEVICE BUSY" });
    emu.failNext();
    expect(await c.readHoldingRegisters(1).catch((e: unknown) => e)).toMatchObject({
      code: "HIL_MODBUS_EXCEPTION",
      exceptionCode: 4,
      exceptionName: "SERVER DEVICE FAILURE",
    });
    // The link stays good after exceptions.
    expect(await c.readHoldingRegisters(24)).toEqual([1500]);
  });

  it("times out a request the server never answers, and carries on afterwards", async () => {
    const emu = await emulator();
    const c = client(emu.port, { timeout: 0.2 });
    await c.connect();
    emu.stopAnswering();
    const started = performance.now();
    const error = await c.readHoldingRegisters(24).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ReplyTimeoutError);
    expect((error as Error).message).toMatch(/no reply to .*FC03.*within 0.2 s/);
    expect(elapsed).toBeGreaterThan(150);
    expect(elapsed).toBeLessThan(1000);
    emu.resumeAnswering();
    expect(await c.readHoldingRegisters(24)).toEqual([1500]);
  });

  it("gets no answer from a unit id the server does not have", async () => {
    const emu = await emulator();
    const c = client(emu.port, { timeout: 0.2 });
    const other = c.withUnit(7);
    expect(other.unitId).toBe(7);
    await expect(other.readHoldingRegisters(1)).rejects.toThrow(/unit 7 .*within 0.2 s/);
    // Same connection, same queue.
    expect(other.state).toBe(c.state);
    expect(await c.readHoldingRegisters(24)).toEqual([1500]);
  });

  it("reconnects with backoff after the server vanishes and comes back", async () => {
    const emu = await emulator();
    const c = client(emu.port, { timeout: 0.3 });
    const states: ModbusConnectionState[] = [];
    c.onStateChange((state) => states.push(state));
    expect(await c.readHoldingRegisters(24)).toEqual([1500]);

    await emu.stop();
    await waitForState(c, "reconnecting");
    const down = await c.readHoldingRegisters(24).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(TransportUnavailableError);
    expect((down as Error).message).toContain(`modbus-tcp:127.0.0.1:${emu.port}`);

    // A request made while it is down waits (within its timeout) for the link to return.
    const pending = c.readHoldingRegisters(24);
    await emu.restart();
    expect(await pending).toEqual([1500]);
    expect(c.state).toBe("open");
    expect(states).toEqual(["connecting", "open", "reconnecting", "open"]);
  });

  it("reconnects after the connection alone is cut", async () => {
    const emu = await emulator();
    const c = client(emu.port);
    await c.connect();
    emu.dropConnections();
    await waitForState(c, "reconnecting");
    await waitForState(c, "open");
    expect(await c.readHoldingRegisters(24)).toEqual([1500]);
  });

  it("without background reconnection, reopens on the next request", async () => {
    const emu = await emulator();
    const c = client(emu.port, { reconnect: false });
    await c.connect();
    emu.dropConnections();
    await waitForState(c, "idle");
    expect(await c.readHoldingRegisters(24)).toEqual([1500]);
    expect(c.state).toBe("open");
  });

  it("fails to connect to a port nobody listens on, naming it", async () => {
    const port = await unusedPort();
    const c = client(port);
    const error = await c.connect(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportOpenError);
    expect((error as Error).message).toMatch(
      new RegExp(`modbus-tcp:127.0.0.1:${port}: cannot open: .*ECONNREFUSED`),
    );
    expect(c.state).toBe("idle");
  });

  it("refuses every request after close()", async () => {
    const emu = await emulator();
    const c = client(emu.port);
    await c.connect();
    await c.close();
    expect(c.state).toBe("closed");
    await expect(c.readHoldingRegisters(24)).rejects.toBeInstanceOf(TransportClosedError);
    await expect(c.connect()).rejects.toBeInstanceOf(TransportClosedError);
  });

  it("close() fails the request in flight and every queued one, naming each", async () => {
    const emu = await emulator();
    const c = client(emu.port, { timeout: 5 });
    await c.connect();
    emu.stopAnswering();
    const inFlight = c.readHoldingRegisters(24).catch((e: unknown) => e);
    const queued = [c.readHoldingRegisters(1), c.writeRegister(2, 100)].map((p) =>
      p.catch((e: unknown) => e),
    );
    while (emu.requestCount === 0) await new Promise((resolve) => setImmediate(resolve));
    await c.close();
    const first = await inFlight;
    expect(first).toBeInstanceOf(TransportDroppedError);
    expect((first as Error).message).toBe(
      `modbus-tcp:127.0.0.1:${emu.port}: dropped while waiting for read holding registers ` +
        "(FC03) unit 1 at 0x0018 (24): the client was closed",
    );
    const rest = await Promise.all(queued);
    expect(rest.map((e) => e instanceof TransportClosedError)).toEqual([true, true]);
    expect((rest[1] as Error).message).toBe(
      `modbus-tcp:127.0.0.1:${emu.port}: the client is closed; ` +
        "write single register (FC06) unit 1 at 0x0002 (2) was not sent",
    );
    expect(emu.requestCount).toBe(1);
  });

  it("fails the request in flight when the connection is cut, then serves the next", async () => {
    const emu = await emulator();
    const c = client(emu.port, { timeout: 5 });
    await c.connect();
    emu.stopAnswering();
    const inFlight = c.readHoldingRegisters(24).catch((e: unknown) => e);
    const next = c.readHoldingRegisters(24);
    while (emu.requestCount === 0) await new Promise((resolve) => setImmediate(resolve));
    emu.resumeAnswering();
    emu.dropConnections();
    const error = await inFlight;
    expect(error).toBeInstanceOf(TransportDroppedError);
    expect((error as Error).message).toContain(`modbus-tcp:127.0.0.1:${emu.port}`);
    expect(await next).toEqual([1500]);
  });

  it("checks addresses, counts and values before sending", async () => {
    const emu = await emulator();
    const c = client(emu.port);
    await expect(c.readHoldingRegisters(1, 126)).rejects.toThrow(/count must be 1\.\.125/);
    await expect(c.readHoldingRegisters(0x10000)).rejects.toThrow(/address/);
    await expect(c.readHoldingRegisters(0xffff, 2)).rejects.toThrow(/within 0\.\.65535/);
    await expect(c.writeRegister(2, 0x10000)).rejects.toThrow(/uint16/);
    await expect(c.writeRegisters(2, [])).rejects.toThrow(/count/);
    expect(() => new ModbusClient({ host: "127.0.0.1", unitId: 300 })).toThrow(/unitId/);
    expect(() => new ModbusClient({ host: "127.0.0.1", timeout: 0 })).toThrow(/timeout/);
    expect(emu.requestCount).toBe(0);
  });

  it("names TCP and RTU links in the shape errors and sources use", () => {
    const tcp = new ModbusClient({ host: "10.0.0.5", port: 5020, unitId: 2 });
    expect([tcp.port, tcp.url, tcp.unitId]).toEqual([
      "modbus-tcp:10.0.0.5:5020",
      "modbus://10.0.0.5:5020",
      2,
    ]);
    const rtu = new ModbusClient({ path: "/dev/ttyUSB0", baudRate: 19200, parity: "even" });
    expect([rtu.port, rtu.url, rtu.unitId]).toEqual([
      "modbus-rtu:/dev/ttyUSB0",
      "modbus-rtu:///dev/ttyUSB0",
      1,
    ]);
  });
});

describe("ModbusClient request queue", () => {
  /** A bare modbus-serial server whose reads take 3 ms and that counts requests in flight. */
  async function countingServer() {
    const stats = { inFlight: 0, maxInFlight: 0, served: [] as number[] };
    const port = await unusedPort();
    const server = new modbusSerial.ServerTCP(
      {
        getHoldingRegister: (address: number, _unit: number, cb: (e: null, v: number) => void) => {
          stats.inFlight++;
          stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
          setTimeout(() => {
            stats.inFlight--;
            stats.served.push(address);
            cb(null, address * 10);
          }, 3);
        },
      },
      { host: "127.0.0.1", port },
    );
    await new Promise((resolve) => server.on("initialized", resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    return { port, stats };
  }

  it("sends one request at a time, in the order they were made", async () => {
    const { port, stats } = await countingServer();
    const c = client(port);
    const addresses = Array.from({ length: 20 }, (_, i) => i);
    const results = await Promise.all(addresses.map((a) => c.readHoldingRegisters(a)));
    expect(results).toEqual(addresses.map((a) => [a * 10]));
    expect(stats.served).toEqual(addresses);
    expect(stats.maxInFlight).toBe(1);
  });

  it("(the server can see concurrency: bare modbus-serial pipelines requests)", async () => {
    const { port, stats } = await countingServer();
    const raw = new modbusSerial.default();
    await raw.connectTCP("127.0.0.1", { port });
    cleanups.push(() => new Promise((resolve) => raw.close(resolve)));
    raw.setTimeout(1000);
    await Promise.all([1, 2, 3, 4].map((a) => raw.readHoldingRegisters(a, 1)));
    expect(stats.maxInFlight).toBeGreaterThan(1);
  });
});
