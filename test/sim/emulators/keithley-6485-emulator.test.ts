// The Keithley 6485 emulator alone: command lines (CR) in at one end of a memory pair, reply
// lines (LF) out, on a VirtualClock stepped by hand. Expected replies come from the fact
// sheet, not the driver.
import { Buffer } from "node:buffer";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { LineFramer, memoryPair } from "../../../src/transports/index.js";
import type { Keithley6485EmulatorOptions } from "../../../sim/index.js";
import { KEITHLEY6485_IDENTITY, Keithley6485Emulator } from "../../../sim/index.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Lets queued microtasks (the memory pair's deliveries) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function rig(options: Partial<Omit<Keithley6485EmulatorOptions, "transport">> = {}) {
  const clock = new VirtualClock({ auto: false });
  const [client, far] = memoryPair("host", "k6485");
  const emulator = new Keithley6485Emulator({ transport: far, clock, ...options });
  await emulator.start();
  await client.open();
  closers.push(() => emulator.close());
  const framer = new LineFramer({ terminator: "\n" });
  const lines: string[] = [];
  const chunks: string[] = [];
  client.onData((chunk) => {
    chunks.push(Buffer.from(chunk).toString("latin1"));
    lines.push(...framer.push(chunk));
  });
  /** Sends each command line (CR-terminated) and returns every line that came back. */
  const send = async (...commands: string[]): Promise<string[]> => {
    for (const command of commands) await client.write(Buffer.from(`${command}\r`, "latin1"));
    await settle();
    return lines.splice(0);
  };
  /** One query, at most one reply. */
  const ask = async (command: string): Promise<string | undefined> => {
    const replies = await send(command);
    expect(replies.length).toBeLessThanOrEqual(1);
    return replies[0];
  };
  /** One query that converts: advances the clock by `seconds` and returns the reply. */
  const convert = async (command: string, seconds: number): Promise<string | undefined> => {
    expect(await send(command)).toEqual([]);
    await clock.advance(seconds);
    await settle();
    const replies = lines.splice(0);
    expect(replies.length).toBeLessThanOrEqual(1);
    return replies[0];
  };
  const errors = async (): Promise<string[]> => {
    const found: string[] = [];
    for (let i = 0; i < 12; i++) {
      const reply = (await ask("SYST:ERR?"))!;
      if (reply.startsWith("0,")) break;
      found.push(reply);
    }
    return found;
  };
  return { clock, emulator, client, send, ask, convert, errors, lines, chunks };
}

const reading = (text: string | undefined): number[] =>
  (text ?? "").split(",").map((field) => Number(field.replace(/A$/, "")));

