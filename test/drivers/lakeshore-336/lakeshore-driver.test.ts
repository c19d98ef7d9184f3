// The config driver "lakeshore.336": its parameters as a YAML entry gives them, and loops
// built from them over a real pty pair (socat, 7O1) and over TCP to one emulated instrument.
import { afterEach, describe, expect, it } from "vitest";
import type { BuildContext, Transport } from "../../../src/config/index.js";
import { byteTransport, driverRegistry, modbusClient } from "../../../src/config/index.js";
import { lakeshore336Driver } from "../../../src/config/drivers/lakeshore-driver.js";
import type { Device } from "../../../src/core/index.js";
import { realClock } from "../../../src/core/index.js";
import type { RequestChannel } from "../../../src/transports/index.js";
import { SerialTransport } from "../../../src/transports/index.js";
import { LakeShore336Emulator } from "../../../sim/index.js";
import { LAKESHORE336_SERIAL, LakeShore336 } from "../../../drivers/lakeshore-336/index.js";
import { socat } from "../../support/peers.js";
import { ptyPair } from "../../support/pty-pair.js";

type Params = Parameters<typeof lakeshore336Driver.build>[0]["params"];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** What buildDevices gives a driver, with one `shared` for every loop built with it. */
function builder() {
  const made = new Map<string, unknown>();
  const keys: string[] = [];
  const context = (
    transport: Transport,
    params: Params,
    extra: Partial<BuildContext<Params>> = {},
  ): BuildContext<Params> => ({
    name: "tc1",
    params,
    clock: realClock,
    seed: 1,
    kind: "normal",
    labels: [],
    transport,
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
  });
  return { context, keys, made };
}

const serial = (path: string, framing: Partial<Transport> = {}): Transport =>
  ({
    type: "serial",
    path,
    baud: 57600,
    dataBits: 7,
    parity: "odd",
    stopBits: 1,
    flowControl: "none",
    ...framing,
  }) as Transport;

const issues = (input: unknown): string[] => {
  const result = lakeshore336Driver.params.safeParse(input);
  return (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("lakeshore.336", () => {
  it("is registered, over tcp or serial", () => {
    expect(driverRegistry.get("lakeshore.336")).toBe(lakeshore336Driver);
    expect(lakeshore336Driver.transports).toEqual(["tcp", "serial"]);
  });

  it("takes input, output, range and the settling and timeout numbers; numbers may be strings", () => {
    expect(lakeshore336Driver.params.parse({})).toEqual({ input: "A", output: 1 });
    expect(
      lakeshore336Driver.params.parse({
        input: "B",
        output: "2",
        range: "Medium",
        tolerance: "0.05",
        settleTime: 10,
        pollPeriod: 0.2,
        timeout: "2",
      }),
    ).toEqual({
      input: "B",
      output: 2,
      range: "Medium",
      tolerance: 0.05,
      settleTime: 10,
      pollPeriod: 0.2,
      timeout: 2,
    });
  });

  it("refuses bad parameters", () => {
    expect(issues({ input: "E" })).toHaveLength(1);
    expect(issues({ output: 5 })).toHaveLength(1);
    expect(issues({ range: "Max" })).toHaveLength(1);
    expect(issues({ tolerance: 0 })).toHaveLength(1);
    expect(issues({ address: 1 })).toEqual([': Unrecognized key: "address"']);
  });

  it("builds loops on one channel per port; refuses 8N1, other units and a range the output lacks", async () => {
    const { context, keys } = builder();
    const tcp: Transport = { type: "tcp", host: "192.168.1.36", port: 7777 };
    const a = await lakeshore336Driver.build(
      context(tcp, { input: "A", output: 1 }, { units: "K" }),
    );
    const b = await lakeshore336Driver.build(
      context(tcp, { input: "B", output: 2 }, { name: "tc2" }),
    );
    expect(a).toBeInstanceOf(LakeShore336);
    expect((b as LakeShore336).temperature.source).toBe(
      "lakeshore336://tcp:192.168.1.36:7777/KRDG/B",
    );
    expect(keys).toEqual([
      "lakeshore.336 tcp:192.168.1.36:7777",
      "lakeshore.336 tcp:192.168.1.36:7777",
    ]);
    expect(() =>
      lakeshore336Driver.build(
        context(serial("/dev/ttyACM0", { dataBits: 8, parity: "none" }), { input: "A", output: 1 }),
      ),
    ).toThrow(
      "transport: a 336's serial port runs 57600 baud, 7 data bits, odd parity, 1 stop bit; " +
        "give dataBits: 7, parity: odd (got 8 data bits, parity none, 1 stop bit(s))",
    );
    expect(() =>
      lakeshore336Driver.build(context(tcp, { input: "A", output: 1 }, { units: "degC" })),
    ).toThrow('units: a 336 loop reads kelvin (KRDG?), so units must be "K", got "degC"');
    expect(() =>
      lakeshore336Driver.build(context(tcp, { input: "A", output: 3, range: "High" })),
    ).toThrow('range: output 3 takes Off, On, got "High"');
  });

  it.skipIf(!socat().available)(
    "builds loops that connect over a real 7O1 serial port and over TCP to one instrument",
    async () => {
      const pty = await ptyPair();
      cleanups.push(() => pty.kill());
      const emulator = new LakeShore336Emulator({
        transport: new SerialTransport({ path: pty.b, ...LAKESHORE336_SERIAL }),
        clock: realClock,
      });
      await emulator.start();
      cleanups.push(() => emulator.close());
      const listener = await emulator.serveTcp();
      cleanups.push(() => listener.close());
      const { context, made } = builder();
      const params = lakeshore336Driver.params.parse({ range: "Low", timeout: 0.5 });
      const overSerial = (await lakeshore336Driver.build(
        context(serial(pty.a), params),
      )) as LakeShore336;
      const tcp: Transport = { type: "tcp", host: "127.0.0.1", port: listener.port };
      const overTcp = (await lakeshore336Driver.build(
        context(tcp, lakeshore336Driver.params.parse({ input: "B", output: 2 }), { name: "tc2" }),
      )) as LakeShore336;
      for (const channel of made.values()) cleanups.push(() => (channel as RequestChannel).close());
      await overSerial.connect({ timeout: 2 });
      await overTcp.connect({ timeout: 2 });
      expect(await overSerial.temperature.get()).toBe(77);
      expect(await overTcp.range.get()).toBe("High");
      expect(emulator.settings(1).range).toBe(1);
      await overTcp.setpoint.set(80);
      expect(emulator.settings(2).setpoint).toBe(80);
    },
  );
});
