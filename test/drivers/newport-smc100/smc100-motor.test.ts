// The SMC100 driver against the SMC100 emulator: over an in-memory pair on a VirtualClock
// (fast, exact timing), and over a real socat pty pair with SerialTransport on the real clock.
import { afterEach, describe, expect, it } from "vitest";
import type { WatcherUpdate } from "../../../src/core/index.js";
import {
  LimitError,
  MoveInterruptedError,
  NotConnectedError,
  VirtualClock,
  realClock,
} from "../../../src/core/index.js";
import type { ByteTransport } from "../../../src/transports/index.js";
import { SerialTransport, memoryPair } from "../../../src/transports/index.js";
import type { Smc100EmulatedAxisOptions } from "../../../sim/index.js";
import { Smc100Emulator } from "../../../sim/index.js";
import type { Smc100Channel, Smc100MotorOptions } from "../../../drivers/newport-smc100/index.js";
import {
  SMC100_SERIAL,
  Smc100Error,
  Smc100Motor,
  smc100Channel,
} from "../../../drivers/newport-smc100/index.js";
import { socat } from "../../support/peers.js";
import { ptyPair } from "../../support/pty-pair.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type MotorOptions = Partial<Omit<Smc100MotorOptions, "channel" | "clock">>;

interface RigOptions {
  axes?: readonly Smc100EmulatedAxisOptions[];
  motor?: MotorOptions;
  connect?: boolean;
}

/** Emulator and driver joined by an in-memory pair on one VirtualClock. */
async function rig({ axes = [{ address: 1 }], motor = {}, connect = true }: RigOptions = {}) {
  const clock = new VirtualClock();
  const [host, far] = memoryPair("host", "smc100");
  const emulator = new Smc100Emulator({ transport: far, clock, axes });
  await emulator.start();
  const log: string[] = [];
  const channel = smc100Channel(host, { clock, log: (message) => log.push(message) });
  cleanups.push(
    () => emulator.close(),
    () => channel.close(),
  );
  const m1 = new Smc100Motor({ name: "m1", clock, channel, homeOnConnect: true, ...motor });
  if (connect) await m1.connect();
  return { clock, emulator, channel, m1, log };
}

/** Time of a trapezoidal move of `d` at v, a (triangular when short). */
function moveTime(d: number, v: number, a: number): number {
  return d >= (v * v) / a ? d / v + v / a : 2 * Math.sqrt(d / a);
}

/** The commands the emulator received, without queries (TS, TP, TE, xx?). */
function commandsSent(emulator: Smc100Emulator): string[] {
  return emulator.received.filter((line) => !/^\d+(TS|TP|TE|..\?)$/.test(line));
}

