// The Lake Shore 336 driver against the 336 emulator over an in-memory pair on a VirtualClock
// (fast, exact timing), and over TCP on the real clock.
import { afterEach, describe, expect, it } from "vitest";
import type { WatcherUpdate } from "../../../src/core/index.js";
import {
  MoveInterruptedError,
  NotConnectedError,
  StatusTimeoutError,
  VirtualClock,
  isTemperatureController,
  realClock,
} from "../../../src/core/index.js";
import { TcpTransport, memoryPair } from "../../../src/transports/index.js";
import type { LakeShore336EmulatorOptions } from "../../../sim/index.js";
import { LakeShore336Emulator } from "../../../sim/index.js";
import type { LakeShore336Options } from "../../../drivers/lakeshore-336/index.js";
import {
  LakeShore336,
  LakeShore336Error,
  lakeshore336Channel,
} from "../../../drivers/lakeshore-336/index.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface RigOptions {
  emulator?: Omit<LakeShore336EmulatorOptions, "transport" | "clock">;
  device?: Partial<Omit<LakeShore336Options, "channel" | "clock" | "name">>;
  connect?: boolean;
}

/** Emulator and driver joined by an in-memory pair on one VirtualClock. */
async function rig({ emulator: emu = {}, device = {}, connect = true }: RigOptions = {}) {
  const clock = new VirtualClock();
  const [host, far] = memoryPair("host", "ls336");
  const emulator = new LakeShore336Emulator({ transport: far, clock, ...emu });
  await emulator.start();
  const channel = lakeshore336Channel(host, { clock, timeout: 0.5, retries: 0 });
  cleanups.push(
    () => emulator.close(),
    () => channel.close(),
  );
  const tc = new LakeShore336({
    name: "tc1",
    clock,
    channel,
    tolerance: 0.1,
    settleTime: 5,
    pollPeriod: 0.5,
    ...device,
  });
  if (connect) await tc.connect({ timeout: 2 });
  return { clock, emulator, tc };
}

