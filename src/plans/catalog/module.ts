import { basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type { Plan } from "../../core/index.js";
import { HilError } from "../../core/index.js";
import type { DeviceLookup, ParameterSpec, PlanSpec } from "./spec.js";
import { parameterKinds } from "./spec.js";

/** What a plan module's default export is handed. */
export interface PlanContext {
  devices: DeviceLookup;
  /** The arguments after the module's path on the command line, as typed. */
  args: readonly string[];
  /**
   * The values of the module's declared `parameters` by name, bound and checked (devices
   * resolved), when the plan is called through a catalog (e.g. from the queue server).
   */
  kwargs?: Readonly<Record<string, unknown>>;
}

/** A plan module's default export: `export default function (context) { return scan(...) }`. */
export type PlanFactory = (context: PlanContext) => Plan<unknown>;

/** A plan module, loaded: its factory and what it declares about itself. */
export interface PlanModule {
  path: string;
  factory: PlanFactory;
  /** The module's `parameters` export, checked; absent when it declares none. */
  parameters?: ParameterSpec[];
  /** The module's `description` export. */
  description?: string;
}

/** A plan module that cannot be loaded or does not make a plan. */
export class PlanModuleError extends HilError {
  constructor(message: string, options?: ErrorOptions) {
    super("HIL_PLAN_MODULE", message, options);
  }
}

const parameterSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected an identifier"),
  kind: z.enum(parameterKinds),
  description: z.string().default(""),
  default: z.json().optional(),
  optional: z.boolean().optional(),
});

const parametersSchema = z
  .array(parameterSchema)
  .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, "parameter names repeat");

function problemsOf(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.length > 0 ? `parameters[${issue.path.join("].")}: ` : "parameters: ";
      return `${at}${issue.message}`;
    })
    .join("; ");
}

/** Loads a plan module and checks its exports. Throws PlanModuleError. */
export async function loadPlanModule(path: string): Promise<PlanModule> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new PlanModuleError(`${path}: cannot load the plan module: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const factory = module.default;
  if (typeof factory !== "function") {
    throw new PlanModuleError(
      `${path}: the module's default export must be a function (context) => plan`,
    );
  }
  const loaded: PlanModule = { path, factory: factory as PlanFactory };
  if (module.parameters !== undefined) {
    const parsed = parametersSchema.safeParse(module.parameters);
    if (!parsed.success) throw new PlanModuleError(`${path}: ${problemsOf(parsed.error)}`);
    loaded.parameters = parsed.data as ParameterSpec[];
  }
  if (module.description !== undefined) {
    if (typeof module.description !== "string") {
      throw new PlanModuleError(`${path}: the description export must be a string`);
    }
    loaded.description = module.description;
  }
  return loaded;
}

/** Calls a module's factory and checks that it returned a plan. Throws PlanModuleError. */
export function planFromPlanModule(module: PlanModule, context: PlanContext): Plan<unknown> {
  const plan: unknown = module.factory(context);
  if (typeof plan !== "object" || plan === null || typeof (plan as Plan).next !== "function") {
    throw new PlanModuleError(
      `${module.path}: the default export must return a plan (a generator of messages)`,
    );
  }
  return plan as Plan<unknown>;
}

/**
 * A catalog entry for a plan module, so a queue server can describe, validate and build
 * it like a built-in plan. Named after the file (`plans/align.ts` is `align`) unless
 * `name` is given; a module that declares no `parameters` takes none. Its factory gets the
 * bound values as `context.kwargs` and no command-line `args`.
 */
export async function catalogEntryFromModule(
  path: string,
  { name }: { name?: string } = {},
): Promise<PlanSpec> {
  const module = await loadPlanModule(path);
  return {
    name: name ?? basename(path, extname(path)),
    description: module.description ?? `the plan of ${path}`,
    parameters: module.parameters ?? [],
    module: path,
    build: (values, devices) => planFromPlanModule(module, { devices, args: [], kwargs: values }),
  };
}
