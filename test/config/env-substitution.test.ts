import { describe, expect, it } from "vitest";
import { loadConfig, substituteEnv } from "../../src/config/index.js";
import { fixture, problemLines } from "./fixture.js";

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