describe("LakeShore336 against the emulator", () => {
  it("is a TemperatureController reading KRDG? of its input as its hinted field", async () => {
    const { tc, emulator } = await rig();
    expect(isTemperatureController(tc)).toBe(true);
    expect(tc.info).toEqual({
      manufacturer: "LSCI",
      model: "MODEL336",
      serial: "1234567/1234567",
      firmware: "2.9",
    });
    const reading = await tc.read();
    expect(Object.keys(reading).sort()).toEqual([
      "tc1",
      "tc1_heater",
      "tc1_ramping",
      "tc1_setpoint",
    ]);
    expect(reading.tc1?.value).toBe(77);
    expect(reading.tc1_ramping?.value).toBe(false);
    const configuration = await tc.readConfiguration();
    expect(Object.fromEntries(Object.entries(configuration).map(([k, r]) => [k, r.value]))).toEqual(
      {
        tc1_ramp_rate: 0,
        tc1_range: "High",
        tc1_proportional: 50,
        tc1_integral: 20,
        tc1_derivative: 0,
        tc1_tolerance: 0.1,
        tc1_settle_time: 5,
      },
    );
    const keys = await tc.describe();
    expect(keys.tc1).toMatchObject({ units: "K", source: "lakeshore336://memory:host/KRDG/A" });
    expect((await tc.describeConfiguration()).tc1_ramp_rate?.units).toBe("K/min");
    // *CLS;*IDN? first, every request checked with *ESR? on the same line.
    expect(emulator.received[0]).toBe("*CLS;*IDN?;*ESR?");
    expect(emulator.received.every((line) => line.endsWith(";*ESR?"))).toBe(true);
  });

  it("set(T) writes SETP and completes once settled, reporting progress", async () => {
    const { clock, emulator, tc } = await rig();
    const updates: WatcherUpdate[] = [];
    const status = tc.set(120);
    status.watch((update) => updates.push(update));
    await status;
    expect(emulator.received).toContain("SETP 1,120;*ESR?");
    expect(Math.abs(emulator.temperature("A") - 120)).toBeLessThanOrEqual(0.1);
    expect(await tc.setpoint.get()).toBe(120);
    expect(await tc.locate()).toMatchObject({ setpoint: 120 });
    expect(updates.length).toBeGreaterThan(3);
    expect(updates[0]).toMatchObject({ initial: 77, target: 120 });
    expect(updates.at(-1)?.fraction).toBeGreaterThan(0.99);
    expect(await tc.heater.get()).toBeGreaterThan(0);
    expect(clock.now()).toBeGreaterThan(5);
  });

  it("ramps at the RAMP rate in K/min, shows RAMPST? and writing 0 turns the ramp off", async () => {
    const { clock, emulator, tc } = await rig();
    await tc.rampRate.set(60);
    expect(emulator.received).toContain("RAMP? 1;*ESR?");
    expect(emulator.received).toContain("RAMP 1,1,60;*ESR?");
    expect(await tc.rampRate.get()).toBe(60);
    const start = clock.now();
    const status = tc.set(97);
    await clock.sleep(5);
    expect(await tc.ramping.get()).toBe(true);
    await status;
    // 20 K at 1 K/s takes 20 s; then it settles for 5 s.
    expect(clock.now() - start).toBeGreaterThan(20);
    expect(await tc.ramping.get()).toBe(false);
    await tc.rampRate.set(0);
    expect(emulator.received.slice(-2)).toEqual(["RAMP? 1;*ESR?", "RAMP 1,0,60;*ESR?"]);
    expect(await tc.rampRate.get()).toBe(0);
    expect(emulator.settings(1)).toMatchObject({ rampOn: false, rampRate: 60 });
  });

  it("range Off leaves the heater at 0 % and the stage at ambient, so a set() times out", async () => {
    const { clock, emulator, tc } = await rig();
    await tc.range.set("Off");
    expect(emulator.received).toContain("RANGE 1,0;*ESR?");
    expect(await tc.range.get()).toBe("Off");
    const status = tc.set(150, { timeout: 30 });
    await expect(status).rejects.toThrow(StatusTimeoutError);
    expect(clock.now()).toBeCloseTo(30, 6);
    expect(await tc.heater.get()).toBe(0);
    expect(await tc.temperature.get()).toBe(77);
    // Medium gives a tenth of the power: 30 K above ambient at most.
    await tc.range.set("Medium");
    await clock.sleep(600);
    expect(await tc.temperature.get()).toBeCloseTo(107, 1);
    expect(await tc.heater.get()).toBe(100);
  });

  it("writes the configured range at connect", async () => {
    const { emulator, tc } = await rig({ device: { range: "Low" }, emulator: { range: 0 } });
    expect(await tc.range.get()).toBe("Low");
    expect(emulator.settings(1).range).toBe(1);
  });

  it("writes one PID gain with the other two as read back", async () => {
    const { emulator, tc } = await rig();
    await tc.integral.set(35.5);
    expect(emulator.received.slice(-2)).toEqual(["PID? 1;*ESR?", "PID 1,50,35.5,0;*ESR?"]);
    expect(emulator.settings(1).pid).toEqual({ p: 50, i: 35.5, d: 0 });
    expect(await tc.integral.get()).toBe(35.5);
  });

  it("reads another input and output when configured", async () => {
    const { emulator, tc } = await rig({ device: { input: "B", output: 2 } });
    await tc.set(90);
    expect(emulator.received).toContain("SETP 2,90;*ESR?");
    expect(emulator.received).toContain("KRDG? B;RDGST? B;*ESR?");
    expect(Math.abs(emulator.temperature("B") - 90)).toBeLessThanOrEqual(0.1);
    expect(emulator.temperature("A")).toBe(77);
  });

  it("reads RDGST? with each temperature: a sensor fault shows as alarm severity", async () => {
    const { emulator, tc } = await rig();
    expect((await tc.read()).tc1).not.toHaveProperty("alarm_severity");
    emulator.setReadingStatus("A", 32);
    expect((await tc.read()).tc1).toMatchObject({ value: 0, alarm_severity: 2 });
    emulator.setReadingStatus("A", 1);
    expect((await tc.read()).tc1).toMatchObject({ value: 0, alarm_severity: 3 });
    emulator.setReadingStatus("A", 0);
    expect((await tc.read()).tc1).toEqual({ value: 77, timestamp: expect.any(Number) });
  });

  it("fails a refused command with a LakeShore336Error naming the device, port and *ESR?", async () => {
    const { tc } = await rig();
    const failure = await tc.set(-5).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(LakeShore336Error);
    expect((failure as LakeShore336Error).message).toBe(
      'tc1 (Lake Shore 336 at memory:host): "SETP 1,-5;*ESR?" was refused: ' +
        "*ESR? 16 (execution error: a parameter out of range)",
    );
    expect((failure as LakeShore336Error).esr).toBe(16);
  });

  it("a new set() fails the one in progress; stop() holds the temperature it has reached", async () => {
    const { clock, emulator, tc } = await rig();
    const first = tc.set(200);
    const superseded = Promise.resolve(first).then(
      () => "done",
      (error: unknown) => error,
    );
    await clock.sleep(1);
    const second = tc.set(150);
    expect(await superseded).toBeInstanceOf(MoveInterruptedError);
    await clock.sleep(1);
    const stopped = Promise.resolve(second).then(
      () => "done",
      (error: unknown) => error,
    );
    await tc.stop();
    expect(await stopped).toBeInstanceOf(MoveInterruptedError);
    const held = emulator.settings(1).setpoint;
    expect(held).toBeGreaterThan(77);
    expect(held).toBeLessThan(150);
  });

  it("names the device when the reply never comes", async () => {
    const { emulator, tc } = await rig();
    emulator.dropNextReply();
    await expect(tc.temperature.get()).rejects.toThrow(
      /^tc1 \(Lake Shore 336 at memory:host\): "KRDG\? A;RDGST\? A;\*ESR\?" got no reply/,
    );
  });

  it("refuses to connect to something that is not a 336", async () => {
    const { tc } = await rig({ emulator: { identity: "LSCI,MODEL335,1,1.0" }, connect: false });
    const failure = await tc.connect({ timeout: 2 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(NotConnectedError);
    expect((failure as NotConnectedError).message).toBe(
      "tc1 failed to connect:\n" +
        '  tc1: tc1 (Lake Shore 336 at memory:host): "*CLS;*IDN?;*ESR?" gave ' +
        '"LSCI,MODEL335,1,1.0": not a Lake Shore 336',
    );
  });
});

describe("LakeShore336 over TCP", () => {
  it("connects to the emulator's TCP port and settles on the real clock", async () => {
    const emulator = new LakeShore336Emulator({ clock: realClock, timeConstant: 0.5, dt: 0.005 });
    const listener = await emulator.serveTcp();
    const channel = lakeshore336Channel(
      new TcpTransport({ host: "127.0.0.1", port: listener.port }),
      { clock: realClock },
    );
    cleanups.push(
      () => listener.close(),
      () => channel.close(),
    );
    const tc = new LakeShore336({
      name: "tc1",
      channel,
      tolerance: 0.5,
      settleTime: 0.1,
      pollPeriod: 0.02,
    });
    await tc.connect({ timeout: 2 });
    await tc.set(90);
    expect(Math.abs((await tc.temperature.get()) - 90)).toBeLessThanOrEqual(0.5);
    expect(tc.temperature.source).toBe(`lakeshore336://tcp:127.0.0.1:${listener.port}/KRDG/A`);
  });
});
