// The Keithley 6485 driver against the 6485 emulator: over an in-memory pair on a
// VirtualClock (fast, exact timing), and over a real socat pty pair with SerialTransport on
// the real clock.
import { afterEach, describe, expect, it } from "vitest";
import type { Reading } from "../../../src/core/index.js";
import { NotConnectedError, VirtualClock, realClock } from "../../../src/core/index.js";
import {
  ReplyTimeoutError,
  SerialTransport,
  UnexpectedReplyError,
  memoryPair,
} from "../../../src/transports/index.js";
import type { Keithley6485EmulatorOptions } from "../../../sim/index.js";
import { Keithley6485Emulator } from "../../../sim/index.js";
import type {
  Keithley6485Channel,
  Keithley6485Options,
} from "../../../drivers/keithley-6485/index.js";
import {
  KEITHLEY6485_SERIAL,
  Keithley6485,
  Keithley6485Error,
  keithley6485Channel,
} from "../../../drivers/keithley-6485/index.js";
import { socat } from "../../support/peers.js";
import { ptyPair } from "../../support/pty-pair.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface RigOptions {
  emulator?: Partial<Omit<Keithley6485EmulatorOptions, "transport" | "clock">>;
  det?: Partial<Omit<Keithley6485Options, "channel" | "clock" | "name">>;
  /** Channel retries (default 0, so a fault shows instead of being ridden out). */
  retries?: number;
  connect?: boolean;
}

/** Emulator and driver joined by an in-memory pair on one VirtualClock. */
async function rig({ emulator: emu = {}, det = {}, retries = 0, connect = true }: RigOptions = {}) {
  const clock = new VirtualClock();
  const [host, far] = memoryPair("host", "k6485");
  const emulator = new Keithley6485Emulator({ transport: far, clock, current: 1e-9, ...emu });
  await emulator.start();
  const log: string[] = [];
  const channel = keithley6485Channel(host, {
    clock,
    timeout: 0.5,
    retries,
    log: (message) => log.push(message),
  });
  cleanups.push(
    () => emulator.close(),
    () => channel.close(),
  );
  const device = new Keithley6485({
    name: "det",
    clock,
    channel,
    nplc: 1,
    readTimeout: 0.5,
    ...det,
  });
  if (connect) await device.connect();
  return { clock, emulator, channel, det: device, log };
}

const values = (readings: Record<string, Reading>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(readings).map(([key, r]) => [key, r.value]));

