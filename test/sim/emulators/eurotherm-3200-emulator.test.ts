// The Eurotherm 3200 emulator over real Modbus TCP: its register map checked word by word
// against the fact sheet, its physics against a ThermalLoop stepped here on the same virtual
// time, its exceptions and faults, and Debian's pymodbus client reading and writing it.
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { ModbusClient } from "../../../src/transports/index.js";
import type { Eurotherm3200EmulatorOptions } from "../../../sim/index.js";
import { Eurotherm3200Emulator, ThermalLoop } from "../../../sim/index.js";
import { pymodbus } from "../../support/peers.js";
import { runPymodbusClient } from "../../transports/modbus/pymodbus-peer.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(options: Eurotherm3200EmulatorOptions = {}) {
  const clock = new VirtualClock({ start: 1000, auto: false });
  const emu = await Eurotherm3200Emulator.start({ clock, ...options });
  const client = new ModbusClient({ host: "127.0.0.1", port: emu.port, timeout: 0.5 });
  cleanups.push(
    () => emu.stop(),
    () => client.close(),
  );
  return { clock, emu, client };
}

/** A float32 from two words, high word first, decoded here with a DataView. */
function float(words: number[]): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint16(0, words[0]!);
  view.setUint16(2, words[1]!);
  return view.getFloat32(0);
}

const int16 = (word: number): number => (word >= 0x8000 ? word - 0x10000 : word);

