import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SimDetector, SimMotor, VirtualClock } from "../../src/index.js";
import type { Device } from "../../src/core/index.js";
import { planCatalog, planFromArgs } from "../../src/cli/plan-catalog.js";
import { planFromModule } from "../../src/cli/plan-module.js";
import { UsageError } from "../../src/cli/usage-error.js";
import { builtinPlans, simulate } from "../../src/plans/index.js";

function beamline() {
  const clock = new VirtualClock({ auto: false });
  const byName = new Map<string, Device>([
    ["m1", new SimMotor({ name: "m1", clock })],
    ["det", new SimDetector({ name: "det", clock, exposure: 0.1, noise: { mean: 1, sd: 0 } })],
  ]);
  return {
    get(name: string): Device {
      const device = byName.get(name);
      if (!device) throw new Error(`no device named ${name}`);
      return device;
    },
  };
}

function usageError(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("hil run's plan catalog", () => {
  it("lists every built-in plan with a usage line made from its parameters", () => {
    expect(Object.keys(planCatalog)).toEqual(Object.keys(builtinPlans));
    expect(planCatalog.scan!.usage).toBe("scan <detectors> <motor> <start> <stop> <num>");
    expect(planCatalog.count!.usage).toBe("count <detectors> [num=1] [delay=0]");
    expect(planCatalog.fly_scan!.usage).toBe(
      "fly_scan <detectors> <motor> <start> <stop> <num> [time] [livetime=0.01]",
    );
  });

  it("parses comma lists, numbers and booleans by parameter kind", () => {
    const devices = beamline();
    const scan = simulate(planFromArgs("list_scan", ["det,", "m1", "0,0.5,1"], devices));
    const sets = scan.messages.flatMap((m) => (m.command === "set" ? [m.value] : []));
    expect(sets).toEqual([0, 0.5, 1]);
    const adaptive = planFromArgs(
      "adaptive_scan",
      ["det", "det", "m1", "0", "1", "0.1", "0.5", "0.2", "no"],
      devices,
    );
    expect(adaptive.next().done).toBe(false);
  });

  it("quotes the usage line and the argument that is not a number", () => {
    const message = usageError(() =>
      planFromArgs("scan", ["det", "m1", "-1", "one", "21"], beamline()),
    );
    expect(message).toBe(
      'hil run scan <detectors> <motor> <start> <stop> <num>\n  argument 4: expected a number, got "one"',
    );
    expect(usageError(() => planFromArgs("list_scan", ["det", "m1", "0,x"], beamline()))).toContain(
      'argument 3: expected comma-separated numbers, got "0,x"',
    );
  });

  it("passes the binder's problems on under the usage line", () => {
    const devices = beamline();
    expect(usageError(() => planFromArgs("count", ["det", "1", "0", "9"], devices))).toBe(
      "hil run count <detectors> [num=1] [delay=0]\n  count: takes 3 positional arguments (detectors, num, delay) but 4 were given",
    );
    expect(usageError(() => planFromArgs("scan", ["det", "det", "0", "1", "2.5"], devices))).toBe(
      [
        "hil run scan <detectors> <motor> <start> <stop> <num>",
        '  scan: parameter "motor": det cannot be moved, so it cannot be scanned',
        '  scan: parameter "num": expected a whole number of points, got 2.5',
      ].join("\n"),
    );
    expect(usageError(() => planFromArgs("scan", ["det,m9", "m1"], devices))).toContain(
      'scan: parameter "detectors": no device named m9',
    );
    expect(usageError(() => planFromArgs("sacn", [], devices))).toMatch(
      /^no plan named sacn; the plans are: count, scan/,
    );
  });
});

describe("hil run with a plan module", () => {
  it("hands the module the devices and the typed arguments, as before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hil-plan-"));
    const path = join(dir, "two.mjs");
    const plans = join(import.meta.dirname, "../../src/plans/index.js");
    writeFileSync(
      path,
      `import { count } from ${JSON.stringify(plans)};
       export default ({ devices, args, kwargs }) =>
         kwargs ? null : count([devices.get(args[0])], { num: Number(args[1]) });`,
    );
    const plan = await planFromModule(path, { devices: beamline(), args: ["det", "2"] });
    expect(simulate(plan).messages.filter((m) => m.command === "trigger")).toHaveLength(2);
    const broken = join(dir, "broken.mjs");
    writeFileSync(broken, "export default () => 42;");
    await expect(planFromModule(broken, { devices: beamline(), args: [] })).rejects.toThrow(
      new UsageError(`${broken}: the default export must return a plan (a generator of messages)`),
    );
  });
});
