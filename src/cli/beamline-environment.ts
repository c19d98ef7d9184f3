import { join } from "node:path";
import { buildDevices, loadConfig } from "../config/index.js";
import type { PlanCatalog, PlanSpec } from "../plans/index.js";
import { baselineWrapper, builtinPlans, catalogEntryFromModule } from "../plans/index.js";
import type { OpenedEnvironment } from "../server/index.js";
import { catalogPlanSource, withScanItems } from "../server/index.js";
import { chooseClock } from "./hil-run.js";
import { RunOutputs } from "./run-outputs.js";
import { UsageError } from "./usage-error.js";

/** What a served beamline's environment is made of. */
export interface BeamlineEnvironmentOptions {
  config: string;
  profile?: string;
  /** Where each run's JSONL, CSV and plot go. */
  out: string;
  seed: number;
  /** "real" (the default for a server) or "virtual" (every device simulated). */
  clock?: string;
  /** Plan modules offered beside the built-in plans. */
  plans: readonly string[];
}

/** The built-in plans and the plan modules, each module named after its file. */
export async function loadPlanCatalog(modules: readonly string[]): Promise<PlanCatalog> {
  const catalog: Record<string, PlanSpec> = { ...builtinPlans };
  for (const path of modules) {
    const entry = await catalogEntryFromModule(path);
    if (Object.hasOwn(catalog, entry.name)) {
      throw new UsageError(`--plans ${path}: a plan named ${entry.name} exists already`);
    }
    catalog[entry.name] = entry;
  }
  return catalog;
}

/**
 * Opens the beamline of a config as an environment: its devices, the plan catalog over
 * them (baseline devices read around every plan, as `hil run` does) and the Scan Server's
 * scans, every run written to `out` and its live table shown on the server's console.
 */
export function beamlineEnvironment(
  options: BeamlineEnvironmentOptions,
  catalog: PlanCatalog,
): (console: (line: string) => void) => Promise<OpenedEnvironment> {
  return async (console) => {
    const config = await loadConfig(options.config, { profile: options.profile });
    const clock = chooseClock(options.clock ?? "real", config.isSimulated);
    const beamline = await buildDevices(config, { clock, seed: options.seed });
    const outputs = new RunOutputs(options.out, beamline, { line: console, setPoint: () => {} });
    const baseline = beamline.withLabel("baseline");
    return {
      plans: withScanItems(
        catalogPlanSource(catalog, beamline, (plan) =>
          baseline.length > 0 ? baselineWrapper(plan, baseline) : plan,
        ),
        { devices: () => beamline.devices.values(), now: () => clock.now() * 1000 },
      ),
      clock,
      md: { ...beamline.metadata },
      scanIdFile: join(options.out, "scan_id.json"),
      documentsOf: () => outputs.callback,
      close: async () => {
        outputs.close();
        await beamline.close();
      },
    };
  };
}
