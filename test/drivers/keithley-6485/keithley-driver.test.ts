// The config driver "keithley.6485": its parameters as a YAML entry gives them, and a device
// built from them over a real pty pair (socat) to the emulator.
import { afterEach, describe, expect, it } from "vitest";
import type { BuildContext, Transport } from "../../../src/config/index.js";
import { byteTransport, driverRegistry, modbusClient } from "../../../src/config/index.js";
import { keithley6485Driver } from "../../../src/config/drivers/keithley-driver.js";
import type { Device } from "../../../src/core/index.js";
import { realClock } from "../../../src/core/index.js";
import type { RequestChannel } from "../../../src/transports/index.js";
import { SerialTransport } from "../../../src/transports/index.js";
import { Keithley6485Emulator } from "../../../sim/index.js";
import { KEITHLEY6485_SERIAL, Keithley6485 } from "../../../drivers/keithley-6485/index.js";
import { socat } from "../../support/peers.js";
import { ptyPair } from "../../support/pty-pair.js";

type Params = Parameters<typeof keithley6485Driver.build>[0]["params"];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function context(
  transport: Transport,
  params: Params,
  extra: Partial<BuildContext<Params>> = {},
): BuildContext<Params> & { keys: string[]; made: Map<string, unknown> } {
  const made = new Map<string, unknown>();
  const keys: string[] = [];
  return {
    name: "det",
    params,
    clock: realClock,
    seed: 1,
    kind: "normal",
    labels: [],
    transport,
    keys,
    made,
    shared: <T>(key: string, make: () => T): T => {
      keys.push(key);
      if (!made.has(key)) made.set(key, make());
      return made.get(key) as T;
    },
    byteLink: () => byteTransport(transport),
    modbusLink: () => modbusClient(transport),
    device: (other: string): Device => {
      throw new Error(`no ${other}`);
    },
    ...extra,
  };
}

const issues = (input: unknown): string[] => {
  const result = keithley6485Driver.params.safeParse(input);
  return (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("keithley.6485", () => {
  it("is registered", () => {
    expect(driverRegistry.get("keithley.6485")).toBe(keithley6485Driver);
    expect(keithley6485Driver.transports).toEqual(["serial", "tcp"]);
  });

  it("takes range (A or auto), autorange, nplc, lineFrequency and timeout; numbers may be strings", () => {
    expect(keithley6485Driver.params.parse({ range: "auto", nplc: 1 })).toEqual({
      range: "auto",
      nplc: 1,
    });
    expect(
      keithley6485Driver.params.parse({
        range: "2e-9",
        nplc: "0.1",
        timeout: "2",
        lineFrequency: "60",
      }),
    ).toEqual({ range: 2e-9, nplc: 0.1, timeout: 2, lineFrequency: 60 });
    expect(keithley6485Driver.params.parse({ autorange: false })).toEqual({ autorange: false });
    expect(keithley6485Driver.params.parse({})).toEqual({});
  });

  it("refuses bad and contradictory parameters", () => {
    expect(issues({ range: 1 })).toEqual(["range: Too big: expected number to be <=0.021"]);
    expect(issues({ range: "automatic" })).toHaveLength(1);
    expect(issues({ nplc: 7 })).toHaveLength(1);
    expect(issues({ nplc: 0.001 })).toHaveLength(1);
    expect(issues({ lineFrequency: 55 })).toHaveLength(1);
    expect(issues({ timeout: 0 })).toHaveLength(1);
    expect(issues({ gain: 2 })).toEqual([': Unrecognized key: "gain"']);
    expect(issues({ range: "auto", autorange: false })).toEqual([
      'autorange: range "auto" contradicts autorange: false',
    ]);
    expect(issues({ range: 2e-6, autorange: true })).toEqual([
      "autorange: a fixed range contradicts autorange: true",
    ]);
  });

  it("builds one device per entry on a channel shared per port; units must be A", async () => {
    const serial: Transport = {
      type: "serial",
      path: "/dev/ttyUSB1",
      baud: 9600,
      dataBits: 8,
      parity: "none",
      stopBits: 1,
      flowControl: "none",
    };
    const ctx = context(serial, { nplc: 1 }, { units: "A" });
    const det = await keithley6485Driver.build(ctx);
    expect(det).toBeInstanceOf(Keithley6485);
    expect((det as Keithley6485).port).toBe("serial:/dev/ttyUSB1");
    expect(ctx.keys).toEqual(["serial:/dev/ttyUSB1"]);
    const tcp = context({ type: "tcp", host: "10.0.0.5", port: 4001 }, {});
    expect(((await keithley6485Driver.build(tcp)) as Keithley6485).port).toBe("tcp:10.0.0.5:4001");
    expect(tcp.keys).toEqual(["tcp:10.0.0.5:4001"]);
    expect(() => keithley6485Driver.build(context(serial, {}, { units: "nA" }))).toThrow(
      'units: a 6485 reads amperes, so units must be "A", got "nA"',
    );
  });

  it.skipIf(!socat().available)(
    "builds a device that connects and reads over a real serial port",
    async () => {
      const pty = await ptyPair();
      cleanups.push(() => pty.kill());
      const emulator = new Keithley6485Emulator({
        transport: new SerialTransport({ path: pty.b, ...KEITHLEY6485_SERIAL }),
        clock: realClock,
        current: -4.5e-10,
      });
      await emulator.start();
      cleanups.push(() => emulator.close());
      const params = keithley6485Driver.params.parse({ range: "2e-9", nplc: "0.01", timeout: 0.5 });
      const transport: Transport = {
        type: "serial",
        path: pty.a,
        baud: 9600,
        dataBits: 8,
        parity: "none",
        stopBits: 1,
        flowControl: "none",
      };
      const ctx = context(transport, params);
      const det = (await keithley6485Driver.build(ctx)) as Keithley6485;
      const channel = ctx.made.get(`serial:${pty.a}`) as RequestChannel;
      cleanups.push(() => channel.close());
      await det.connect({ timeout: 2 });
      await det.trigger();
      expect(await det.value.get()).toBeCloseTo(-4.5e-10, 18);
      expect(emulator.state).toMatchObject({ range: 2e-9, autorange: false, nplc: 0.01 });
    },
  );
});