describe("Smc100Motor over a memory pair on a VirtualClock", () => {
  it("connects: ID?, VE and TS, then the settings; reads TP and PA? as readback and setpoint", async () => {
    const { m1, emulator } = await rig({
      axes: [{ address: 1, id: "LTA-HS", limits: [-12, 12], velocity: 2, acceleration: 8 }],
      motor: { homeOnConnect: false },
    });
    expect(emulator.received.slice(0, 3)).toEqual(["1ID?", "1VE", "1TS"]);
    expect(m1.info).toEqual({
      stage: "LTA-HS",
      firmware: "SMC_CC - Controller-driver version 3.0.2",
    });
    expect(await m1.read()).toEqual({
      m1: { value: 0, timestamp: 0 },
      m1_setpoint: { value: 0, timestamp: 0 },
    });
    const configuration = await m1.readConfiguration();
    expect(Object.fromEntries(Object.entries(configuration).map(([k, r]) => [k, r.value]))).toEqual(
      { m1_velocity: 2, m1_acceleration: 8, m1_low_limit: -12, m1_high_limit: 12 },
    );
    expect((await m1.describe()).m1).toMatchObject({
      source: "smc100://memory:host/1/TP",
      dtype: "number",
      units: "mm",
    });
    expect((await m1.describeConfiguration()).m1_velocity?.units).toBe("mm/s");
    expect(await m1.state.get()).toBe("NOT REFERENCED from RESET");
    expect(m1.hints).toEqual({ fields: ["m1"] });
  });

  it("homes on connect when NOT REFERENCED, polling until READY from HOMING", async () => {
    const { m1, clock, emulator } = await rig({
      axes: [{ address: 1, position: 3, velocity: 2, acceleration: 8 }],
      motor: { pollPeriod: 0.05 },
    });
    expect(commandsSent(emulator)).toContain("1OR");
    expect(await m1.state.get()).toBe("READY from HOMING");
    expect(await m1.readback.get()).toBe(0);
    const duration = moveTime(3, 2, 8);
    expect(clock.now()).toBeGreaterThanOrEqual(duration);
    expect(clock.now()).toBeLessThan(duration + 0.05 + 1e-9);
  });

  it("stops a home search that outlasts homeTimeout and fails connect, naming it", async () => {
    const { m1, emulator, clock } = await rig({
      axes: [{ address: 1, position: 20, velocity: 0.5 }],
      motor: { homeTimeout: 2 },
      connect: false,
    });
    await expect(m1.connect()).rejects.toThrow(
      /m1 failed to connect:\n {2}m1: m1 \(SMC100 at memory:host, address 1\): "1OR" did not finish within 2 s/,
    );
    expect(emulator.received).toContain("1ST");
    await clock.sleep(1); // decelerating
    expect(emulator.stateOf(1)).toBe(0x0b);
  });

  it("does not home a controller that is already referenced", async () => {
    const { emulator, channel, clock } = await rig();
    const m2 = new Smc100Motor({ name: "m2", clock, channel, homeOnConnect: true });
    emulator.received.length = 0;
    await m2.connect();
    expect(commandsSent(emulator)).not.toContain("1OR");
  });

  it("moves with PA in the trapezoid's time, reporting progress and readback on the way", async () => {
    const { m1, clock, emulator } = await rig({
      axes: [{ address: 1, velocity: 2, acceleration: 8 }],
      motor: { pollPeriod: 0.05 },
    });
    const readbacks: number[] = [];
    m1.readback.subscribeValue((value) => readbacks.push(value));
    const updates: WatcherUpdate[] = [];
    const start = clock.now();
    const status = m1.set(10);
    status.watch((update) => updates.push(update));
    await status;
    const duration = moveTime(10, 2, 8); // 5.25 s
    expect(clock.now() - start).toBeGreaterThanOrEqual(duration);
    expect(clock.now() - start).toBeLessThan(duration + 0.1);
    expect(emulator.positionOf(1)).toBe(10);
    expect(await m1.readback.get()).toBe(10);
    expect(await m1.setpoint.get()).toBe(10);
    expect(commandsSent(emulator).slice(-1)).toEqual(["1PA10"]);
    // the readback moved through the polls, never backwards
    const moving = readbacks.filter((v) => v > 0 && v < 10);
    expect(moving.length).toBeGreaterThan(50);
    expect(moving).toEqual([...moving].sort((a, b) => a - b));
    expect(updates.length).toBeGreaterThan(50);
    expect(updates.at(-1)).toMatchObject({ fraction: 1, target: 10, initial: 0 });
    expect(updates[updates.length >> 1]!.fraction).toBeGreaterThan(0.2);
    expect(updates[updates.length >> 1]!.fraction).toBeLessThan(0.8);
  });

  it("stops mid-move with ST: the move fails, the axis rests v²/2a further on", async () => {
    const { m1, clock, emulator } = await rig({
      axes: [{ address: 1, velocity: 2, acceleration: 8 }],
    });
    const status = m1.set(20);
    await clock.sleep(3);
    const at = emulator.positionOf(1);
    await m1.stop();
    expect(emulator.stateOf(1)).toBe(0x33);
    const rest = emulator.positionOf(1);
    expect(rest).toBeGreaterThan(at);
    expect(rest).toBeLessThanOrEqual(at + 4 / 16 + 1e-9);
    await expect(status).rejects.toThrow(MoveInterruptedError);
    await expect(status).rejects.toThrow(`m1: move to 20 was stopped at ${rest}`);
    expect(commandsSent(emulator)).toContain("1ST");
    expect(await m1.moving.get()).toBe(false);
  });

  it("supersedes a move: stops it first (PA is refused while MOVING) and goes on", async () => {
    const { m1, clock, emulator } = await rig();
    const first = m1.set(10);
    await clock.sleep(1);
    const second = m1.set(-5);
    await expect(first).rejects.toThrow("was superseded by a move to -5");
    await second;
    expect(emulator.positionOf(1)).toBe(-5);
    const sent = commandsSent(emulator);
    expect(sent.slice(sent.indexOf("1PA10"))).toEqual(["1PA10", "1ST", "1PA-5"]);
  });

  it("checks the soft limits SL/SR before sending anything, and sets them with TE checked", async () => {
    const { m1, emulator } = await rig({ axes: [{ address: 1, limits: [-5, 5] }] });
    emulator.received.length = 0;
    await expect(m1.set(6)).rejects.toThrow(new LimitError("m1", 6, -5, 5));
    expect(emulator.received).toEqual([]);
    await m1.highLimit.set(8);
    expect(emulator.received.slice(0, 2)).toEqual(["1SR8", "1TE"]);
    await m1.set(6);
    expect(emulator.positionOf(1)).toBe(6);
    const refused = m1.lowLimit.set(1);
    await expect(refused).rejects.toThrow(Smc100Error);
    await expect(refused).rejects.toThrow(
      'm1 (SMC100 at memory:host, address 1): "1SL1" was refused: ' +
        "TE C (parameter missing or out of range)",
    );
  });

  it("sets velocity and acceleration with VA/AC; the next move takes their time", async () => {
    const { m1, clock, emulator } = await rig({ motor: { pollPeriod: 0.01 } });
    await m1.velocity.set(5);
    await m1.acceleration.set(50);
    expect(commandsSent(emulator).slice(-2)).toEqual(["1VA5", "1AC50"]);
    const start = clock.now();
    await m1.set(10);
    expect(clock.now() - start).toBeGreaterThanOrEqual(moveTime(10, 5, 50));
    expect(clock.now() - start).toBeLessThan(moveTime(10, 5, 50) + 0.05);
  });

  it("fails a move the controller refuses (TE H when not homed), naming port, command and letter", async () => {
    const { m1, emulator } = await rig({ motor: { homeOnConnect: false } });
    const status = m1.set(1);
    await expect(status).rejects.toThrow(
      'm1 (SMC100 at memory:host, address 1): "1PA1" was refused (home it first: ' +
        "homeOnConnect or home()): TE H (command not allowed in NOT REFERENCED state)",
    );
    await expect(status).rejects.toMatchObject({ code: "HIL_SMC100", letter: "H", address: 1 });
    expect(emulator.positionOf(1)).toBe(0);
    await m1.home();
    await m1.set(1);
    expect(emulator.positionOf(1)).toBe(1);
  });

  it("fails a move cut by an end-of-run switch, naming the error bit and state", async () => {
    const { m1, emulator } = await rig({
      axes: [{ address: 1, hardLimits: { low: -20, high: 3 } }],
    });
    await expect(m1.set(10)).rejects.toThrow(
      'm1 (SMC100 at memory:host, address 1): "1PA10" failed at 3: ' +
        "DISABLE from MOVING (positive end of run)",
    );
    expect(emulator.positionOf(1)).toBe(3);
    expect(await m1.moving.get()).toBe(false);
  });

  it("fails a move on a positioner fault (following error) during it", async () => {
    const { m1, clock, emulator } = await rig();
    clock.schedule(1, () => emulator.injectPositionerError(0x0020));
    await expect(m1.set(10)).rejects.toThrow(/"1PA10" failed at [\d.]+: .*following error/);
  });

  it("rides out a lost reply and line noise: the channel retries what does not echo", async () => {
    const { m1, clock, emulator, log } = await rig();
    let garble = false;
    clock.schedule(1, () => emulator.dropNextReply());
    // At 2 s, noise lands while a poll's (slightly late) reply is on its way.
    clock.schedule(2, () => {
      garble = true;
      emulator.delayReplies(0.001);
    });
    emulator.transport.onData(() => {
      if (!garble) return;
      garble = false;
      emulator.injectGarbage("#~?!");
      emulator.delayReplies(0);
    });
    await m1.set(10);
    expect(emulator.positionOf(1)).toBe(10);
    const retries = log.filter((line) => line.includes("retry"));
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/no reply to "1T[SP]" within 0.5 s/);
    expect(retries[1]).toMatch(/unexpected reply to "1T[SP]": "#~\?!"/);
  });

  it("fails a move when the power is cut: a NUL byte in the reply names it", async () => {
    const { m1, clock, emulator } = await rig();
    let armed = false;
    // From t = 1 s the cut lands while a poll's (slightly late) reply is on its way, so the
    // NUL byte comes first and shares its line.
    clock.schedule(1, () => {
      armed = true;
      emulator.delayReplies(0.001);
    });
    emulator.transport.onData(() => {
      if (!armed) return;
      armed = false;
      emulator.cutPower();
    });
    await expect(m1.set(10)).rejects.toThrow(
      /m1 \(SMC100 at memory:host, address 1\): "1T[SP]" got a NUL byte .*: the motor power supply was cut/,
    );
    expect(emulator.stateOf(1)).toBe(0x0a);
  });

  it("fails a move when the controller resets under it (NOT REFERENCED)", async () => {
    const { m1, clock, emulator } = await rig();
    clock.schedule(1, () => emulator.cutPower());
    await expect(m1.set(10)).rejects.toThrow(
      /"1PA10" ended in NOT REFERENCED from RESET instead of READY/,
    );
  });

  it("gives a timeout naming the port and request when replies stop", async () => {
    const { m1, emulator } = await rig();
    emulator.delayReplies(5);
    await expect(m1.readback.get()).rejects.toThrow(
      'memory:host: no reply to "1TP" within 0.5 s (nothing received)',
    );
  });

  it("fails connect with a NotConnectedError naming the device, port and address", async () => {
    const { m1 } = await rig({ motor: { address: 2 }, connect: false });
    const connecting = m1.connect({ timeout: 5 });
    await expect(connecting).rejects.toThrow(NotConnectedError);
    await expect(connecting).rejects.toThrow(
      /m1 failed to connect:\n {2}m1: memory:host: no reply to "2ID\?"/,
    );
  });

  it("works with any channel that has the RequestChannel's shape", () => {
    const shape: Smc100Channel = smc100Channel(memoryPair()[0]);
    expect(shape.name).toBe("memory:a");
  });
});

