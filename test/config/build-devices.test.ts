import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DriverSpec, LinkHook, LinkRequest } from "../../src/config/index.js";
import {
  ConfigError,
  DriverRegistry,
  UnknownDeviceError,
  buildDevice,
  buildDevices,
  dependencyOrder,
  deviceSeed,
  loadBeamline,
  loadConfig,
} from "../../src/config/index.js";
import type { Device, Movable, Triggerable } from "../../src/core/index.js";
import {
  Device as BaseDevice,
  HilError,
  LimitError,
  NotConnectedError,
  SignalR,
  VirtualClock,
  getMockPuts,
  realClock,
} from "../../src/core/index.js";
import type { ModbusClientLike } from "../../src/transports/index.js";
import { memoryPair } from "../../src/transports/index.js";
import { Smc100Motor } from "../../drivers/newport-smc100/index.js";
import { Keithley6485Emulator, Smc100Emulator } from "../../sim/index.js";
import { fixture } from "./fixture.js";

const node = (name: string, ...references: string[]) => ({ name, references });

/** Moves `motor` to each position, triggers `det` and returns its counts. */
async function countsAlong(
  motor: Device,
  det: Device,
  positions: readonly number[],
): Promise<number[]> {
  const counts: number[] = [];
  for (const position of positions) {
    await (motor as Device & Movable).set(position);
    await (det as Device & Triggerable).trigger();
    const reading = await det.read();
    counts.push(reading[det.name]!.value as number);
  }
  return counts;
}

describe("buildDevices", () => {
  it("builds config/sim-beamline.yaml into connected devices that move, count and read", async () => {
    const beamline = await loadBeamline("config/sim-beamline.yaml", { clock: new VirtualClock() });
    expect([...beamline.devices.keys()]).toEqual(["m1", "m2", "slits", "det", "cam", "i0", "tc1"]);
    expect(beamline.isSimulated).toBe(true);
    expect(beamline.metadata).toMatchObject({ beamline_id: "SIM-1" });
    expect(beamline.withLabel("motors").map((d) => d.name)).toEqual(["m1", "m2", "slits"]);
    expect(beamline.withLabel("baseline").map((d) => d.name)).toEqual(["i0", "tc1"]);
    expect(beamline.withLabel("detectors").map((d) => d.name)).toEqual(["det", "cam"]);
    const [away, peak] = await countsAlong(beamline.get("m1"), beamline.get("det"), [-2, 0.3]);
    // background 100/s, plus 10000/s at the centre, for 0.1 s, with Poisson noise.
    expect(away).toBeGreaterThan(0);
    expect(away).toBeLessThan(40);
    expect(peak).toBeGreaterThan(900);
    expect(peak).toBeLessThan(1120);
    expect((await beamline.get("m1").describe()).m1?.units).toBe("mm");
    expect(Object.keys(await beamline.get("tc1").read())).toContain("tc1");
  });

  it("builds config/beamline.yaml with profile sim under the same device names", async () => {
    const config = await loadConfig("config/beamline.yaml", { profile: "sim", env: {} });
    expect(config.metadata).toMatchObject({ beamline_id: "BL-7", endstation: "stand-a" });
    expect(config.devices.map((d) => [d.name, d.realDriver, d.driver])).toEqual([
      ["m1", "newport.smc100", "sim.motor"],
      ["m2", "epics.motor", "sim.motor"],
      ["det", "keithley.6485", "sim.detector"],
      ["tc1", "lakeshore.336", "sim.temperature"],
      ["furnace", "eurotherm.3200", "sim.temperature"],
    ]);
    const beamline = await buildDevices(config, { clock: new VirtualClock() });
    const counts = await countsAlong(beamline.get("m1"), beamline.get("det"), [-1, 0.3, 1]);
    expect(counts[1]).toBeGreaterThan(counts[0]! * 5);
    expect(counts[1]).toBeGreaterThan(counts[2]! * 5);
    for (const device of beamline.devices.values()) {
      expect(Object.keys(await device.read()).length).toBeGreaterThan(0);
    }
  });

  it("gives the same numbers for the same seed, and each device its own stream", async () => {
    const positions = [-0.5, 0, 0.5, 1];
    const run = async (file: string, seed: number) => {
      const beamline = await loadBeamline(fixture(file), { seed, clock: new VirtualClock() });
      return countsAlong(beamline.get("m1"), beamline.get("det"), positions);
    };
    const first = await run("seeds-a.yaml", 7);
    expect(await run("seeds-a.yaml", 7)).toEqual(first);
    expect(await run("seeds-a.yaml", 8)).not.toEqual(first);
    // One more device, declared before det, leaves det's numbers alone.
    expect(await run("seeds-b.yaml", 7)).toEqual(first);
    expect(deviceSeed(7, "det")).toBe(deviceSeed(7, "det"));
    expect(deviceSeed(7, "det")).not.toBe(deviceSeed(7, "m1"));
    expect(deviceSeed(7, "det")).not.toBe(deviceSeed(8, "det"));
  });

  it("picks a VirtualClock for an all-simulated beamline unless given a clock", async () => {
    const config = await loadConfig(fixture("seeds-a.yaml"));
    const beamline = await buildDevices(config);
    expect(beamline.clock).toBeInstanceOf(VirtualClock);
    expect(beamline.clock).not.toBe(realClock);
  });
});

