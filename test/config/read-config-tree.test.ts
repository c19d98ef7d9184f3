import { describe, expect, it } from "vitest";
import { loadConfig, substituteEnv } from "../../src/config/index.js";
import { fixture, problemLines } from "./fixture.js";

describe("includes", () => {
  it("merges included files in order, the including file last; override replaces a device", async () => {
    const config = await loadConfig(fixture("include-main.yaml"));
    expect(config.files).toEqual([
      fixture("include-main.yaml"),
      fixture("base-devices.yaml"),
      fixture("subdir/extra-devices.yaml"),
    ]);
    expect(config.metadata).toEqual({
      facility: "Base Facility",
      beamline_id: "MAIN", // the including file wins
      owner: "extra",
    });
    expect(config.devices.map((d) => d.name)).toEqual(["m1", "det", "m2"]);
    const m1 = config.devices[0]!;
    expect(m1).toMatchObject({ units: "deg", params: { velocity: 5 } });
    expect(m1.source).toEqual({ file: fixture("include-main.yaml"), line: 5, col: 3 });
  });

  it("refuses a device defined twice without override, naming both places", async () => {
    const file = fixture("include-duplicate.yaml");
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:3:3 devices.det: "det" is already defined at ${fixture("base-devices.yaml")}:10:3 (add "override: true" to replace it)`,
    ]);
  });

  it("reports an include that cannot be read at its entry", async () => {
    const file = fixture("include-missing.yaml");
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:3:5 include.1: cannot read ${fixture("no-such-file.yaml")}: no such file`,
    ]);
  });

  it("reports an include cycle", async () => {
    const [a, b] = [fixture("include-cycle-a.yaml"), fixture("include-cycle-b.yaml")];
    expect(await problemLines(loadConfig(a))).toEqual([
      `${b}:1:11 include.0: include cycle: ${a} → ${b} → ${a}`,
    ]);
  });
});

describe("substituteEnv", () => {
  const env = { HOST: "beamline", EMPTY: "" };

  it("replaces ${NAME} and ${NAME:-default}, the default when unset or empty", () => {
    expect(substituteEnv("tcp://${HOST}:${PORT:-502}", env)).toEqual({
      text: "tcp://beamline:502",
      errors: [],
    });
    expect(substituteEnv("${EMPTY:-x}|${EMPTY}|${UNSET:-}", env).text).toBe("x||");
    expect(substituteEnv("cost: $5, $${HOST}", env).text).toBe("cost: $5, ${HOST}");
  });

  it("reports unset variables and malformed references", () => {
    expect(substituteEnv("${UNSET}", env).errors).toEqual([
      "environment variable UNSET is not set and has no default",
    ]);
    expect(substituteEnv("${1X}", env).errors).toEqual([
      'bad variable reference "${1X}": expected ${NAME} or ${NAME:-default}',
    ]);
    expect(substituteEnv("${HOST", env).errors).toEqual([
      'unterminated "${" (write "$${" for a literal "${")',
    ]);
  });
});

describe("environment substitution in a config", () => {
  it("substitutes before validation; numeric fields accept the numeric strings", async () => {
    const env = {
      ...{ HIL_TEST_OPERATOR: "ada", HIL_TEST_HOST: "10.0.0.2" },
      ...{ HIL_TEST_BAUD: "9600", HIL_TEST_TCP_PORT: "7777" },
    };
    const config = await loadConfig(fixture("env.yaml"), { env, profile: "sim" });
    expect(config.metadata).toEqual({
      operator: "ada",
      proposal: "P-0000",
      literal: "${NOT_A_VARIABLE}",
    });
    expect(config.devices[0]?.params).toEqual({ position: 0.5 });
    expect(config.devices.map((d) => d.driver)).toEqual(["sim.motor", "sim.temperature"]);
  });

  it("keeps substituted text as text where the schema wants a string", async () => {
    const env = { HIL_TEST_OPERATOR: "0012", HIL_TEST_HOST: "h", HIL_TEST_TCP_PORT: "1" };
    const config = await loadConfig(fixture("env.yaml"), { env, profile: "sim" });
    expect(config.metadata.operator).toBe("0012");
  });

  it("reports each unset variable without a default at its value, and only that there", async () => {
    const file = fixture("env.yaml");
    expect(await problemLines(loadConfig(file, { env: {}, profile: "sim" }))).toEqual([
      `${file}:2:13 metadata.operator: environment variable HIL_TEST_OPERATOR is not set and has no default`,
      `${file}:19:13 devices.tc.transport.host: environment variable HIL_TEST_HOST is not set and has no default`,
      // Not also 'expected a number, got "${HIL_TEST_TCP_PORT}"': one problem per value.
      `${file}:20:13 devices.tc.transport.port: environment variable HIL_TEST_TCP_PORT is not set and has no default`,
    ]);
  });

  it("checks a substituted value like any other", async () => {
    const file = fixture("env.yaml");
    const env = {
      ...{ HIL_TEST_OPERATOR: "ada", HIL_TEST_HOST: "h" },
      ...{ HIL_TEST_BAUD: "fast", HIL_TEST_TCP_PORT: "7777" },
    };
    expect(await problemLines(loadConfig(file, { env, profile: "sim" }))).toEqual([
      `${file}:11:13 devices.m1.transport.baud: expected a number, got "fast"`,
    ]);
  });
});
