// The SMC100 emulator alone: command lines in at one end of a memory pair, reply lines out,
// on a VirtualClock stepped by hand. Expected replies come from the fact sheet, not the driver.
import { Buffer } from "node:buffer";
import { afterEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/index.js";
import { LineFramer, memoryPair } from "../../../src/transports/index.js";
import type { Smc100EmulatorOptions } from "../../../sim/index.js";
import { SMC100_RESET_JUNK, Smc100Emulator } from "../../../sim/index.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Lets queued microtasks (the memory pair's deliveries) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function rig(options: Partial<Omit<Smc100EmulatorOptions, "transport">> = {}) {
  const clock = new VirtualClock({ auto: false });
  const [client, far] = memoryPair("host", "smc100");
  const emulator = new Smc100Emulator({ transport: far, clock, ...options });
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
  /** Sends each command line and returns every line that came back. */
  const send = async (...commands: string[]): Promise<string[]> => {
    for (const command of commands) await client.write(Buffer.from(`${command}\r\n`, "latin1"));
    await settle();
    return lines.splice(0);
  };
  /** One query, one reply. */
  const ask = async (command: string): Promise<string | undefined> => {
    const replies = await send(command);
    expect(replies.length).toBeLessThanOrEqual(1);
    return replies[0];
  };
  const state = async (address = 1): Promise<string | undefined> =>
    (await ask(`${address}TS`))?.slice(-2);
  const rawOut = (): string => raw;
  return { clock, emulator, send, ask, state, lines, rawOut };
}

/** Time of a trapezoidal move of `d` at v, a (triangular when short). */
function moveTime(d: number, v: number, a: number): number {
  return d >= (v * v) / a ? d / v + v / a : 2 * Math.sqrt(d / a);
}