describe("Eurotherm 3200 emulator", () => {
  it("listens on a free port of 127.0.0.1 and reports it", async () => {
    const { emu } = await rig();
    expect(emu.port).toBeGreaterThan(0);
    expect(emu.url).toBe(`modbus://127.0.0.1:${emu.port}`);
    expect(emu.listening).toBe(true);
  });

  it("follows a ThermalLoop with the same settings on the same virtual time", async () => {
    const { clock, client } = await rig({ ambient: 20, timeConstant: 30, setpoint: 20 });
    const twin = new ThermalLoop({
      plant: { ambient: 20, gain: 400, timeConstant: 30 },
      pid: { kp: 0.05, ki: 0.05 / 30, kd: 0 },
      dt: 0.05,
      startTime: 1000,
    });
    twin.setSetpoint(20, 1000);
    await client.writeRegisters(2, [1000]); // TG.SP = 100.0 °C at t = 1000
    twin.setSetpoint(100, 1000);
    for (const t of [1002, 1005, 1010, 1030]) {
      await clock.advance(t - clock.now());
      const [pv] = await client.readHoldingRegisters(1);
      const [high, low] = await client.readHoldingRegisters(0x8002, 2);
      const [output] = await client.readHoldingRegisters(4);
      expect(float([high!, low!])).toBeCloseTo(twin.temperatureAt(t), 4);
      expect(int16(pv!)).toBe(Math.round(twin.temperatureAt(t) * 10));
      expect(output! / 10).toBeCloseTo(100 * twin.heaterOutputAt(t), 1);
    }
    expect(float(await client.readHoldingRegisters(0x8000 + 2 * 1, 2))).toBeGreaterThan(95);
  });

  it("serves the map: scaled integers, floats high word first, times as int32 ms", async () => {
    const { client } = await rig({ setpoint: 24.5, decimalPlaces: 1, timeConstant: 60 });
    // SP1 (24) = 24.5 °C → 245; TG.SP (2) the same; Ti (8) = 60 s; mode (199) auto.
    expect(await client.readHoldingRegisters(24)).toEqual([245]);
    expect(await client.readHoldingRegisters(2)).toEqual([245]);
    expect(await client.readHoldingRegisters(8)).toEqual([60]);
    expect(await client.readHoldingRegisters(199)).toEqual([0]);
    // Float region: 0x8000 + 2 × 24 holds 24.5 as 0x41C4 0x0000; Ti as 60000 ms.
    expect(await client.readHoldingRegisters(0x8030, 2)).toEqual([0x41c4, 0x0000]);
    expect(await client.readHoldingRegisters(0x8010, 2)).toEqual([0x0000, 60000]);
    // Input registers read the same map.
    expect(await client.readInputRegisters(24)).toEqual([245]);
  });

  it("scales temperatures by its decimal places", async () => {
    const { client } = await rig({ setpoint: 24.5, decimalPlaces: 2 });
    expect(await client.readHoldingRegisters(24)).toEqual([2450]);
    await client.writeRegisters(24, [3012]);
    expect(float(await client.readHoldingRegisters(0x8030, 2))).toBeCloseTo(30.12, 5);
  });

  it("takes setpoints in either region and limits them to SP.LO..SP.HI", async () => {
    const { emu, client } = await rig();
    await client.writeRegisters(2, [1234]);
    expect(emu.setpoint).toBe(123.4);
    await client.writeRegisters(0x8004, [0x42c8, 0x0000]); // 100.0 as float32
    expect(emu.setpoint).toBe(100);
    await client.writeRegister(2, 555); // FC06 too
    expect(emu.setpoint).toBe(55.5);
    // SP.HI (111) = 1000.0 by default: 1000.1 is refused with exception 3.
    await expect(client.writeRegisters(2, [10001])).rejects.toMatchObject({ exceptionCode: 3 });
    await client.writeRegisters(111, [2000]);
    await expect(client.writeRegisters(2, [2001])).rejects.toMatchObject({ exceptionCode: 3 });
    expect(emu.setpoint).toBe(55.5);
  });

  it("uses SP2 when selected and the remote setpoint when L-R is 1", async () => {
    const { emu, client } = await rig({ setpoint: 50 });
    await client.writeRegisters(25, [800]);
    await client.writeRegisters(15, [1]);
    expect(emu.setpoint).toBe(80);
    expect(await client.readHoldingRegisters(2)).toEqual([800]);
    await client.writeRegisters(26, [300]);
    expect(emu.setpoint).toBe(80);
    await client.writeRegisters(276, [1]);
    expect(emu.setpoint).toBe(30);
  });

  it("ramps the working setpoint at SP.RAT per minute", async () => {
    const { clock, client } = await rig({ setpoint: 20 });
    await client.writeRegisters(35, [600]); // 60.0 °C/min = 1 °C/s
    await client.writeRegisters(2, [1000]);
    await clock.advance(10);
    expect(await client.readHoldingRegisters(5)).toEqual([300]); // 20 + 10 s × 1 °C/s
    const status = (await client.readHoldingRegisters(75))[0]!;
    expect(status & 0x2000).toBe(0x2000); // ramp running
  });

  it("answers unknown addresses with exception 2 and bad values with 3", async () => {
    const { client } = await rig();
    const refused = async (work: Promise<unknown>) =>
      ((await work.catch((e: unknown) => e)) as { exceptionCode?: number }).exceptionCode;
    expect(await refused(client.readHoldingRegisters(10))).toBe(2);
    expect(await refused(client.readHoldingRegisters(1, 12))).toBe(2); // spans 10
    expect(await refused(client.readHoldingRegisters(0x8000 + 2 * 10, 2))).toBe(2);
    expect(await refused(client.writeRegisters(1, [100]))).toBe(2); // PV is read-only
    expect(await refused(client.readHoldingRegisters(274))).toBe(2); // ACK is write-only
    expect(await refused(client.writeRegisters(0x8005, [0, 0]))).toBe(2); // half a float
    expect(await refused(client.writeRegisters(7, [2]))).toBe(3); // CTRL.A is 0 or 1
    expect(await refused(client.writeRegisters(199, [1]))).toBe(3); // manual: not modelled
    expect(await refused(client.writeRegisters(0x8004, [0x7fc0, 0]))).toBe(3); // NaN
    expect(await refused(client.readCoils(0, 1))).toBe(1);
  });

  it("applies a block write whole or not at all", async () => {
    const { emu, client } = await rig({ setpoint: 50 });
    // SP1 (24) fine, SP2 (25) above SP.HI: neither is applied.
    await expect(client.writeRegisters(24, [600, 20000])).rejects.toMatchObject({
      exceptionCode: 3,
    });
    expect(await client.readHoldingRegisters(24, 2)).toEqual([500, 500]);
    expect(emu.setpoint).toBe(50);
  });

  it("fails the next request with exception 4, or stops answering, on demand", async () => {
    const { emu, client } = await rig();
    emu.failNext();
    await expect(client.readHoldingRegisters(1)).rejects.toMatchObject({ exceptionCode: 4 });
    expect(await client.readHoldingRegisters(24)).toHaveLength(1);
    emu.stopAnswering();
    await expect(client.readHoldingRegisters(1)).rejects.toMatchObject({
      code: "HIL_REPLY_TIMEOUT",
    });
    emu.resumeAnswering();
    expect(await client.readHoldingRegisters(24)).toHaveLength(1);
  });

  it("stops and restarts on the same port", async () => {
    const { emu } = await rig();
    const port = emu.port;
    await emu.stop();
    expect(emu.listening).toBe(false);
    await emu.restart();
    expect(emu.port).toBe(port);
    const again = new ModbusClient({ host: "127.0.0.1", port, timeout: 0.5 });
    cleanups.push(() => again.close());
    expect(await again.readHoldingRegisters(199)).toEqual([0]);
  });
});

describe.skipIf(!pymodbus().available)("Eurotherm 3200 emulator with pymodbus's client", () => {
  it("answers pymodbus: reads the PV and writes the setpoint", async () => {
    const { emu } = await rig({ setpoint: 42 });
    const out = await runPymodbusClient(
      emu.port,
      [
        "pv = client.read_holding_registers(1, 1, slave=1)",
        "out['pv'] = pv.registers",
        "sp = client.read_holding_registers(0x8000 + 2 * 2, 2, slave=1)",
        "out['sp_float'] = sp.registers",
        "w = client.write_registers(2, [873], slave=1)",
        "out['write_error'] = w.isError()",
        "out['sp'] = client.read_holding_registers(2, 1, slave=1).registers",
        "bad = client.read_holding_registers(10, 1, slave=1)",
        "out['bad'] = bad.exception_code if bad.isError() else None",
      ].join("\n"),
    );
    expect(out).toEqual({
      pv: [200], // 20.0 °C: the loop has not moved on virtual time
      sp_float: [0x4228, 0x0000], // 42.0 as float32
      write_error: false,
      sp: [873],
      bad: 2,
    });
    expect(emu.setpoint).toBe(87.3);
  });
});
