// `--profile mock`: the real drivers of a config, connected to mock signals, run a plan with
// no port, no server and no emulator.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonl } from "../../src/callbacks/index.js";
import { recordCommand } from "../../src/cli/hil-record.js";
import { UsageError } from "../../src/cli/usage-error.js";
import { hil } from "./run-hil.js";

describe("hil run --profile mock", () => {
  it("scans the stand's real drivers with no transport, on the virtual clock", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-mock-"));
    // As the README shows it.
    const args = ["run", "scan", "det", "m1", "-1", "1", "5", "--config", "config/stand.yaml"];
    // Ports that cannot exist: any attempt to open one fails the run.
    const env = {
      HIL_SERIAL_PORT: "/dev/hil-mock-none-0",
      HIL_KEITHLEY_PORT: "/dev/hil-mock-none-1",
    };
    const result = await hil([...args, "--profile", "mock", "--out", out], env);
    expect(result.code, result.stderr).toBe(0);
    const jsonl = /(\S+\.jsonl)/.exec(result.stderr)?.[1];
    const docs = readJsonl(jsonl!);
    const start = docs.flatMap((d) => (d[0] === "start" ? [d[1]] : []))[0]!;
    const primary = docs.find(([name, doc]) => name === "descriptor" && doc.name === "primary")![1];
    const events = docs.flatMap((d) =>
      d[0] === "event" && d[1].descriptor === primary.uid ? [d[1]] : [],
    );
    expect(docs.at(-1)).toMatchObject(["stop", { exit_status: "success" }]);
    // The mocked SMC100 ran its move sequence and its readback followed each setpoint.
    expect(events.map((event) => event.data.m1)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(events.every((event) => event.data.det === 0)).toBe(true);
    // Virtual time: the run is stamped from when it began, not from 1970.
    expect(start.time).toBeGreaterThan(1_000_000_000);
  });

  it("is listed by validate and in the help of run", async () => {
    // Three separate processes: started together, as none depends on another.
    const [validated, unknown, help] = await Promise.all([
      hil(["validate", "config/sim-beamline.yaml", "--profile", "mock"]),
      hil(["validate", "config/sim-beamline.yaml", "--profile", "lab"]),
      hil(["run", "--help"]),
    ]);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stdout).toContain("in profile mock");
    expect(unknown.stderr).toContain('(expected "sim", "real" or "mock")');
    expect(help.stdout.replace(/\s+/g, " ")).toContain(
      '"mock" connects the real drivers to mock signals',
    );
  });
});

describe("hil record --profile mock", () => {
  it("refuses: a mocked device has no traffic to record", async () => {
    const out = mkdtempSync(join(tmpdir(), "hil-mock-"));
    const cassette = join(out, "m1.jsonl");
    const recording = recordCommand("config/stand.yaml", "m1", cassette, { profile: "mock" });
    await expect(recording).rejects.toThrow(UsageError);
    await expect(recording).rejects.toThrow("m1 is mocked under --profile mock");
  });
});