describe("Keithley6485 over a memory pair on a VirtualClock", () => {
  it("connects: *IDN?, *CLS, data format, NPLC, zero check off, each write checked", async () => {
    const { det, emulator } = await rig();
    expect(emulator.received).toEqual([
      "*IDN?",
      "*CLS",
      "FORM:ELEM READ,UNIT,TIME,STAT",
      "SYST:ERR?",
      "NPLC 1",
      "SYST:ERR?",
      "NPLC?",
      "SYST:ZCH OFF",
      "SYST:ERR?",
      "RANG?",
      "RANG:AUTO?",
    ]);
    expect(det.info).toEqual({
      manufacturer: "KEITHLEY INSTRUMENTS INC.",
      model: "MODEL 6485",
      serial: "1234567",
      firmware: "C01",
    });
    expect(emulator.state).toMatchObject({ nplc: 1, zeroCheck: false, autorange: true });
    expect(det.hints).toEqual({ fields: ["det"] });
    expect((await det.describe()).det).toMatchObject({
      source: "keithley6485://memory:host/READ",
      dtype: "number",
      units: "A",
    });
    expect(values(await det.readConfiguration())).toEqual({
      det_exposure: 0.02,
      det_range: 0.02,
      det_autorange: true,
      det_nplc: 1,
    });
    expect((await det.describeConfiguration()).det_range?.units).toBe("A");
  });

  it("triggers READ?, taking NPLC / line frequency, and reads the current in A", async () => {
    const { det, clock, emulator } = await rig({ emulator: { current: 1.23456e-9 } });
    const start = clock.now();
    await det.trigger();
    expect(clock.now() - start).toBeCloseTo(0.02, 9);
    expect(det.estimateTriggerDuration()).toBeCloseTo(0.02, 12);
    const reading = (await det.read()).det!;
    expect(reading.value).toBeCloseTo(1.23456e-9, 18);
    expect(reading.timestamp).toBe(clock.now());
    expect(reading.alarm_severity).toBeUndefined();
    expect(det.lastReading).toMatchObject({ status: 0, overflow: false });
    expect(det.lastReading?.timestamp).toBeCloseTo(clock.now(), 5);
    expect(emulator.received.at(-1)).toBe("READ?");
    // the autorange moved the range; reading the configuration asks again
    expect(await det.range.get()).toBe(2e-9);
  });

  it("tells subscribers of every reading, even a repeated value", async () => {
    const { det } = await rig();
    const seen: number[] = [];
    det.value.subscribeValue((value) => seen.push(value));
    await det.trigger();
    await det.trigger();
    expect(seen.slice(-2)).toEqual([1e-9, 1e-9]);
  });

  it("scans a Gaussian peak over a position the test moves", async () => {
    let x = 0;
    const peak = { position: () => x, centre: 0.3, sigma: 0.25, amplitude: 1e-6, background: 1e-9 };
    const { det } = await rig({ emulator: { current: { peak } } });
    const scan: number[] = [];
    for (const position of [-1, -0.5, 0, 0.3, 0.6, 1.1]) {
      x = position;
      await det.trigger();
      scan.push((await det.value.get()) as number);
    }
    expect(scan.indexOf(Math.max(...scan))).toBe(3);
    expect(scan[3]).toBeCloseTo(1.001e-6, 11);
    expect(scan[0]).toBeLessThan(2e-9);
  });

  it("sets NPLC and exposure, which are one setting in two units; triggers take longer", async () => {
    const { det, emulator, clock } = await rig();
    await det.configure({ nplc: 2 });
    expect(emulator.received.slice(-3)).toEqual(["NPLC 2", "SYST:ERR?", "NPLC?"]);
    expect(await det.exposure.get()).toBeCloseTo(0.04, 12);
    await det.exposure.set(0.1);
    expect(emulator.state.nplc).toBe(5);
    expect(emulator.received.slice(-3)).toEqual(["NPLC 5", "SYST:ERR?", "NPLC?"]);
    expect(await det.nplc.get()).toBe(5);
    const start = clock.now();
    await det.trigger();
    expect(clock.now() - start).toBeCloseTo(0.1, 9);
  });

  it("turns an error from SYST:ERR? into a Keithley6485Error naming port, command, code and message", async () => {
    const { det, emulator } = await rig();
    const refused = det.nplc.set(7);
    await expect(refused).rejects.toThrow(Keithley6485Error);
    await expect(refused).rejects.toThrow(
      'det (Keithley 6485 at memory:host): "NPLC 7" was refused: -222 "Data out of range"',
    );
    await expect(refused).rejects.toMatchObject({
      code: "HIL_KEITHLEY",
      port: "memory:host",
      command: "NPLC 7",
      errorCode: -222,
      errorMessage: "Data out of range",
    });
    expect(emulator.state.nplc).toBe(1);
    expect(emulator.errorQueue).toEqual([]);
    await expect(det.configure({ range: 1 })).rejects.toThrow(
      '"RANG 1" was refused: -222 "Data out of range"',
    );
  });

  it("reports every error queued, oldest first", async () => {
    const { det, emulator } = await rig();
    emulator.pushError(501, "Overvoltage");
    await expect(det.autorange.set(false)).rejects.toThrow(
      '"RANG:AUTO OFF" was refused: 501 "Overvoltage"',
    );
    emulator.pushError(-221);
    emulator.pushError(+502, "Input overload");
    expect(await det.readErrors()).toEqual([
      { code: -221, message: "Device-specific error" },
      { code: 502, message: "Input overload" },
    ]);
    expect(await det.readErrors()).toEqual([]);
  });

  it("sets a fixed range (snapped up, autorange off); an overflow is kept with a major alarm", async () => {
    const { det, emulator } = await rig({ emulator: { current: 1e-6 } });
    await det.range.set(3e-9);
    expect(await det.range.get()).toBe(2e-8);
    expect(await det.autorange.get()).toBe(false);
    await det.trigger();
    expect((await det.read()).det).toMatchObject({ value: 9.9e37, alarm_severity: 2 });
    expect(det.lastReading).toMatchObject({ overflow: true, status: 1 });
    await det.autorange.set(true);
    await det.trigger();
    expect((await det.read()).det?.value).toBeCloseTo(1e-6, 15);
    expect((await det.read()).det?.alarm_severity).toBeUndefined();
    expect(emulator.state.range).toBe(2e-6);
  });

  it("fails a trigger on overflow when asked to", async () => {
    const { det } = await rig({
      emulator: { current: 1e-6 },
      det: { range: 2e-9, overflow: "error" },
    });
    await expect(det.trigger()).rejects.toThrow(
      'det (Keithley 6485 at memory:host): "READ?" read over range: ' +
        '"+9.900000E+37A,+2.000000E-02,+1.000000E+00" (choose a higher range, or autorange)',
    );
  });

  it("writes range, autorange and zero correction at connect when configured", async () => {
    const { det, emulator } = await rig({
      emulator: { current: 5e-9, offset: 2e-12 },
      det: { range: 2e-8, zeroCorrect: true },
    });
    expect(emulator.received.filter((line) => line !== "SYST:ERR?")).toEqual([
      "*IDN?",
      "*CLS",
      "FORM:ELEM READ,UNIT,TIME,STAT",
      "RANG:AUTO OFF",
      "RANG 2E-8",
      "NPLC 1",
      "NPLC?",
      "SYST:ZCH ON",
      "SYST:ZCOR:ACQ",
      "SYST:ZCOR ON",
      "SYST:ZCH OFF",
      "RANG?",
      "RANG:AUTO?",
    ]);
    expect(emulator.state).toMatchObject({ zeroCorrect: true, zeroCheck: false, zero: 2e-12 });
    await det.trigger();
    expect(await det.value.get()).toBeCloseTo(5e-9, 18);
    expect(det.lastReading?.flags?.zeroCorrect).toBe(true);
  });

  it("clears errors left from before connecting; *RST when asked", async () => {
    const { det, emulator } = await rig({ det: { reset: true, nplc: undefined }, connect: false });
    emulator.pushError(-113);
    await det.connect();
    expect(emulator.received.slice(0, 5)).toEqual([
      "*IDN?",
      "*CLS",
      "*RST",
      "SYST:ERR?",
      "FORM:ELEM READ,UNIT,TIME,STAT",
    ]);
    expect(await det.nplc.get()).toBe(5);
  });

  it("times out a READ? that gets no reply, after base + 10 × NPLC / line frequency", async () => {
    const { det, emulator, clock } = await rig();
    emulator.dropNextReply();
    const start = clock.now();
    const failed = det.trigger();
    await expect(failed).rejects.toThrow(ReplyTimeoutError);
    await expect(failed).rejects.toThrow(
      'memory:host: no reply to "READ?" within 0.7 s (nothing received)',
    );
    expect(clock.now() - start).toBeCloseTo(0.7, 9);
    // the driver asked the error queue why, found nothing, and goes on
    expect(emulator.received.slice(-2)).toEqual(["READ?", "SYST:ERR?"]);
    await det.trigger();
    expect(await det.value.get()).toBe(1e-9);
  });

  it("rides out a lost reply with a retry", async () => {
    const { det, emulator, log } = await rig({ retries: 1 });
    emulator.dropNextReply();
    await det.trigger();
    expect(await det.value.get()).toBe(1e-9);
    expect(emulator.conversions).toBe(2);
    expect(log).toEqual([
      'memory:host: retry 1 of 1: memory:host: no reply to "READ?" within 0.7 s (nothing received)',
    ]);
  });

  it("names the instrument's error when a query gets no reply and the queue says why", async () => {
    const { det, emulator } = await rig();
    emulator.dropNextReply();
    emulator.pushError(-230);
    const failed = det.trigger();
    await expect(failed).rejects.toThrow(
      'det (Keithley 6485 at memory:host): "READ?" got no reply (memory:host: no reply to ' +
        '"READ?" within 0.7 s (nothing received)): -230 "Data corrupt or stale"',
    );
    await expect(failed).rejects.toMatchObject({
      errorCode: -230,
      cause: expect.any(ReplyTimeoutError),
    });
  });

  it("rejects line noise: an error without retries, ridden out with one", async () => {
    const noisy = async (retries: number) => {
      const r = await rig({ retries });
      let armed = true;
      r.emulator.transport.onData(() => {
        if (!armed) return;
        armed = false;
        r.emulator.injectGarbage("#~?!");
      });
      return r;
    };
    const bare = await noisy(0);
    const failed = bare.det.trigger();
    await expect(failed).rejects.toThrow(UnexpectedReplyError);
    await expect(failed).rejects.toThrow(
      'memory:host: unexpected reply to "READ?": "#~?!" (gave "#~?!", expected 3 field(s) per reading',
    );
    const retried = await noisy(1);
    await retried.det.trigger();
    expect(await retried.det.value.get()).toBe(1e-9);
    expect(retried.log[0]).toMatch(/retry 1 of 1: .*unexpected reply to "READ\?": "#~\?!"/);
  });

  it("times out a reply cut short (naming what came), then reads on: the partial line is dropped", async () => {
    const { det, emulator, channel } = await rig();
    emulator.truncateNextReply(10);
    await expect(det.trigger()).rejects.toThrow(
      'memory:host: no reply to "READ?" within 0.7 s (received so far: "+1.000000E")',
    );
    await det.trigger();
    expect(await det.value.get()).toBe(1e-9);
    expect(channel.droppedBytes).toBe(10);
  });

  it("assembles a reply that arrives a byte at a time", async () => {
    const { det, emulator } = await rig({ emulator: { current: 4.2e-7 } });
    emulator.fragmentReplies(1);
    await det.trigger();
    expect(await det.value.get()).toBeCloseTo(4.2e-7, 16);
    expect(await det.nplc.get()).toBe(1);
  });

  it("refuses an instrument that is not a 6485, naming what *IDN? said", async () => {
    const { det } = await rig({
      emulator: { identity: "KEITHLEY INSTRUMENTS INC.,MODEL 6487,1,A" },
      connect: false,
    });
    const connecting = det.connect();
    await expect(connecting).rejects.toThrow(NotConnectedError);
    await expect(connecting).rejects.toThrow(
      'det failed to connect:\n  det: det (Keithley 6485 at memory:host): "*IDN?" gave ' +
        '"KEITHLEY INSTRUMENTS INC.,MODEL 6487,1,A": not a Keithley 6485',
    );
  });

  it("fails connect naming the port when nothing answers", async () => {
    const { det, emulator } = await rig({ connect: false });
    emulator.delayReplies(100);
    await expect(det.connect({ timeout: 5 })).rejects.toThrow(
      /det failed to connect:\n {2}det: memory:host: no reply to "\*IDN\?" within 0.5 s/,
    );
  });

  it("refuses to trigger before connect, and contradictory options", async () => {
    const { det } = await rig({ connect: false });
    await expect(det.trigger()).rejects.toThrow(
      'det (Keithley 6485 at memory:host): "READ?" was not sent: connect() first',
    );
    const channel = keithley6485Channel(memoryPair()[0]);
    const make = (options: Partial<Keithley6485Options>) => () =>
      new Keithley6485({ name: "k", clock: realClock, channel, ...options });
    expect(make({ range: 2e-9, autorange: true })).toThrow("contradicts autorange: true");
    expect(make({ range: "auto", autorange: false })).toThrow('range "auto" contradicts');
    expect(make({ nplc: 0 })).toThrow("nplc must be a positive number");
    expect(make({ range: -1 })).toThrow("range must be a positive number");
  });

  it("works with any channel that has the RequestChannel's shape", () => {
    const shape: Keithley6485Channel = keithley6485Channel(memoryPair()[0]);
    expect(shape.name).toBe("memory:a");
  });
});

