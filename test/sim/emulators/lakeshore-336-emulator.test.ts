// The Lake Shore 336 emulator alone: request lines in at one end of a memory pair, reply lines
// out, on a VirtualClock stepped by hand. Expected replies come from the fact sheet
// (../shared/reference/instruments.md §2) and drivers/lakeshore-336/README.md, not the driver.
import { Buffer } from "node:buffer";
import { createConnection } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { LineFramer, memoryPair } from "../../../src/transports/index.js";
import type { LakeShore336EmulatorOptions } from "../../../sim/index.js";
import { LAKESHORE336_IDENTITY, LakeShore336Emulator, ThermalLoop } from "../../../sim/index.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Lets queued microtasks (the memory pair's deliveries) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function rig(options: Omit<LakeShore336EmulatorOptions, "transport" | "clock"> = {}) {
  const clock = new VirtualClock({ auto: false });
  const [client, far] = memoryPair("host", "ls336");
  const emulator = new LakeShore336Emulator({ transport: far, clock, ...options });
  await emulator.start();
  await client.open();
  closers.push(() => emulator.close());
  const framer = new LineFramer({ terminator: "\r\n" });
  const lines: string[] = [];
  let raw = "";
  client.onData((chunk) => {
    raw += Buffer.from(chunk).toString("latin1");
    lines.push(...framer.push(chunk));
  });
  /** Sends each request line (ended by `end`) and returns every line that came back. */
  const send = async (commands: string[], end = "\n"): Promise<string[]> => {
    for (const command of commands) await client.write(Buffer.from(`${command}${end}`, "latin1"));
    await settle();
    return lines.splice(0);
  };
  const ask = async (command: string): Promise<string | undefined> => {
    const replies = await send([command]);
    expect(replies.length).toBeLessThanOrEqual(1);
    return replies[0];
  };
  return { clock, emulator, send, ask, raw: () => raw };
}