describe("Smc100Emulator", () => {
  it("powers up NOT REFERENCED and answers the get and query commands", async () => {
    const { ask, send } = await rig({
      axes: [{ address: 1, position: 1.5, velocity: 2, acceleration: 8, id: "LTA-HS" }],
    });
    expect(await ask("1TS")).toBe("1TS00000A");
    expect(await ask("1TE")).toBe("1TE@");
    expect(await ask("1TP")).toBe("1TP1.5");
    expect(await ask("1VA?")).toBe("1VA2");
    expect(await ask("1AC?")).toBe("1AC8");
    expect(await ask("1SL?")).toBe("1SL-25");
    expect(await ask("1SR?")).toBe("1SR25");
    expect(await ask("1PA?")).toBe("1PA1.5");
    expect(await ask("1ID?")).toBe("1IDLTA-HS");
    expect(await ask("1VE")).toBe("1VE SMC_CC - Controller-driver version 3.0.2");
    expect(await ask("1tp")).toBe("1TP1.5");
    // set commands say nothing
    expect(await send("1VA3", "1AC4")).toEqual([]);
  });

  it("refuses commands not allowed in the state with the state's letter; TE clears", async () => {
    const { ask, send, state } = await rig();
    expect(await send("1PA1")).toEqual([]);
    expect(await ask("1TE")).toBe("1TEH");
    expect(await ask("1TE")).toBe("1TE@");
    expect(await state()).toBe("0A");
    await send("1VA3");
    expect(await ask("1TE")).toBe("1TEH");
    expect(await ask("1VA?")).toBe("1VA2");
    await send("1MM0");
    expect(await ask("1TE")).toBe("1TEH");
    // every command overwrites the error: a later good one leaves @
    await send("1PA1", "1TS");
    expect(await ask("1TE")).toBe("1TE@");
  });

  it("homes with OR: HOMING 1E, then READY from HOMING 32 at 0, in trapezoid time", async () => {
    const { clock, ask, send, state } = await rig({
      axes: [{ address: 1, position: 3, velocity: 2, acceleration: 8 }],
    });
    expect(await send("1OR")).toEqual([]);
    expect(await ask("1TE")).toBe("1TE@");
    expect(await state()).toBe("1E");
    await send("1OR");
    expect(await ask("1TE")).toBe("1TEE");
    const duration = moveTime(3, 2, 8);
    await clock.advance(duration - 0.01);
    expect(await state()).toBe("1E");
    await clock.advance(0.01);
    expect(await state()).toBe("32");
    expect(await ask("1TP")).toBe("1TP0");
    await send("1OR");
    expect(await ask("1TE")).toBe("1TEK");
  });

  it("stops a home search with ST: NOT REFERENCED from HOMING 0B", async () => {
    const { clock, send, state } = await rig({ axes: [{ address: 1, position: 10 }] });
    await send("1OR");
    await clock.advance(1);
    await send("1ST");
    await clock.advance(5);
    expect(await state()).toBe("0B");
  });

  async function ready(options: Partial<Omit<Smc100EmulatorOptions, "transport">> = {}) {
    const r = await rig(options);
    await r.send("1OR");
    await r.clock.advance(60);
    expect(await r.state()).toBe("32");
    return r;
  }

  it("moves with PA: MOVING 28, the position on the trapezoid, then READY from MOVING 33", async () => {
    const { clock, ask, send, state, emulator } = await ready();
    const start = clock.now();
    expect(await send("1PA10")).toEqual([]);
    expect(await ask("1TE")).toBe("1TE@");
    expect(await state()).toBe("28");
    expect(await ask("1PA?")).toBe("1PA10");
    const duration = moveTime(10, 2, 8); // 5.25 s
    await clock.advance(duration / 2);
    expect(Number((await ask("1TP"))!.slice(3))).toBeCloseTo(5, 6);
    await clock.advance(duration / 2 - 0.001);
    expect(await state()).toBe("28");
    await clock.advance(0.001);
    expect(clock.now() - start).toBeCloseTo(duration, 9);
    expect(await state()).toBe("33");
    expect(await ask("1TP")).toBe("1TP10");
    expect(emulator.positionOf(1)).toBe(10);
    await send("1PR-2.5");
    await clock.advance(10);
    expect(await ask("1TP")).toBe("1TP7.5");
    expect(await ask("1PR?")).toBe("1PR-2.5");
  });

  it("refuses PA while MOVING (M), targets outside SL..SR (PA: C, PR: G), bad parameters (C)", async () => {
    const { clock, ask, send } = await ready({ axes: [{ address: 1, limits: [-5, 5] }] });
    await send("1PA6");
    expect(await ask("1TE")).toBe("1TEC");
    await send("1PR-5.5");
    expect(await ask("1TE")).toBe("1TEG");
    await send("1PA");
    expect(await ask("1TE")).toBe("1TEC");
    await send("1PA1e3");
    expect(await ask("1TE")).toBe("1TEC");
    await send("1PA4");
    await clock.advance(0.1);
    await send("1PA-4");
    expect(await ask("1TE")).toBe("1TEM");
    await send("1VA0", "1TE");
    await send("1VA1");
    expect(await ask("1TE")).toBe("1TEM");
    await clock.advance(10);
    expect(await ask("1TP")).toBe("1TP4");
    for (const [command, letter] of [
      ["1VA0", "C"],
      ["1AC-1", "C"],
      ["1SL1", "C"],
      ["1SR-1", "C"],
      ["1SLx", "C"],
      ["1TS5", "C"],
      ["1TP?", "C"],
      ["1SL-4", "@"],
    ] as const) {
      await send(command);
      expect([command, await ask("1TE")]).toEqual([command, `1TE${letter}`]);
    }
    expect(await ask("1SL?")).toBe("1SL-4");
  });

  it("stops a move with ST: decelerates v²/2a further, MOVING until at rest, then 33", async () => {
    const { clock, ask, send, state } = await ready();
    await send("1PA20");
    await clock.advance(3); // cruising at 2 from 0.25 s: at 0.25 + 2 * 2.75 = 5.75
    expect(Number((await ask("1TP"))!.slice(3))).toBeCloseTo(5.75, 6);
    await send("1ST");
    expect(await ask("1TE")).toBe("1TE@");
    expect(await state()).toBe("28");
    await clock.advance(0.25);
    expect(await state()).toBe("33");
    expect(Number((await ask("1TP"))!.slice(3))).toBeCloseTo(5.75 + 4 / 16, 6);
    await send("1ST"); // harmless at rest
    expect(await ask("1TE")).toBe("1TE@");
  });

  it("stops every axis with the global ST", async () => {
    const { clock, send, state } = await rig({ axes: [{ address: 1 }, { address: 2 }] });
    await send("1OR", "2OR");
    await clock.advance(1);
    await send("1PA10", "2PA-10");
    await clock.advance(1);
    await send("ST");
    await clock.advance(1);
    expect(await state(1)).toBe("33");
    expect(await state(2)).toBe("33");
  });

  it("enters CONFIGURATION with PW1 from NOT REF only; PW0 saves, deaf for a while, to 0C", async () => {
    const { clock, ask, send, state } = await rig({ saveDuration: 5 });
    await send("1PW1");
    expect(await ask("1TE")).toBe("1TE@");
    expect(await state()).toBe("14");
    await send("1VA4", "1ID NEW");
    expect(await ask("1TE")).toBe("1TE@");
    await send("1OR");
    expect(await ask("1TE")).toBe("1TEI");
    await send("1PW0");
    expect(await send("1TS")).toEqual([]); // saving to flash
    await clock.advance(5);
    expect(await state()).toBe("0C");
    expect(await ask("1VA?")).toBe("1VA4");
    expect(await ask("1ID?")).toBe("1ID NEW");
    await send("1OR");
    await clock.advance(10);
    await send("1PW1");
    expect(await ask("1TE")).toBe("1TEK");
    await send("1PW2");
    expect(await ask("1TE")).toBe("1TEC");
  });

  it("resets with RS: deaf, then NOT REFERENCED 0A with the saved settings and one junk line", async () => {
    const { clock, ask, send, state, lines } = await ready({ resetDuration: 3 });
    await send("1VA5"); // READY: volatile
    expect(await ask("1VA?")).toBe("1VA5");
    await send("1RS");
    expect(await send("1TS")).toEqual([]);
    await clock.advance(3);
    expect(lines.splice(0)).toEqual([SMC100_RESET_JUNK]);
    expect(await state()).toBe("0A");
    expect(await ask("1VA?")).toBe("1VA2");
  });

  it("disables with MM0 from READY (3C) and re-enables with MM1 (34)", async () => {
    const { ask, send, state } = await ready();
    await send("1MM0");
    expect(await state()).toBe("3C");
    await send("1PA1");
    expect(await ask("1TE")).toBe("1TEJ");
    await send("1MM1");
    expect(await state()).toBe("34");
    await send("1MM7");
    expect(await ask("1TE")).toBe("1TEC");
  });

  it("answers TE letters for bad messages and says nothing for absent addresses", async () => {
    const { ask, send } = await rig({ axes: [{ address: 1 }, { address: 31 }] });
    expect(await send("1XX")).toEqual([]);
    expect(await ask("1TE")).toBe("1TEA");
    await send("PA5");
    expect(await ask("1TE")).toBe("1TEA");
    await send("1.5TS");
    expect(await ask("1TE")).toBe("1TEA");
    await send("32TS");
    expect(await ask("1TE")).toBe("1TEB");
    expect(await send("7TS")).toEqual([]);
    expect(await ask("31TS")).toBe("31TS00000A");
    await send("1PA1");
    expect(await ask("1TB")).toBe("1TBH Command not allowed in NOT REFERENCED state");
    expect(await ask("1TE")).toBe("1TE@");
    expect(await ask("1TBC")).toBe("1TBC Parameter missing or out of range");
    expect(await ask("1TB")).toBe("1TB@ No error");
  });

  it("cuts a move at an end-of-run switch: DISABLE from MOVING with the bit set", async () => {
    const { clock, ask, send } = await ready({
      axes: [{ address: 1, hardLimits: { low: -20, high: 3 } }],
    });
    await send("1PA10");
    await clock.advance(10);
    expect(await ask("1TS")).toBe("1TS00023D");
    expect(await ask("1TP")).toBe("1TP3");
    await send("1MM1");
    expect(await ask("1TS")).toBe("1TS000234");
    await send("1PA0");
    await clock.advance(10);
    expect(await ask("1TS")).toBe("1TS000033");
  });

  it("serves 31 addresses on one line", async () => {
    const axes = Array.from({ length: 31 }, (_, i) => ({ address: i + 1, position: i }));
    const { ask } = await rig({ axes });
    expect(await ask("31TP")).toBe("31TP30");
    expect(await ask("17TS")).toBe("17TS00000A");
    expect(
      () => new Smc100Emulator({ transport: memoryPair()[0], axes: [{ address: 32 }] }),
    ).toThrow(RangeError);
  });

  describe("fault injection", () => {
    it("sends garbage, drops a reply and delays replies on its clock", async () => {
      const { clock, emulator, ask, send } = await rig();
      emulator.injectGarbage();
      expect(await send()).toEqual(["#~?!"]);
      emulator.dropNextReply();
      expect(await send("1TS")).toEqual([]);
      expect(await ask("1TS")).toBe("1TS00000A");
      emulator.delayReplies(0.5);
      expect(await send("1TS")).toEqual([]);
      await clock.advance(0.5);
      expect(await send()).toEqual(["1TS00000A"]);
      emulator.delayReplies(0);
      expect(await ask("1TS")).toBe("1TS00000A");
    });

    it("cuts power: a NUL byte, motion stops where it is, every axis NOT REFERENCED 0A", async () => {
      const { clock, emulator, send, state, rawOut } = await ready({
        axes: [{ address: 1 }, { address: 2 }],
      });
      await send("1PA10");
      await clock.advance(2);
      const at = emulator.positionOf(1);
      emulator.cutPower();
      expect(await send()).toEqual([]);
      expect(rawOut().endsWith("\0")).toBe(true);
      await clock.advance(5);
      expect(emulator.positionOf(1)).toBe(at);
      expect(await state(1)).toBe("0A");
      expect(await state(2)).toBe("0A");
    });

    it("injects a positioner error: a move ends DISABLE from MOVING with the bits latched", async () => {
      const { clock, emulator, ask, send } = await ready();
      await send("1PA10");
      await clock.advance(1);
      emulator.injectPositionerError(0x0020);
      expect(await ask("1TS")).toBe("1TS00203D");
      await send("1MM1");
      expect(await ask("1TS")).toBe("1TS000034");
    });
  });
});
