import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, formatProblem, loadConfig } from "../../src/config/index.js";
import { HilError } from "../../src/core/index.js";
import { fixture, problemLines } from "./fixture.js";

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
        `${file}:3:13 devices.m1.driver: unknown driver "acme.stage" (known drivers: epics.detector, epics.motor, epics.signal, eurotherm.3200, keithley.6485, newport.smc100, sim.camera, sim.detector, sim.motor, sim.slits, sim.temperature)`,
        `${file}:17:13 devices.tc.driver: unknown driver "lakeshore.336" (known drivers: epics.detector, epics.motor, epics.signal, eurotherm.3200, keithley.6485, newport.smc100, sim.camera, sim.detector, sim.motor, sim.slits, sim.temperature)`,
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
