// Records the driver cassettes under test/cassettes/ from the drivers talking to their
// emulators, and holds the scenarios the replay tests run again against those cassettes.
// Re-record after a deliberate change of a driver's traffic:
//
//   npx tsx test/transports/cassette/record-fixtures.ts
//
// Both run on a VirtualClock, so a recording is the same every time and replays exactly.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Clock, Readings } from "../../../src/core/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import type { ByteTransport, ModbusClientLike } from "../../../src/transports/index.js";
import {
  CassetteRecorder,
  CassetteWriter,
  ModbusClient,
  memoryPair,
  recordModbus,
} from "../../../src/transports/index.js";
import {
  Eurotherm3200Emulator,
  Keithley6485Emulator,
  LakeShore336Emulator,
  Smc100Emulator,
} from "../../../sim/index.js";
import { Smc100Motor, smc100Channel } from "../../../drivers/newport-smc100/index.js";
import { Eurotherm3200 } from "../../../drivers/eurotherm-3200/index.js";
import type { Keithley6485Identity } from "../../../drivers/keithley-6485/index.js";
import { Keithley6485, keithley6485Channel } from "../../../drivers/keithley-6485/index.js";
import type { LakeShore336Identity } from "../../../drivers/lakeshore-336/index.js";
import { LakeShore336, lakeshore336Channel } from "../../../drivers/lakeshore-336/index.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export const SMC100_CASSETTE = join(root, "test/cassettes/newport-smc100/move.jsonl");
export const EUROTHERM_CASSETTE = join(root, "test/cassettes/eurotherm-3200/read-and-set.jsonl");
export const KEITHLEY6485_CASSETTE = join(root, "test/cassettes/keithley-6485/read.jsonl");
export const LAKESHORE336_CASSETTE = join(root, "test/cassettes/lakeshore-336/ramp-and-set.jsonl");

// ---- Newport SMC100 -------------------------------------------------------------------

/** What the SMC100 scenario saw: the same from the emulator and from its cassette. */
export interface Smc100Outcome {
  identity: { stage: string; firmware: string } | undefined;
  /** Readback after connect (and homing), after the move, and after the stop. */
  homed: number;
  moved: number;
  stopped: number;
  stopError: string;
  refusal: string;
  state: string;
}

/** A motor as the scenario drives it: homes on connect, polls every 0.2 s. */
export function smc100Motor(transport: ByteTransport, clock: Clock): Smc100Motor {
  const channel = smc100Channel(transport, { clock });
  return new Smc100Motor({ name: "m1", clock, channel, homeOnConnect: true, pollPeriod: 0.2 });
}

/** Connect (ID?, VE, TS, settings, home), move to 1, stop a move to 3, a refused SL1 (TE C). */
export async function smc100Scenario(motor: Smc100Motor, clock: Clock): Promise<Smc100Outcome> {
  await motor.connect();
  const homed = await motor.readback.get();
  await motor.set(1);
  const moved = await motor.readback.get();
  const interrupted = Promise.resolve(motor.set(3)).then(
    () => "not stopped",
    (error: unknown) => (error as Error).message,
  );
  await clock.sleep(0.45); // between two polls (every 0.2 s), so the order is the same each time
  await motor.stop();
  const stopError = await interrupted;
  const stopped = await motor.readback.get();
  const refusal = await Promise.resolve(motor.lowLimit.set(1)).then(
    () => "not refused",
    (error: unknown) => (error as Error).message,
  );
  const state = await motor.state.get();
  return { identity: motor.info, homed, moved, stopped, stopError, refusal, state };
}

/** Records the SMC100 scenario against the emulator into `path`. */
export async function recordSmc100(path = SMC100_CASSETTE): Promise<Smc100Outcome> {
  const clock = new VirtualClock();
  const [host, far] = memoryPair("host", "smc100");
  const emulator = new Smc100Emulator({
    transport: far,
    clock,
    axes: [{ address: 1, position: 0.3, velocity: 2, acceleration: 8, id: "LTA-HS" }],
  });
  await emulator.start();
  const writer = new CassetteWriter(path, {
    kind: "bytes",
    recorded:
      "newport-smc100: Smc100Motor against Smc100Emulator over a memory pair on a VirtualClock " +
      "(test/transports/cassette/record-fixtures.ts): connect with homing, move to 1, " +
      "stop a move to 3, SL1 refused (TE C)",
    clock,
  });
  const motor = smc100Motor(new CassetteRecorder(host, writer), clock);
  try {
    return await smc100Scenario(motor, clock);
  } finally {
    writer.close();
    await emulator.close();
    await host.close();
  }
}

// ---- Eurotherm 3200 -------------------------------------------------------------------

export interface EurothermOutcome {
  reading: Readings;
  configuration: Record<string, unknown>;
  settledAt: number;
  setpoint: number;
  failure: string;
}

