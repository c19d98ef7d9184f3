import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { DriverSpec } from "../../src/config/index.js";
import {
  ConfigError,
  DriverRegistry,
  buildDevices,
  formatProblem,
  loadConfig,
  referenceCycles,
} from "../../src/config/index.js";
import { Device, HilError, VirtualClock } from "../../src/core/index.js";
import { fixture, problemLines } from "./fixture.js";

const node = (name: string, ...references: string[]) => ({ name, references });

describe("loadConfig", () => {
  it("reports all three mistakes of a file, each at its value", async () => {
    const file = fixture("three-mistakes.yaml");
    const error = await loadConfig(file, { profile: "sim" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(HilError);
    const { problems, message } = error as ConfigError;
    expect(message.split("\n")).toEqual([
      `${file}:8:13 devices.m1.transport.baud: expected a number, got "fast"`,
      `${file}:12:13 devices.m2.driver: unknown driver "sim.moter" (did you mean "sim.motor"?)`,
      // Missing: placed at the key of the mapping it belongs in.
      `${file}:15:5 devices.det.peak.sigma: missing, expected a number or a list`,
    ]);
    expect(problems[0]).toEqual({
      file,
      line: 8,
      col: 13,
      path: "devices.m1.transport.baud",
      message: 'expected a number, got "fast"',
    });
    expect(problems.map(formatProblem).join("\n")).toBe(message);
  });

  it("reports YAML errors with their positions and checks nothing else there", async () => {
    const file = fixture("syntax-error.yaml");
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:6:5: Map keys must be unique`,
      `${file}:8:13: alias *motor_driver has no anchor &motor_driver before it`,
    ]);
  });

  it("reports a YAML syntax error with its position", async () => {
    // Written here: a broken file in the repository would break the formatter's check.
    const dir = await mkdtemp(join(tmpdir(), "hil-config-"));
    const file = join(dir, "broken.yaml");
    await writeFile(file, "devices:\n  m1:\n    driver: sim.motor\n    limits: [-1, 1\n  m2: {}\n");
    try {
      expect(await problemLines(loadConfig(file))).toEqual([
        `${file}:5:3: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      ]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("reports a file that cannot be read", async () => {
    const file = fixture("no-such-config.yaml");
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:1:1: cannot read: no such file`,
    ]);
  });

  it("with profile sim swaps devices to their twins, keeping name, kind, labels, limits, units", async () => {
    const config = await loadConfig(fixture("profile.yaml"), { profile: "sim" });
    expect(config.profile).toBe("sim");
    expect(config.isSimulated).toBe(true);
    const [m1, m2, tc] = config.devices;
    expect(m1).toMatchObject({
      name: "m1",
      driver: "sim.motor",
      realDriver: "acme.stage",
      kind: "hinted",
      labels: ["motors", "baseline"],
      limits: [-2, 2],
      units: "mm",
      params: { velocity: 3 },
      transport: { type: "sim" },
      simulated: true,
    });
    expect(m2).toMatchObject({ name: "m2", driver: "sim.motor", realDriver: "sim.motor" });
    // sim.temperature takes no units, so the twin does not inherit the real device's.
    expect(tc).toMatchObject({ name: "tc", driver: "sim.temperature" });
    expect(tc?.units).toBeUndefined();
  });

  it("without a profile builds the real drivers, an error only where they are not registered", async () => {
    const file = fixture("profile.yaml");
    for (const profile of [undefined, "", "real"]) {
      expect(await problemLines(loadConfig(file, { profile }))).toEqual([
        `${file}:3:13 devices.m1.driver: unknown driver "acme.stage" (known drivers: epics.detector, epics.motor, epics.signal, eurotherm.3200, keithley.6485, lakeshore.336, newport.smc100, sim.camera, sim.detector, sim.motor, sim.slits, sim.temperature)`,
      ]);
    }
  });

  it("refuses an unknown profile before reading further", async () => {
    const file = fixture("profile.yaml");
    expect(await problemLines(loadConfig(file, { profile: "lab" }))).toEqual([
      `${file}:1:1: unknown profile "lab" (expected "sim", "real" or "mock")`,
    ]);
  });

  it("keeps file names absolute when the path was given absolute", async () => {
    const file = join(process.cwd(), fixture("syntax-error.yaml"));
    const [line] = await problemLines(loadConfig(file));
    expect(line).toBe(`${file}:6:5: Map keys must be unique`);
  });
});

describe("resolveDevice", () => {
  it("checks every entry's structure, parameters, common keys and transport", async () => {
    const file = fixture("many-mistakes.yaml");
    const lines = [
      `${file}:1:1 device: unknown key "device" (did you mean "devices"?)`,
      `${file}:3:3 devices.m-1: device names are identifiers of letters, digits and _, got "m-1"`,
      `${file}:5:7 devices.m2: expected a mapping with a driver, got "sim.motor"`,
      `${file}:8:5 devices.m3.velocty: unknown key "velocty" (did you mean "velocity"?)`,
      `${file}:9:11 devices.m3.kind: expected one of "hinted", "normal", "config", "omitted", got "hint"`,
      `${file}:10:22 devices.m3.labels.1: expected a name of letters, digits and _, got "base line"`,
      `${file}:11:13 devices.m3.limits: expected [low, high] with low <= high`,
      `${file}:14:13 devices.tc.limits: sim.temperature takes no limits`,
      `${file}:15:16 devices.tc.transport: sim.temperature is simulated and takes no tcp transport`,
      `${file}:19:15 devices.det.counting: counting applies to a peak only`,
      `${file}:22:24 devices.m4.transport.type: expected one of "serial", "tcp", "modbus-tcp", "modbus-rtu", "ca", "sim", got "usb"`,
      `${file}:23:5 devices.m4.sim.driver: missing, expected a string`,
    ];
    expect(await problemLines(loadConfig(file, { profile: "sim" }))).toEqual(lines);
    // Without the profile, m4's own driver is the one built, so its absence is reported too.
    expect(await problemLines(loadConfig(file))).toEqual([
      ...lines.slice(0, 10),
      `${file}:21:13 devices.m4.driver: unknown driver "acme.stage" (known drivers: epics.detector, epics.motor, epics.signal, eurotherm.3200, keithley.6485, lakeshore.336, newport.smc100, sim.camera, sim.detector, sim.motor, sim.slits, sim.temperature)`,
      ...lines.slice(10),
    ]);
  });
});

describe("referenceCycles", () => {
  it("finds each cycle once, self-references included", () => {
    const devices = [
      node("a", "b"),
      node("b", "c"),
      node("c", "a"),
      node("d", "d"),
      node("e", "a"),
    ];
    expect(referenceCycles(devices)).toEqual([
      ["a", "b", "c", "a"],
      ["d", "d"],
    ]);
    expect(referenceCycles([node("a", "b"), node("b"), node("c", "a", "zz")])).toEqual([]);
  });
});

/** A device that follows another: a one-reference driver for the tests. */
class Follower extends Device {
  constructor(
    name: string,
    readonly leader: Device | undefined,
  ) {
    super({ name });
  }
}

const followerDriver: DriverSpec<{ follows?: string }> = {
  name: "test.follower",
  description: "a device that follows another",
  params: z.strictObject({ follows: z.string().optional() }),
  references: ({ follows }) => (follows ? [follows] : []),
  build: ({ name, params, device }) =>
    new Follower(name, params.follows ? device(params.follows) : undefined),
};

describe("device references in a config", () => {
  it("reports a reference to an unknown device at the name, with close names", async () => {
    const file = fixture("references.yaml");
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:5:20 devices.det.peak.motors.1: unknown device "m3" (did you mean "m1" or "m2"?)`,
    ]);
  });

  it("reports each reference cycle once, at the reference that closes into it", async () => {
    const file = fixture("cycle.yaml");
    const registry = new DriverRegistry().register(followerDriver);
    expect(await problemLines(loadConfig(file, { registry }))).toEqual([
      `${file}:4:14 devices.a.follows: reference cycle: a → b → c → a`,
      `${file}:13:14 devices.d.follows: reference cycle: d → d`,
    ]);
  });

  it("builds referenced devices first and hands them to the driver", async () => {
    const registry = new DriverRegistry().register(followerDriver);
    const config = await loadConfig(fixture("follow-chain.yaml"), { registry });
    expect(config.devices.map((d) => [d.name, d.references])).toEqual([
      ["c", ["b"]],
      ["b", ["a"]],
      ["a", []],
    ]);
    const beamline = await buildDevices(config, { clock: new VirtualClock(), registry });
    const c = beamline.get("c") as Follower;
    expect(c.leader).toBe(beamline.get("b"));
    expect((beamline.get("b") as Follower).leader).toBe(beamline.get("a"));
    expect([...beamline.devices.keys()]).toEqual(["c", "b", "a"]);
  });
});

describe("the ioc: section", () => {
  const write = async (text: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), "hil-config-ioc-"));
    const file = join(dir, "served.yaml");
    await writeFile(file, text);
    return file;
  };
  const devices =
    "devices:\n  m1: { driver: sim.motor }\n  det: { driver: sim.detector, peak: { motors: [m1], centre: 0, sigma: 1, amplitude: 1, background: 0 } }\n";

  it("gives the prefix and each served device's record name and scan", async () => {
    const file = await write(
      `${devices}ioc:\n  prefix: "BL:"\n  devices:\n    m1:\n    det: { pv: DET1, scan: ".5 second" }\n`,
    );
    const { ioc } = await loadConfig(file);
    expect(ioc?.prefix).toBe("BL:");
    expect([...ioc!.devices!]).toEqual([
      ["m1", {}],
      ["det", { pv: "DET1", scan: ".5 second" }],
    ]);
  });

  it("takes a plain list, and without devices serves every one", async () => {
    const listed = await loadConfig(await write(`${devices}ioc: { devices: [det] }\n`));
    expect([...listed.ioc!.devices!.keys()]).toEqual(["det"]);
    expect(listed.ioc!.prefix).toBe("");
    const all = await loadConfig(await write(`${devices}ioc: { prefix: "X:" }\n`));
    expect(all.ioc).toEqual({ prefix: "X:" });
    expect((await loadConfig(await write(devices))).ioc).toBeUndefined();
  });

  it("names an unknown device at its key, with close names", async () => {
    const file = await write(`${devices}ioc:\n  devices:\n    m2: {}\n    det:\n`);
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:6:5 ioc.devices.m2: no device "m2" to serve (did you mean "m1"?)`,
    ]);
  });

  it("names a bad scan and an unknown key at their values", async () => {
    const file = await write(
      `${devices}ioc:\n  devices:\n    det: { scan: "3 second", name: x }\n`,
    );
    const lines = await problemLines(loadConfig(file));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /:6:18 ioc\.devices\.det\.scan: expected one of .*"\.1 second", got "3 second"$/,
    );
    expect(lines[1]).toMatch(/:6:30 ioc\.devices\.det\.name: unknown key "name"$/);
  });
});
