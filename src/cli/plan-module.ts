import type { Plan } from "../core/index.js";
import type { PlanContext as CatalogPlanContext } from "../plans/index.js";
import {
  PlanModuleError,
  catalogEntryFromModule,
  loadPlanModule,
  planFromPlanModule,
} from "../plans/index.js";
import type { DeviceLookup } from "./plan-catalog.js";
import { planFromSpecArgs } from "./plan-catalog.js";
import { UsageError } from "./usage-error.js";

/** What `hil run ./plans/align.ts a b` hands the module's default export. */
export interface PlanContext extends CatalogPlanContext {
  devices: DeviceLookup;
}

/** A plan module's default export: `export default function (context) { return scan(...) }`. */
export type PlanFactory = (context: PlanContext) => Plan<unknown>;

/** Whether `hil run <plan>` names a module rather than a catalogued plan. */
export function isPlanModule(plan: string): boolean {
  return /[\\/]/.test(plan) || /\.(ts|js|mjs)$/.test(plan);
}

/**
 * Loads the module and calls its default export; a bad module is a usage error. A module
 * that declares its `parameters` gets the command line parsed and checked by them, as a
 * catalogued plan does (in `context.kwargs`); any other gets the arguments as typed.
 */
export async function planFromModule(path: string, context: PlanContext): Promise<Plan<unknown>> {
  try {
    const module = await loadPlanModule(path);
    if (module.parameters !== undefined) {
      return planFromSpecArgs(await catalogEntryFromModule(path), context.args, context.devices);
    }
    return planFromPlanModule(module, context);
  } catch (error) {
    if (error instanceof PlanModuleError) throw new UsageError(error.message);
    throw error;
  }
}