describe.skipIf(!socat().available)("Smc100Motor over a real pty pair (socat)", () => {
  async function serialRig() {
    const pty = await ptyPair();
    cleanups.push(() => pty.kill());
    const far: ByteTransport = new SerialTransport({ path: pty.b, ...SMC100_SERIAL });
    const emulator = new Smc100Emulator({
      transport: far,
      clock: realClock,
      axes: [{ address: 1, position: 0.2, velocity: 10, acceleration: 100 }],
    });
    await emulator.start();
    const host = new SerialTransport({ path: pty.a, ...SMC100_SERIAL });
    const channel = smc100Channel(host, { clock: realClock, timeout: 1 });
    cleanups.push(
      () => emulator.close(),
      () => channel.close(),
    );
    const m1 = new Smc100Motor({
      name: "m1",
      clock: realClock,
      channel,
      homeOnConnect: true,
      pollPeriod: 0.01,
    });
    await m1.connect();
    return { m1, emulator };
  }

  it("homes on connect and makes a short move", async () => {
    const { m1, emulator } = await serialRig();
    expect(await m1.state.get()).toBe("READY from HOMING");
    await m1.set(0.5);
    expect(await m1.readback.get()).toBe(0.5);
    expect(emulator.positionOf(1)).toBe(0.5);
  });

  it("stops a move", async () => {
    const { m1, emulator } = await serialRig();
    await m1.velocity.set(1);
    const status = m1.set(5);
    await new Promise<void>((resolve) => {
      const off = m1.readback.subscribeValue((value) => {
        if (value > 0.05) {
          off();
          resolve();
        }
      });
    });
    await m1.stop();
    await expect(status).rejects.toThrow(MoveInterruptedError);
    expect(emulator.stateOf(1)).toBe(0x33);
    expect(emulator.positionOf(1)).toBeLessThan(4);
  });
});
