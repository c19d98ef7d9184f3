import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  PlanCallError,
  PlanModuleError,
  buildPlanCall,
  catalogEntryFromModule,
  describePlan,
  loadPlanModule,
  simulate,
  validatePlanCall,
} from "../../../src/plans/index.js";
import { rig } from "./rig.js";

const plans = join(import.meta.dirname, "../../../src/plans/index.js");

function moduleFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "plan-module-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const align = `
import { scan } from ${JSON.stringify(plans)};
export const description = "Scan the motor across the beam.";
export const parameters = [
  { name: "dets", kind: "detectors", description: "what to read" },
  { name: "motor", kind: "motor", description: "what to move" },
  { name: "width", kind: "number", default: 1, description: "full width" },
];
export default function ({ devices, args, kwargs }) {
  if (kwargs) return scan(kwargs.dets, kwargs.motor, -kwargs.width / 2, kwargs.width / 2, 3);
  return scan([devices.get(args[0])], devices.get(args[1]), -1, 1, 3);
}
`;

describe("catalogEntryFromModule", () => {
  it("makes a module with parameters a catalog entry to describe, validate and build", async () => {
    const path = moduleFile("align.ts", align);
    const spec = await catalogEntryFromModule(path);
    expect(spec).toMatchObject({
      name: "align",
      description: "Scan the motor across the beam.",
      module: path,
    });
    const { devices, table } = rig();
    const description = describePlan(spec, table);
    expect(description.parameters.map((p) => [p.name, p.default, p.enum])).toEqual([
      ["dets", undefined, ["m1", "m2", "det", "gauge"]],
      ["motor", undefined, ["m1", "m2"]],
      ["width", "1", undefined],
    ]);
    expect(() => validatePlanCall(spec, "align", [["det"], "gauge"], {}, table)).toThrow(
      'align: parameter "motor": gauge cannot be moved, so it cannot be scanned',
    );
    const plan = buildPlanCall(spec, "align", [["det"]], { motor: "m1", width: 4 }, devices);
    const sets = simulate(plan).messages.flatMap((m) => (m.command === "set" ? [m.value] : []));
    expect(sets).toEqual([-2, 0, 2]);
  });

  it("names the entry as asked; a module without parameters takes none", async () => {
    const path = moduleFile("bare.mjs", `export default () => (function* () {})();`);
    const spec = await catalogEntryFromModule(path, { name: "bare_plan" });
    expect(spec).toMatchObject({
      name: "bare_plan",
      parameters: [],
      description: `the plan of ${path}`,
    });
    const { devices } = rig();
    expect(() => buildPlanCall(spec, "bare_plan", [1], {}, devices)).toThrow(PlanCallError);
    expect(simulate(buildPlanCall(spec, "bare_plan", [], {}, devices)).messages).toEqual([]);
  });

  it("refuses bad parameter declarations, naming the module and the parameter", async () => {
    const bad = moduleFile(
      "bad.mjs",
      `export const parameters = [{ name: "n", kind: "float", description: "" }];
       export default () => (function* () {})();`,
    );
    await expect(catalogEntryFromModule(bad)).rejects.toThrow(PlanModuleError);
    await expect(catalogEntryFromModule(bad)).rejects.toThrow(`${bad}: parameters[0].kind:`);
    const twice = moduleFile(
      "twice.mjs",
      `export const parameters = [{ name: "n", kind: "number" }, { name: "n", kind: "integer" }];
       export default () => (function* () {})();`,
    );
    await expect(catalogEntryFromModule(twice)).rejects.toThrow("parameter names repeat");
    const described = moduleFile(
      "described.mjs",
      `export const description = 3; export default () => 0;`,
    );
    await expect(loadPlanModule(described)).rejects.toThrow(
      "the description export must be a string",
    );
  });

  it("refuses a module that cannot load or has no factory", async () => {
    await expect(loadPlanModule("/nonexistent/plan.mjs")).rejects.toThrow(
      "/nonexistent/plan.mjs: cannot load the plan module",
    );
    const noFactory = moduleFile("none.mjs", `export const x = 1;`);
    await expect(loadPlanModule(noFactory)).rejects.toThrow(
      "the module's default export must be a function (context) => plan",
    );
  });
});