/** The controller as the scenario drives it: settles within 0.5 for 0.3 s, polling at 0.1 s. */
export function eurotherm(client: ModbusClientLike, clock: Clock): Eurotherm3200 {
  return new Eurotherm3200({
    name: "tc",
    client,
    clock,
    tolerance: 0.5,
    settleTime: 0.3,
    pollPeriod: 0.1,
  });
}

/**
 * Connect, read, read the configuration, set 30 and wait for it to settle, then a read that
 * the controller refuses (SERVER DEVICE FAILURE: `refuseNext` arranges it when recording).
 */
export async function eurothermScenario(
  tc: Eurotherm3200,
  refuseNext: () => void = () => undefined,
): Promise<EurothermOutcome> {
  await tc.connect({ timeout: 2 });
  const reading = await tc.read();
  const configuration = Object.fromEntries(
    Object.entries(await tc.readConfiguration()).map(([key, r]) => [key, r.value]),
  );
  await tc.set(30);
  const settledAt = await tc.temperature.get();
  const setpoint = await tc.setpoint.get();
  refuseNext();
  const failure = await tc.heater.get().then(
    () => "not refused",
    (error: unknown) => (error as Error).message,
  );
  return { reading, configuration, settledAt, setpoint, failure };
}

/** Records the Eurotherm scenario against the emulator (Modbus TCP on 127.0.0.1) into `path`. */
export async function recordEurotherm(path = EUROTHERM_CASSETTE): Promise<EurothermOutcome> {
  const clock = new VirtualClock();
  const emulator = await Eurotherm3200Emulator.start({
    clock,
    ambient: 20,
    timeConstant: 0.5,
    pid: { kp: 0.02, ki: 0.04, kd: 0 },
    dt: 0.005,
  });
  const client = new ModbusClient({ host: "127.0.0.1", port: emulator.port, timeout: 1 });
  const writer = new CassetteWriter(path, {
    kind: "modbus",
    recorded:
      "eurotherm-3200: Eurotherm3200 against Eurotherm3200Emulator over Modbus TCP, on a " +
      "VirtualClock (test/transports/cassette/record-fixtures.ts): connect, read, read the " +
      "configuration, set 30 and settle, a read refused with exception 4",
    clock,
  });
  try {
    const tc = eurotherm(recordModbus(client, writer, { channel: "modbus-tcp:emulator" }), clock);
    return await eurothermScenario(tc, () => emulator.failNext(4));
  } finally {
    writer.close();
    await client.close();
    await emulator.stop();
  }
}

// ---- Keithley 6485 --------------------------------------------------------------------

/** What the Keithley scenario saw: the same from the emulator and from its cassette. */
export interface Keithley6485Outcome {
  identity: Keithley6485Identity | undefined;
  /** Range (A), autorange and NPLC read back after connect, and after they were changed. */
  connected: { range: number; autorange: boolean; nplc: number };
  changed: { range: number; autorange: boolean; nplc: number };
  /** The current (A) of each trigger and read: one before the change, one after. */
  readings: number[];
  refusal: string;
}

/** The picoammeter as the scenario drives it: 20 nA range and 1 NPLC written at connect. */
export function keithley6485(transport: ByteTransport, clock: Clock): Keithley6485 {
  const channel = keithley6485Channel(transport, { clock, timeout: 0.5, retries: 0 });
  return new Keithley6485({ name: "det", clock, channel, range: 2e-8, nplc: 1, readTimeout: 0.5 });
}

/**
 * Connect (*IDN?, *CLS, FORM:ELEM, RANG:AUTO OFF, RANG 2e-08, NPLC 1, ZCH OFF, each checked
 * with SYST:ERR?), trigger and read, set range 2e-7 and NPLC 0.5, trigger and read again,
 * then NPLC 7, which the instrument refuses (-222 "Data out of range").
 */
export async function keithley6485Scenario(det: Keithley6485): Promise<Keithley6485Outcome> {
  await det.connect({ timeout: 2 });
  const settings = async (): Promise<Keithley6485Outcome["connected"]> => ({
    range: await det.range.get(),
    autorange: await det.autorange.get(),
    nplc: await det.nplc.get(),
  });
  const connected = await settings();
  const readings: number[] = [];
  const measure = async (): Promise<void> => {
    await det.trigger();
    readings.push((await det.read()).det!.value as number);
  };
  await measure();
  await det.range.set(2e-7);
  await det.nplc.set(0.5);
  const changed = await settings();
  await measure();
  const refusal = await Promise.resolve(det.nplc.set(7)).then(
    () => "not refused",
    (error: unknown) => (error as Error).message,
  );
  return { identity: det.info, connected, changed, readings, refusal };
}