describe("Keithley6485Emulator", () => {
  it("powers up as after *RST: autorange, NPLC 5 at 50 Hz, zero check on, all elements", async () => {
    const { ask } = await rig();
    expect(await ask("*IDN?")).toBe(KEITHLEY6485_IDENTITY);
    expect(await ask("RANG:AUTO?")).toBe("1");
    expect(await ask("NPLC?")).toBe("5.000000E+00");
    expect(await ask("SYST:ZCH?")).toBe("1");
    expect(await ask("SYST:ZCOR?")).toBe("0");
    expect(await ask("FORM:ELEM?")).toBe("READ,UNIT,TIME,STAT");
    expect(await ask("SYST:ERR?")).toBe('0,"No error"');
    expect(await ask("*OPC?")).toBe("1");
  });

  it("answers READ? after NPLC / line frequency, with reading+A, timestamp and status", async () => {
    // 5½ digits: on the 2 µA range the resolution is 10 pA
    const { send, convert, clock, lines } = await rig({ current: 1.04056e-6 });
    expect(await send("SYST:ZCH OFF", "NPLC 1")).toEqual([]);
    await clock.advance(100);
    expect(await send("READ?")).toEqual([]);
    await clock.advance(0.019);
    await settle();
    expect(lines).toEqual([]); // 1 PLC at 50 Hz is 20 ms
    await clock.advance(0.001);
    await settle();
    expect(lines.splice(0)).toEqual(["+1.040560E-06A,+1.000200E+02,+0.000000E+00"]);
    expect(await convert("MEAS?", 0.02)).toBe("+1.040560E-06A,+1.000400E+02,+0.000000E+00");
    // 60 Hz mains: 6 PLC = 0.1 s
    const sixty = await rig({ current: 2e-9, lineFrequency: 60 });
    expect(await sixty.ask("NPLC?")).toBe("6.000000E+00");
    expect(await sixty.convert("READ?", 0.1)).toMatch(/^\+0\.000000E\+00A,\+1\.000000E-01,/);
  });

  it("holds input while converting: a query sent meanwhile is answered after the reading", async () => {
    const { send, clock, lines } = await rig({ current: 5e-9 });
    await send("SYST:ZCH OFF", "NPLC 2");
    expect(await send("READ?", "NPLC?")).toEqual([]);
    await clock.advance(0.04);
    await settle();
    expect(lines.splice(0)).toEqual(["+5.000000E-09A,+4.000000E-02,+0.000000E+00", "2.000000E+00"]);
  });

  it("shunts the input under zero check and removes the acquired zero under zero correct", async () => {
    const { send, convert } = await rig({ current: 3e-9, offset: 1e-12 });
    await send("NPLC 0.01");
    const checked = reading(await convert("READ?", 0.0002));
    expect(checked[0]).toBeCloseTo(1e-12, 18);
    expect(checked[2]).toBe(512); // bit 9, zero check
    expect(await send("SYST:ZCOR:ACQ", "SYST:ZCOR ON", "SYST:ZCH OFF")).toEqual([]);
    const corrected = reading(await convert("READ?", 0.0004));
    expect(corrected[0]).toBeCloseTo(3e-9, 18);
    expect(corrected[2]).toBe(1024); // bit 10, zero correct
    const { convert: plain, send: plainSend } = await rig({ current: 3e-9, offset: 1e-12 });
    await plainSend("NPLC 0.01", "SYST:ZCH OFF");
    expect(reading(await plain("READ?", 0.0002))[0]).toBeCloseTo(3.001e-9, 18);
  });

  it("autoranges; a fixed range overflows with +9.9E37 and status bit 0", async () => {
    const { send, ask, convert, emulator } = await rig({ current: 1.5e-6 });
    await send("SYST:ZCH OFF", "NPLC 0.01");
    expect(await convert("READ?", 0.0002)).toMatch(/^\+1\.500000E-06A,/);
    expect(await ask("RANG?")).toBe("2.000000E-06");
    expect(await send("RANG 2e-9")).toEqual([]);
    expect(await ask("RANG:AUTO?")).toBe("0");
    expect(await convert("READ?", 0.0002)).toMatch(/^\+9\.900000E\+37A,.*,\+1\.000000E\+00$/);
    // 5 % over range is still shown; the resolution is 5e-6 of the range
    emulator.setCurrent(2.1e-9);
    expect(await convert("READ?", 0.0002)).toMatch(/^\+2\.100000E-09A,/);
    emulator.setCurrent(2.11e-9);
    expect(await convert("READ?", 0.0002)).toMatch(/^\+9\.900000E\+37A,/);
    emulator.setCurrent(2.1e-9);
    expect(await convert("READ?", 0.0002)).toMatch(/^\+2\.100000E-09A,/);
    emulator.setCurrent(1.2345678e-9);
    expect(await ask("FETC?")).toMatch(/^\+2\.100000E-09A,/); // no new conversion
    expect(await convert("READ?", 0.0002)).toMatch(/^\+1\.234570E-09A,/);
    expect(await send("RANG:AUTO ON")).toEqual([]);
    emulator.setCurrent(-0.015);
    expect(await convert("READ?", 0.0002)).toMatch(/^-1\.500000E-02A,/);
    expect(await ask("RANG?")).toBe("2.000000E-02");
    emulator.setCurrent(0.03);
    expect(await convert("READ?", 0.0002)).toMatch(/^\+9\.900000E\+37A,/);
  });

  it("snaps RANG up to a range, accepts MIN/MAX/UP/DOWN and long forms", async () => {
    const { send, ask } = await rig();
    await send("RANG 3e-9");
    expect(await ask("RANG?")).toBe("2.000000E-08");
    await send("RANG UP");
    expect(await ask(":SENS:CURR:RANG?")).toBe("2.000000E-07");
    await send("SENSe:CURRent:DC:RANGe:UPPer DOWN");
    expect(await ask("rang?")).toBe("2.000000E-08");
    await send("RANG MAX");
    expect(await ask("RANG?")).toBe("2.000000E-02");
    await send(":sense:current:range:auto on");
    expect(await ask("SENS:RANG:AUTO?")).toBe("1");
    await send("SENS:CURR:NPLCycles 2.5");
    expect(await ask("NPLC?")).toBe("2.500000E+00");
    await send("NPLC MIN");
    expect(await ask("NPLC?")).toBe("1.000000E-02");
  });

  it("queues errors FIFO and answers nothing to what it refused", async () => {
    const { send, ask, errors } = await rig();
    expect(await send("NPLC 7", "RANG 1", "FOO:BAR", "NPLC", "RANG:AUTO maybe", "*IDN? 1")).toEqual(
      [],
    );
    expect(await send("FETC?")).toEqual([]); // nothing converted yet
    expect(await send("READ ?;NPLC?")).toEqual([]);
    expect(await errors()).toEqual([
      '-222,"Data out of range"',
      '-222,"Data out of range"',
      '-113,"Undefined header"',
      '-109,"Missing parameter"',
      '-224,"Illegal parameter value"',
      '-108,"Parameter not allowed"',
      '-230,"Data corrupt or stale"',
      '-102,"Syntax error"',
    ]);
    // nothing changed, and the next query is answered normally
    expect(await ask("NPLC?")).toBe("5.000000E+00");
    expect(await ask("RANG:AUTO?")).toBe("1");
  });

  it("keeps ten errors, the last becoming -350 Queue overflow; *CLS empties the queue", async () => {
    const { send, errors, emulator, ask } = await rig();
    for (let i = 0; i < 12; i++) await send("NOPE");
    expect(emulator.errorQueue).toHaveLength(10);
    const found = await errors();
    expect(found).toHaveLength(10);
    expect(found.slice(0, 9).every((e) => e === '-113,"Undefined header"')).toBe(true);
    expect(found[9]).toBe('-350,"Queue overflow"');
    await send("NOPE", "NPLC 9");
    expect(await ask("*ESR?")).toBe("48"); // CME 32 + EXE 16
    expect(await ask("*ESR?")).toBe("0");
    await send("*CLS");
    expect(await errors()).toEqual([]);
  });

  it("*RST restores the defaults but keeps the error queue", async () => {
    const { send, ask, errors } = await rig();
    await send("NPLC 1", "RANG 2e-6", "SYST:ZCH OFF", "FORM:ELEM READ", "NOPE", "*RST");
    expect(await ask("NPLC?")).toBe("5.000000E+00");
    expect(await ask("RANG:AUTO?")).toBe("1");
    expect(await ask("SYST:ZCH?")).toBe("1");
    expect(await ask("FORM:ELEM?")).toBe("READ,UNIT,TIME,STAT");
    expect(await errors()).toEqual(['-113,"Undefined header"']);
  });

  it("sends only the selected elements, in the canonical order", async () => {
    const { send, convert, ask } = await rig({ current: 1e-9 });
    await send("SYST:ZCH OFF", "NPLC 0.01", "FORM:ELEM STAT,READ");
    expect(await ask("FORM:ELEM?")).toBe("READ,STAT");
    expect(await convert("READ?", 0.0002)).toBe("+1.000000E-09,+0.000000E+00");
    await send("FORM:ELEM READING,UNITS");
    expect(await convert("READ?", 0.0002)).toBe("+1.000000E-09A");
  });

  it("resets the timestamp with SYST:TIME:RES and wraps it at 100000 s", async () => {
    const { send, convert, clock } = await rig({ current: 1e-9 });
    await send("SYST:ZCH OFF", "NPLC 0.01");
    await clock.advance(99_999.5);
    // 7 significant digits: "+9.999950E+04"
    expect(reading(await convert("READ?", 0.0002))[1]).toBe(99_999.5);
    await clock.advance(1);
    expect(reading(await convert("READ?", 0.0002))[1]).toBeCloseTo(0.5004, 6);
    await send("SYST:TIME:RES");
    expect(reading(await convert("READ?", 0.0002))[1]).toBeCloseTo(0.0002, 9);
  });

  it("reads a current that is a function of time, or a Gaussian over a position", async () => {
    const { send, convert } = await rig({ current: (t) => 1e-9 * (1 + t) });
    await send("SYST:ZCH OFF", "NPLC 5");
    // averaged over the integration, 0..0.1 s
    expect(reading(await convert("READ?", 0.1))[0]).toBeCloseTo(1.05e-9, 15);
    let x = 0;
    const peak = await rig({
      current: {
        peak: { position: () => x, centre: 0.3, sigma: 0.25, amplitude: 1e-6, background: 1e-9 },
      },
    });
    await peak.send("SYST:ZCH OFF", "NPLC 0.01");
    const at = async (position: number): Promise<number> => {
      x = position;
      return reading(await peak.convert("READ?", 0.0002))[0]!;
    };
    expect(await at(0.3)).toBeCloseTo(1.001e-6, 12);
    expect(await at(-2)).toBeCloseTo(1e-9 + 1e-6 * Math.exp(-(2.3 ** 2) / (2 * 0.25 ** 2)), 14);
    expect(await at(0.55)).toBeCloseTo(1e-9 + 1e-6 * Math.exp(-0.5), 11);
  });

  it("adds seeded noise: the same seed gives the same readings", async () => {
    const run = async (seed: number): Promise<number[]> => {
      const { send, convert } = await rig({ current: 1e-9, noise: 1e-11, seed });
      await send("SYST:ZCH OFF", "NPLC 0.01");
      const values: number[] = [];
      for (let i = 0; i < 5; i++) values.push(reading(await convert("READ?", 0.0002))[0]!);
      return values;
    };
    const a = await run(1);
    expect(a).toEqual(await run(1));
    expect(a).not.toEqual(await run(2));
    expect(new Set(a).size).toBe(5);
    for (const value of a) expect(Math.abs(value - 1e-9)).toBeLessThan(1e-10);
  });

  it("injects faults: garbage, a dropped reply, delayed, cut and fragmented replies", async () => {
    const { send, ask, emulator, clock, lines, chunks } = await rig();
    emulator.injectGarbage("#~?!");
    await settle();
    expect(lines.splice(0)).toEqual(["#~?!"]);
    emulator.dropNextReply();
    expect(await send("*IDN?")).toEqual([]);
    expect(await ask("*IDN?")).toBe(KEITHLEY6485_IDENTITY);
    emulator.delayReplies(0.5);
    expect(await send("NPLC?")).toEqual([]);
    await clock.advance(0.5);
    await settle();
    expect(lines.splice(0)).toEqual(["5.000000E+00"]);
    emulator.delayReplies(0);
    emulator.truncateNextReply(4);
    expect(await send("*IDN?")).toEqual([]);
    expect(chunks.at(-1)).toBe("KEIT");
    expect(await send("*IDN?")).toEqual([`KEIT${KEITHLEY6485_IDENTITY}`]); // no terminator came
    emulator.fragmentReplies(3);
    chunks.length = 0;
    expect(await ask("NPLC?")).toBe("5.000000E+00");
    expect(chunks).toEqual(["5.0", "000", "00E", "+00", "\n"]);
    emulator.pushError(501, "Overvoltage");
    expect(await ask("SYST:ERR?")).toBe('501,"Overvoltage"');
  });

  it("executes a command only when CR arrives, LF of a CR LF being ignored", async () => {
    const { client, lines, emulator } = await rig();
    await client.write(Buffer.from("*IDN?\n", "latin1"));
    await settle();
    expect(lines).toEqual([]);
    await client.write(Buffer.from("\r\nNPLC?\r\n", "latin1"));
    await settle();
    expect(lines).toEqual([KEITHLEY6485_IDENTITY, "5.000000E+00"]);
    expect(emulator.received).toEqual(["*IDN?", "NPLC?"]);
  });
});