describe.skipIf(!socat().available)("Keithley6485 over a real pty pair (socat)", () => {
  async function serialRig(retries = 0) {
    const pty = await ptyPair();
    cleanups.push(() => pty.kill());
    const emulator = new Keithley6485Emulator({
      transport: new SerialTransport({ path: pty.b, ...KEITHLEY6485_SERIAL }),
      clock: realClock,
      current: 3.3e-8,
    });
    await emulator.start();
    const host = new SerialTransport({ path: pty.a, ...KEITHLEY6485_SERIAL });
    const channel = keithley6485Channel(host, { clock: realClock, timeout: 0.3, retries });
    cleanups.push(
      () => emulator.close(),
      () => channel.close(),
    );
    const det = new Keithley6485({
      name: "det",
      clock: realClock,
      channel,
      nplc: 0.01,
      readTimeout: 0.2,
    });
    await det.connect({ timeout: 2 });
    return { det, emulator };
  }

  it("connects, triggers and reads; a refused setting names the instrument's error", async () => {
    const { det, emulator } = await serialRig();
    await det.trigger();
    expect(await det.value.get()).toBeCloseTo(3.3e-8, 16);
    expect(await det.range.get()).toBe(2e-7);
    await expect(det.nplc.set(9)).rejects.toThrow(
      /^det \(Keithley 6485 at serial:\/.+\/a\): "NPLC 9" was refused: -222 "Data out of range"$/,
    );
    expect(emulator.state.nplc).toBe(0.01);
  });

  it("times out a lost reply on the real clock, and recovers", async () => {
    const { det, emulator } = await serialRig();
    emulator.dropNextReply();
    const start = performance.now();
    await expect(det.trigger()).rejects.toThrow(
      /no reply to "READ\?" within 0.202 s \(nothing received\)/,
    );
    expect(performance.now() - start).toBeGreaterThan(190);
    await det.trigger();
    expect(await det.value.get()).toBeCloseTo(3.3e-8, 16);
  });
});
