import { describe, expect, it } from "vitest";
import type { PlanCatalog } from "../../../src/plans/index.js";
import {
  PlanCallError,
  bindPlanCall,
  buildPlanCall,
  builtinPlans,
  definePlan,
  simulate,
  validatePlanCall,
} from "../../../src/plans/index.js";
import { rig } from "./rig.js";

function problemsOf(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(PlanCallError);
    return (error as PlanCallError).problems.map((p) => p.message);
  }
  throw new Error("expected a PlanCallError");
}

describe("bindPlanCall", () => {
  it("binds positional args then kwargs, resolving device names to the devices", () => {
    const { m1, det, devices } = rig();
    const { spec, values } = bindPlanCall(
      builtinPlans,
      "scan",
      [["det"], "m1"],
      { start: -1, stop: 1, num: 3 },
      devices,
    );
    expect(spec.name).toBe("scan");
    expect(values).toEqual({ detectors: [det], motor: m1, start: -1, stop: 1, num: 3 });
  });

  it("fills defaults and leaves optional parameters without one undefined", () => {
    const { det, m1, devices } = rig();
    expect(bindPlanCall(builtinPlans, "count", [["det"]], {}, devices).values).toEqual({
      detectors: [det],
      num: 1,
      delay: 0,
    });
    const fly = bindPlanCall(builtinPlans, "fly_scan", [["det"], "m1", -1, 1, 11], {}, devices);
    expect(fly.values).toMatchObject({ motor: m1, time: undefined, livetime: 0.01 });
    expect(Object.hasOwn(fly.values, "time")).toBe(true);
  });

  it("takes a keyword in place of a default, and ignores keywords given as undefined", () => {
    const { devices } = rig();
    const { values } = bindPlanCall(
      builtinPlans,
      "count",
      [["det"]],
      { delay: 2, num: undefined },
      devices,
    );
    expect(values).toMatchObject({ num: 1, delay: 2 });
  });

  it("refuses an unknown plan, naming the known ones", () => {
    const { devices } = rig();
    expect(problemsOf(() => bindPlanCall(builtinPlans, "sacn", [], {}, devices))).toEqual([
      `no plan named sacn; the plans are: ${Object.keys(builtinPlans).join(", ")}`,
    ]);
  });

  it("refuses too many positional arguments", () => {
    const { devices } = rig();
    expect(
      problemsOf(() => bindPlanCall(builtinPlans, "count", [["det"], 1, 0, 7], {}, devices)),
    ).toEqual(["count: takes 3 positional arguments (detectors, num, delay) but 4 were given"]);
  });

  it("refuses a parameter given twice and an unknown keyword, and says what is missing", () => {
    const { devices } = rig();
    const problems = problemsOf(() =>
      bindPlanCall(builtinPlans, "scan", [["det"], "m1", -1], { start: 0, nmu: 3 }, devices),
    );
    expect(problems).toEqual([
      'scan: parameter "start" given twice, by position and by name',
      'scan: unknown parameter "nmu"',
      'scan: missing parameter "stop"',
      'scan: missing parameter "num"',
    ]);
  });

  it("checks each value's type, quoting what it got", () => {
    const { devices } = rig();
    expect(
      problemsOf(() =>
        bindPlanCall(builtinPlans, "scan", ["det", "m1", "-1", 1, 2.5], {}, devices),
      ),
    ).toEqual([
      'scan: parameter "detectors": expected a non-empty list of device names, got "det"',
      'scan: parameter "start": expected a number, got "-1"',
      'scan: parameter "num": expected a whole number of points, got 2.5',
    ]);
    expect(
      problemsOf(() => bindPlanCall(builtinPlans, "list_scan", [["det"], "m1", []], {}, devices)),
    ).toEqual(['list_scan: parameter "positions": expected a non-empty list of numbers, got []']);
    expect(
      problemsOf(() =>
        bindPlanCall(
          builtinPlans,
          "adaptive_scan",
          [["det"], "det", "m1", 0, 1, 0.1, 1, 1],
          { backstep: "no" },
          devices,
        ),
      ),
    ).toEqual(['adaptive_scan: parameter "backstep": expected true or false, got "no"']);
  });

  it("refuses unknown devices and devices that cannot do what the parameter needs", () => {
    const { devices } = rig();
    expect(
      problemsOf(() =>
        bindPlanCall(builtinPlans, "scan", [["det", "m9"], "gauge", 0, 1, 3], {}, devices),
      ),
    ).toEqual([
      'scan: parameter "detectors": no device named m9',
      'scan: parameter "motor": gauge cannot be moved, so it cannot be scanned',
    ]);
    expect(
      problemsOf(() =>
        bindPlanCall(builtinPlans, "fly_scan", [["gauge"], "gauge", 0, 1, 3], {}, devices),
      ),
    ).toEqual([
      'fly_scan: parameter "detectors": gauge cannot take frames on triggers, so it cannot fly',
      'fly_scan: parameter "motor": gauge cannot fly (it has no prepare, kickoff and complete)',
    ]);
  });

  it("passes on the lookup's own message for a name it does not know", () => {
    const { devices } = rig();
    const strict = {
      get(name: string) {
        const device = devices.get(name);
        if (!device) throw new Error(`no device ${name} in beamline.yaml (did you mean m1?)`);
        return device;
      },
    };
    expect(problemsOf(() => bindPlanCall(builtinPlans, "count", [["m3"]], {}, strict))).toEqual([
      'count: parameter "detectors": no device m3 in beamline.yaml (did you mean m1?)',
    ]);
  });

  it("binds against a single spec as well as a catalog", () => {
    const { devices } = rig();
    const spec = builtinPlans.count!;
    expect(bindPlanCall(spec, "count", [["det"]], {}, devices).values).toMatchObject({ num: 1 });
    expect(problemsOf(() => bindPlanCall(spec, "scan", [], {}, devices))).toEqual([
      "no plan named scan; the plan is count",
    ]);
  });
});