/** Records the Keithley scenario against the emulator (a current of 5 nA + 1 nA/s) into `path`. */
export async function recordKeithley6485(
  path = KEITHLEY6485_CASSETTE,
): Promise<Keithley6485Outcome> {
  const clock = new VirtualClock();
  const [host, far] = memoryPair("host", "k6485");
  const emulator = new Keithley6485Emulator({
    transport: far,
    clock,
    current: (t) => 5e-9 + 1e-9 * t,
  });
  await emulator.start();
  const writer = new CassetteWriter(path, {
    kind: "bytes",
    recorded:
      "keithley-6485: Keithley6485 against Keithley6485Emulator over a memory pair on a " +
      "VirtualClock (test/transports/cassette/record-fixtures.ts): connect with range 2e-8 and " +
      "NPLC 1, trigger and read, range 2e-7 and NPLC 0.5, trigger and read, NPLC 7 refused (-222)",
    clock,
  });
  const det = keithley6485(new CassetteRecorder(host, writer), clock);
  try {
    return await keithley6485Scenario(det);
  } finally {
    writer.close();
    await emulator.close();
    await host.close();
  }
}

// ---- Lake Shore 336 -------------------------------------------------------------------

/** What the Lake Shore scenario saw: the same from the emulator and from its cassette. */
export interface LakeShore336Outcome {
  identity: LakeShore336Identity | undefined;
  reading: Record<string, unknown>;
  configuration: Record<string, unknown>;
  /** Ramping (RAMPST?) a moment into the set, the temperature it settled at, then the setpoint. */
  rampingDuringSet: boolean;
  settledAt: number;
  setpoint: number;
  integral: number;
  refusal: string;
}

/** One loop as the scenario drives it: input A, output 1, range Medium written at connect. */
export function lakeshore336(transport: ByteTransport, clock: Clock): LakeShore336 {
  const channel = lakeshore336Channel(transport, { clock, timeout: 0.5, retries: 0 });
  return new LakeShore336({
    name: "tc1",
    clock,
    channel,
    input: "A",
    output: 1,
    range: "Medium",
    tolerance: 0.1,
    settleTime: 2,
    pollPeriod: 1,
  });
}

const values = (readings: Readings): Record<string, unknown> =>
  Object.fromEntries(Object.entries(readings).map(([key, r]) => [key, r.value]));

/**
 * Connect (*CLS;*IDN?, RANGE 1,2, every setting read), read, read the configuration, ramp at
 * 30 K/min, set 85 K and settle, write the integral gain, then SETP 1,-5, which the instrument
 * refuses (*ESR? 16). Every request carries ;*ESR?.
 */
export async function lakeshore336Scenario(
  tc: LakeShore336,
  clock: Clock,
): Promise<LakeShore336Outcome> {
  await tc.connect({ timeout: 2 });
  const reading = values(await tc.read());
  const configuration = values(await tc.readConfiguration());
  await tc.rampRate.set(30);
  const status = tc.set(85);
  await clock.sleep(3.5); // between two polls (every 1 s), so the order is the same each time
  const rampingDuringSet = await tc.ramping.get();
  await status;
  const settledAt = await tc.temperature.get();
  const setpoint = await tc.setpoint.get();
  await tc.integral.set(25);
  const integral = await tc.integral.get();
  const refusal = await Promise.resolve(tc.set(-5)).then(
    () => "not refused",
    (error: unknown) => (error as Error).message,
  );
  return {
    identity: tc.info,
    reading,
    configuration,
    rampingDuringSet,
    settledAt,
    setpoint,
    integral,
    refusal,
  };
}

/** Records the Lake Shore scenario against the emulator (77 K, range Off at power-up) into `path`. */
export async function recordLakeShore336(
  path = LAKESHORE336_CASSETTE,
): Promise<LakeShore336Outcome> {
  const clock = new VirtualClock();
  const [host, far] = memoryPair("host", "ls336");
  const emulator = new LakeShore336Emulator({ transport: far, clock, range: 0 });
  await emulator.start();
  const writer = new CassetteWriter(path, {
    kind: "bytes",
    recorded:
      "lakeshore-336: LakeShore336 against LakeShore336Emulator over a memory pair on a " +
      "VirtualClock (test/transports/cassette/record-fixtures.ts): connect with range Medium, " +
      "read, read the configuration, ramp 30 K/min, set 85 and settle, integral 25, " +
      "SETP 1,-5 refused (*ESR? 16)",
    clock,
  });
  const tc = lakeshore336(new CassetteRecorder(host, writer), clock);
  try {
    return await lakeshore336Scenario(tc, clock);
  } finally {
    writer.close();
    await emulator.close();
    await host.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const smc100 = await recordSmc100();
  console.log(`wrote ${SMC100_CASSETTE}`, smc100);
  const eurotherm = await recordEurotherm();
  console.log(`wrote ${EUROTHERM_CASSETTE}`, eurotherm);
  const keithley = await recordKeithley6485();
  console.log(`wrote ${KEITHLEY6485_CASSETTE}`, keithley);
  const lakeshore = await recordLakeShore336();
  console.log(`wrote ${LAKESHORE336_CASSETTE}`, lakeshore);
}