describe("LakeShore336Emulator", () => {
  it("answers *IDN?, with replies ending in CR LF", async () => {
    const { ask, raw } = await rig();
    expect(await ask("*IDN?")).toBe(LAKESHORE336_IDENTITY);
    expect(raw()).toBe("LSCI,MODEL336,1234567/1234567,2.9\r\n");
  });

  it("takes LF or CR LF, and joins the replies of one line with ;", async () => {
    const { send } = await rig();
    expect(await send(["KRDG? A;SETP? 1;RANGE? 1;*ESR?"], "\r\n")).toEqual([
      "+77.0000;+77.000;3;128",
    ]);
    expect(await send(["*ESR?"])).toEqual(["0"]);
  });

  it("formats readings with a sign and six digits, KRDG? 0 giving all four", async () => {
    const { ask, clock } = await rig({ ambient: 4.2 });
    expect(await ask("KRDG? A")).toBe("+4.20000");
    expect(await ask("krdg? b")).toBe("+4.20000");
    await ask("SETP 1,273.15");
    await clock.advance(600);
    expect(await ask("KRDG? A")).toMatch(/^\+273\.1\d\d$/);
    expect(await ask("KRDG? 0")).toMatch(/^\+273\.1\d\d,\+4\.20000,\+4\.20000,\+4\.20000$/);
  });

  it("answers RDGST? zero-padded, and +0.0000 for KRDG? while a status bit is set", async () => {
    const { ask, emulator } = await rig();
    expect(await ask("RDGST? A")).toBe("000");
    emulator.setReadingStatus("A", 32);
    expect(await ask("RDGST? A")).toBe("032");
    expect(await ask("KRDG? A")).toBe("+0.0000");
    expect(await ask("KRDG? 0")).toBe("+0.0000,+77.0000,+77.0000,+77.0000");
    emulator.setReadingStatus("A", 0);
    expect(await ask("KRDG? A")).toBe("+77.0000");
    expect(await ask("RDGST? E;*ESR?")).toBe("144");
  });

  it("is silent on sets and answers their settings", async () => {
    const { send, ask } = await rig();
    expect(await send(["SETP 1,100", "RAMP 1,1,5", "RANGE 1,2", "PID 1,25,10.5,3"])).toEqual([]);
    expect(await ask("SETP? 1")).toBe("+100.000");
    expect(await ask("RAMP? 1")).toBe("1,+5.0");
    expect(await ask("RANGE? 1")).toBe("2");
    expect(await ask("PID? 1")).toBe("+25.0,+10.5,+3");
    expect(await ask("*OPC?")).toBe("1");
  });

  it("gives no reply to a bad command and sets CME or EXE in *ESR?, read and cleared", async () => {
    const { send, ask, emulator } = await rig();
    await ask("*CLS");
    expect(await send(["KRDX? A"])).toEqual([]);
    expect(emulator.eventStatus).toBe(32);
    expect(await ask("*ESR?")).toBe("32");
    expect(await ask("*ESR?")).toBe("0");
    const refusals: Array<[string, number]> = [
      ["SETP 5,10", 32],
      ["SETP 1", 32],
      ["SETP 1,abc", 32],
      ["SETP 1,-3", 16],
      ["KRDG? E", 16],
      ["RANGE 1,4", 16],
      ["RANGE 3,2", 16],
      ["RAMP 1,1,0", 16],
      ["RAMP 1,2,5", 32],
      ["PID 1,0,20,0", 16],
      ["HTR? 3", 16],
      ["AOUT? 1", 16],
      ["*IDN? 1", 32],
    ];
    for (const [command, bit] of refusals) {
      expect(await send([`${command};*ESR?`]), command).toEqual([String(bit)]);
    }
    expect(await ask("SETP? 1")).toBe("+77.000");
  });

  it("heats input A with output 1 on the thermal model, as a ThermalLoop would", async () => {
    const { ask, clock } = await rig({ timeConstant: 30, heaterGain: 300, ambient: 77, dt: 0.05 });
    const twin = new ThermalLoop({
      plant: { ambient: 77, gain: 300, timeConstant: 30 },
      pid: { kp: 0.5, ki: (0.5 * 20) / 60, kd: 0 },
      dt: 0.05,
    });
    await ask("SETP 1,150");
    twin.setSetpoint(150, 0);
    for (const t of [1, 5, 20, 60]) {
      await clock.advance(t - clock.now());
      expect(Number(await ask("KRDG? A"))).toBeCloseTo(twin.temperatureAt(t), 2);
    }
    expect(Math.abs(Number(await ask("KRDG? A")) - 150)).toBeLessThan(0.05);
    expect(Number(await ask("HTR? 1"))).toBeCloseTo(100 * twin.heaterOutputAt(60), 0);
    expect(await ask("HTR? 1")).toMatch(/^\+\d{3}\.\d$/);
    expect(await ask("KRDG? B")).toBe("+77.0000");
  });

  it("ramps the setpoint at RAMP's K/min while RAMPST? says 1", async () => {
    const { ask, clock } = await rig();
    await ask("RAMP 1,1,60");
    await ask("SETP 1,97");
    await clock.advance(10);
    expect(await ask("RAMPST? 1")).toBe("1");
    await clock.advance(15);
    expect(await ask("RAMPST? 1")).toBe("0");
    expect(await ask("RAMPST? 2")).toBe("0");
    expect(await ask("SETP? 1")).toBe("+97.000");
  });

  it("on range Off keeps the heater at 0 % and the stage at ambient; Low heats at 1 % power", async () => {
    const { ask, clock } = await rig();
    await ask("RANGE 1,0");
    await ask("SETP 1,100");
    await clock.advance(60);
    expect(await ask("HTR? 1")).toBe("+000.0");
    expect(await ask("KRDG? A")).toBe("+77.0000");
    await ask("RANGE 1,1");
    await clock.advance(600);
    // At most 300 K × 1 % = 3 K above ambient, with the heater saturated.
    expect(Number(await ask("KRDG? A"))).toBeCloseTo(80, 1);
    expect(await ask("HTR? 1")).toBe("+100.0");
  });

  it("*RST puts the setpoints, ramps, ranges and gains back", async () => {
    const { ask, send, emulator } = await rig({ range: 2 });
    await send(["SETP 1,120;RAMP 1,1,5;RANGE 1,3;PID 1,10,10,10"]);
    await ask("*RST");
    expect(emulator.settings(1)).toEqual({
      setpoint: 77,
      rampOn: false,
      rampRate: 10,
      range: 2,
      pid: { p: 50, i: 20, d: 0 },
    });
  });

  it("drops a line over 256 bytes with a command error", async () => {
    const { send, ask } = await rig();
    await ask("*CLS");
    expect(await send([`SETP 1,${"1".repeat(300)}`])).toEqual([]);
    expect(await ask("*ESR?")).toBe("32");
    expect(await ask("SETP? 1")).toBe("+77.000");
  });

  it("serves TCP connections on the same instrument", async () => {
    const { ask, emulator } = await rig();
    const listener = await emulator.serveTcp();
    closers.push(() => listener.close());
    await ask("SETP 1,42");
    const socket = createConnection({ host: "127.0.0.1", port: listener.port });
    const reply = await new Promise<string>((resolve, reject) => {
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
        if (text.endsWith("\r\n")) resolve(text);
      });
      socket.on("error", reject);
      socket.on("connect", () => socket.write("SETP? 1;*ESR?\n"));
    });
    socket.destroy();
    expect(reply).toBe("+42.000;128\r\n");
  });
});