describe("validatePlanCall", () => {
  it("checks a call from device names and capabilities alone, returning JSON values", () => {
    const { table } = rig();
    expect(validatePlanCall(builtinPlans, "scan", [["det"], "m1", -1, 1, 5], {}, table)).toEqual({
      detectors: ["det"],
      motor: "m1",
      start: -1,
      stop: 1,
      num: 5,
    });
    const asMap = new Map(Object.entries(table));
    expect(
      problemsOf(() =>
        validatePlanCall(builtinPlans, "scan", [["det"], "gauge", -1, 1, 5], {}, asMap),
      ),
    ).toEqual(['scan: parameter "motor": gauge cannot be moved, so it cannot be scanned']);
    expect(
      problemsOf(() => validatePlanCall(builtinPlans, "count", [["nope"]], {}, table)),
    ).toEqual(['count: parameter "detectors": no device named nope']);
  });
});

describe("buildPlanCall", () => {
  it("builds every built-in plan from JSON args and kwargs", () => {
    const { devices } = rig();
    const calls: Record<string, [unknown[], Record<string, unknown>]> = {
      count: [[["det"]], { num: 2 }],
      scan: [[["det"], "m1", -1, 1, 3], {}],
      rel_scan: [[["det"], "m1", -1, 1, 3], {}],
      list_scan: [[["det"], "m1", [0, 0.5, 1]], {}],
      grid_scan: [[["det"], "m1", 0, 1, 2], { motor2: "m2", start2: 0, stop2: 1, num2: 2 }],
      rel_grid_scan: [[["det"], "m1", 0, 1, 2, "m2", 0, 1, 2], {}],
      fly_scan: [[["det"], "m1", -1, 1, 11], { time: 4 }],
      tune_centroid: [[["det"], "det", "m1", 0, 1, 0.1], {}],
      adaptive_scan: [[["det"], "det", "m1", 0, 1, 0.1, 0.5, 0.2], { backstep: false }],
    };
    expect(Object.keys(calls).sort()).toEqual(Object.keys(builtinPlans).sort());
    for (const [name, [args, kwargs]] of Object.entries(calls)) {
      const plan = buildPlanCall(builtinPlans, name, args as never, kwargs as never, devices);
      const first = plan.next();
      expect(first.done, name).toBe(false);
    }
    const fly = simulate(
      buildPlanCall(builtinPlans, "fly_scan", [["det"], "m1", -1, 1, 11], { time: 4 }, devices),
    );
    expect(fly.error).toBeUndefined();
    expect(fly.duration).toBe(4);
  });

  it("types the build function's values by the parameter list", () => {
    const { devices, det } = rig();
    const catalog: PlanCatalog = {
      twice: definePlan({
        name: "twice",
        description: "Count twice.",
        parameters: [
          { name: "dets", kind: "detectors", description: "read" },
          { name: "label", kind: "string", default: "x", description: "a label" },
        ],
        build: (v) => {
          const names: string[] = v.dets.map((d) => d.name);
          const label: string = v.label;
          expect([names, label]).toEqual([["det"], "x"]);
          return builtinPlans.count!.build({ detectors: v.dets, num: 2, delay: 0 }, devices);
        },
      }),
    };
    const plan = buildPlanCall(catalog, "twice", [["det"]], {}, devices);
    expect(simulate(plan).runs).toBe(1);
    expect(det.name).toBe("det");
  });
});
