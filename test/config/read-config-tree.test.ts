import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
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
