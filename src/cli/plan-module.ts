import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Plan } from "../core/index.js";
import type { DeviceLookup } from "./plan-catalog.js";
import { UsageError } from "./usage-error.js";

/** What `hil run ./plans/align.ts a b` hands the module's default export. */
export interface PlanContext {
  devices: DeviceLookup;
  /** The arguments after the module's path, as typed. */
  args: readonly string[];
}

/** A plan module's default export: `export default function (context) { return scan(...) }`. */
export type PlanFactory = (context: PlanContext) => Plan<unknown>;

/** Whether `hil run <plan>` names a module rather than a catalogued plan. */
export function isPlanModule(plan: string): boolean {
  return /[\\/]/.test(plan) || /\.(ts|js|mjs)$/.test(plan);
}

export async function planFromModule(path: string, context: PlanContext): Promise<Plan<unknown>> {
  let module: unknown;
  try {
    module = await import(pathToFileURL(resolve(path)).href);
  } catch (error) {
    throw new UsageError(`${path}: cannot load the plan module: ${(error as Error).message}`);
  }
  const factory = (module as { default?: unknown }).default;
  if (typeof factory !== "function") {
    throw new UsageError(
      `${path}: the module's default export must be a function (context) => plan`,
    );
  }
  const plan: unknown = (factory as PlanFactory)(context);
  if (typeof plan !== "object" || plan === null || typeof (plan as Plan).next !== "function") {
    throw new UsageError(
      `${path}: the default export must return a plan (a generator of messages)`,
    );
  }
  return plan as Plan<unknown>;
}