/** A device whose connection always fails, like a controller that is switched off. */
class UnreachableDevice extends BaseDevice {
  override async connect(): Promise<void> {
    throw new NotConnectedError(
      this.name,
      new Map([[this.name, new Error("tcp://10.0.0.9:7777: timed out")]]),
    );
  }
}

const testDrivers = new DriverRegistry()
  .register<{ fail?: boolean }>({
    name: "test.unreachable",
    description: "never connects",
    params: z.strictObject({ fail: z.boolean().optional() }),
    build: ({ name, params }) => {
      if (params.fail) throw new Error("the controller refused the configuration");
      return new UnreachableDevice({ name });
    },
  } satisfies DriverSpec<{ fail?: boolean }>)
  .register({
    name: "sim.plain",
    description: "a device with nothing to connect",
    params: z.strictObject({}),
    build: ({ name }) => new BaseDevice({ name }),
  });

describe("buildDevices failures", () => {
  it("gathers the devices that fail to build, at their entries", async () => {
    const file = fixture("unreachable.yaml");
    const config = await loadConfig(file, { registry: testDrivers });
    const error = await buildDevices(config, { registry: testDrivers }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${file}:4:3 devices.b: the controller refused the configuration`,
    );
  });

  it("connects every device and names each that failed", async () => {
    const file = fixture("unreachable.yaml");
    const config = await loadConfig(file, { registry: testDrivers });
    const reachable = { ...config, devices: config.devices.filter((d) => d.name !== "b") };
    const error = await buildDevices(reachable, { registry: testDrivers }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    const { failures, message } = error as NotConnectedError;
    expect([...failures.keys()]).toEqual(["a", "d"]);
    expect(message).toContain(`${file} failed to connect`);
    expect(message).toContain("tcp://10.0.0.9:7777: timed out");
  });
});

describe("the link hook", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A config file of real devices: two SMC100 axes on one port, a Keithley, two Eurotherms. */
  function realStand(): string {
    const file = join(mkdtempSync(join(tmpdir(), "hil-links-")), "stand.yaml");
    writeFileSync(
      file,
      `devices:
  m1:
    driver: newport.smc100
    transport: {type: serial, path: /dev/hil-no-such-port, baud: 57600}
    address: 1
  m2:
    driver: newport.smc100
    transport: {type: serial, path: /dev/hil-no-such-port, baud: 57600}
    address: 2
  det:
    driver: keithley.6485
    transport: {type: tcp, host: 10.255.0.1, port: 4001}
    nplc: 0.01
  furnace:
    driver: eurotherm.3200
    transport: {type: modbus-tcp, host: 10.255.0.2, unitId: 1}
  oven:
    driver: eurotherm.3200
    transport: {type: modbus-tcp, host: 10.255.0.2, unitId: 2}
`,
    );
    return file;
  }

  it("puts any link in place of a byte port, asked once per port with the driver's line end", async () => {
    const config = await loadConfig(realStand());
    const [smc100Host, smc100Far] = memoryPair("host", "smc100");
    const [keithleyHost, keithleyFar] = memoryPair("host", "keithley");
    const smc100 = new Smc100Emulator({
      transport: smc100Far,
      axes: [
        { address: 1, id: "LTA-HS", position: 0.5 },
        { address: 2, id: "LTA-HS", position: -1 },
      ],
    });
    const keithley = new Keithley6485Emulator({ transport: keithleyFar, current: 2e-9 });
    await Promise.all([smc100.start(), keithley.start()]);
    cleanups.push(() => Promise.all([smc100.close(), keithley.close()]).then(() => undefined));
    const asked: LinkRequest[] = [];
    const links: LinkHook = {
      bytes: (request) => {
        asked.push(request);
        return request.driver === "newport.smc100" ? smc100Host : keithleyHost;
      },
    };
    const onlyBytes = {
      ...config,
      devices: config.devices.filter((d) => d.name !== "furnace" && d.name !== "oven"),
    };
    const beamline = await buildDevices(onlyBytes, { clock: realClock, links });
    cleanups.push(() => beamline.close());
    expect(asked).toEqual([
      {
        device: "m1",
        driver: "newport.smc100",
        transport: expect.objectContaining({ path: "/dev/hil-no-such-port" }),
        lineEnd: "\r\n",
      },
      {
        device: "det",
        driver: "keithley.6485",
        transport: { type: "tcp", host: "10.255.0.1", port: 4001 },
        lineEnd: "\r",
      },
    ]);
    expect((await beamline.get("m2").read()).m2?.value).toBe(-1);
    const det = beamline.get("det") as Device & Triggerable;
    await det.trigger();
    expect((await det.read()).det?.value).toBeCloseTo(2e-9, 15);
  });

  it("wraps each Modbus device's client, made per port and addressed to its unit", async () => {
    const config = await loadConfig(realStand());
    const made: ModbusClientLike[] = [];
    const links: LinkHook = {
      bytes: () => {
        throw new Error("no byte link here");
      },
      modbus: (request, make) => {
        expect(request.lineEnd).toBeUndefined();
        const client = make();
        made.push(client);
        return client;
      },
    };
    for (const name of ["furnace", "oven"]) {
      const entry = config.devices.find((d) => d.name === name)!;
      await buildDevice(entry, { links });
    }
    expect(made.map((c) => [c.port, c.unitId])).toEqual([
      ["modbus-tcp:10.255.0.2:502", 1],
      ["modbus-tcp:10.255.0.2:502", 2],
    ]);
    const smc100 = config.devices.find((d) => d.name === "m1")!;
    await expect(buildDevice(smc100, { links })).rejects.toThrow("no byte link here");
  });

  it("builds no device that needs others on its own", async () => {
    const config = await loadConfig("config/sim-beamline.yaml");
    const det = config.devices.find((d) => d.name === "det")!;
    await expect(buildDevice(det)).rejects.toThrow(
      "det needs m1: build it with its config (buildDevices)",
    );
  });
});

describe("dependencyOrder", () => {
  it("puts each device after the ones it references, otherwise keeping the given order", () => {
    const devices = [node("det", "m2", "m1"), node("m1"), node("x"), node("m2", "m1")];
    expect(dependencyOrder(devices).map((d) => d.name)).toEqual(["m1", "m2", "det", "x"]);
  });

  it("ignores unknown names and survives a cycle", () => {
    const devices = [node("a", "b"), node("b", "a"), node("c", "nowhere")];
    expect(dependencyOrder(devices).map((d) => d.name)).toEqual(["b", "a", "c"]);
  });
});

describe("Beamline", () => {
  it("finds devices by name and label, and names close names for a typo", async () => {
    const clock = new VirtualClock();
    const beamline = await loadBeamline(fixture("profile.yaml"), { profile: "sim", clock });
    expect(beamline.clock).toBe(clock);
    expect(beamline.has("m1")).toBe(true);
    expect(beamline.get("m1").name).toBe("m1");
    expect(beamline.withLabel("motors").map((d) => d.name)).toEqual(["m1", "m2"]);
    expect(beamline.withLabel("nothing")).toEqual([]);
    expect(beamline.config.devices[0]?.kind).toBe("hinted");
    const error = (() => {
      try {
        beamline.get("m3");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownDeviceError);
    expect(error).toBeInstanceOf(HilError);
    expect((error as UnknownDeviceError).message).toBe(
      `no device "m3" in ${fixture("profile.yaml")} (did you mean "m1" or "m2"?)`,
    );
    expect(() => beamline.get("zzzzz")).toThrow(
      `no device "zzzzz" in ${fixture("profile.yaml")} (devices: m1, m2, tc)`,
    );
  });
});

// The "mock" profile: the devices' own drivers, connected with {mock: true}.
const yaml = `
devices:
  m1:
    driver: newport.smc100
    units: mm
    limits: [-2, 2]
    transport: { type: serial, path: /dev/hil-mock-profile-none, baud: 57600 }
    sim: { driver: sim.motor, velocity: 2, acceleration: 8 }
`;

describe('the "mock" profile', () => {
  it("builds the real driver, connects it with mock and counts as simulated for the clock", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "hil-mock-profile-")), "beamline.yaml");
    writeFileSync(path, yaml);
    const config = await loadConfig(path, { profile: "mock" });
    expect(config.profile).toBe("mock");
    expect(config.devices.map((d) => d.driver)).toEqual(["newport.smc100"]);
    expect(config.isSimulated).toBe(true);
    const beamline = await buildDevices(config, { clock: new VirtualClock() });
    const m1 = beamline.devices.get("m1");
    expect(m1).toBeInstanceOf(Smc100Motor);
    const motor = m1 as Smc100Motor;
    for (const child of motor.children().values()) {
      if (child instanceof SignalR) expect(child.source, child.name).toMatch(/^mock\+/);
    }
    await motor.set(1.5);
    expect(await motor.readback.get()).toBe(1.5);
    expect(getMockPuts(motor.setpoint)).toEqual([{ value: 1.5, wait: true }]);
    // The configured limits hold in mock mode too.
    await expect(motor.set(3)).rejects.toThrow(LimitError);
    await beamline.close();
  });
});
