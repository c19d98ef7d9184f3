// `hil run <plan> args...`: the built-in plans of src/plans/catalog, called with the
// command line's positional strings, each parsed by its parameter's kind into JSON.
import type { Device, Plan } from "../core/index.js";
import type { JsonValue, ParameterSpec, PlanSpec } from "../plans/index.js";
import { PlanCallError, bindPlanCall, builtinPlans } from "../plans/index.js";
import { UsageError } from "./usage-error.js";

/** What a plan built from the command line needs: the beamline's devices by name. */
export interface DeviceLookup {
  get(name: string): Device;
}

interface CommandLinePlan {
  usage: string;
  spec: PlanSpec;
}

function usageOf(spec: PlanSpec): string {
  const params = spec.parameters.map((p) => {
    if (p.default !== undefined) return `[${p.name}=${String(p.default)}]`;
    return p.optional ? `[${p.name}]` : `<${p.name}>`;
  });
  return [spec.name, ...params].join(" ");
}

/** The plans `hil run` knows by name, with bluesky's names and argument order. */
export const planCatalog: Readonly<Record<string, CommandLinePlan>> = Object.fromEntries(
  Object.entries(builtinPlans).map(([name, spec]) => [name, { usage: usageOf(spec), spec }]),
);

const list = (text: string): string[] => text.split(",").filter(Boolean);

/** One typed argument as the JSON its parameter takes, or why it is not one. */
function parseArgument(param: ParameterSpec, text: string): JsonValue | { problem: string } {
  switch (param.kind) {
    case "detectors":
    case "triggered_detectors":
      return list(text);
    case "number":
    case "integer":
    case "points": {
      const value = Number(text);
      if (text.trim() !== "" && Number.isFinite(value)) return value;
      return { problem: `expected a number, got "${text}"` };
    }
    case "numbers": {
      const values = list(text).map(Number);
      if (values.every(Number.isFinite)) return values;
      return { problem: `expected comma-separated numbers, got "${text}"` };
    }
    case "boolean":
      if (/^(true|yes|1)$/i.test(text)) return true;
      if (/^(false|no|0)$/i.test(text)) return false;
      return { problem: `expected true or false, got "${text}"` };
    default:
      return text;
  }
}

/** Builds a catalogued plan from its name and command-line arguments. */
export function planFromArgs(
  planName: string,
  args: readonly string[],
  devices: DeviceLookup,
): Plan<unknown> {
  const entry = Object.hasOwn(planCatalog, planName) ? planCatalog[planName] : undefined;
  if (!entry) {
    throw new UsageError(
      `no plan named ${planName}; the plans are: ${Object.keys(planCatalog).join(", ")}`,
    );
  }
  return planFromSpecArgs(entry.spec, args, devices);
}

/**
 * Builds a plan of `spec` (a catalogued plan, or a plan module that declares its
 * parameters) from command-line arguments, each parsed as its parameter's kind.
 */
export function planFromSpecArgs(
  spec: PlanSpec,
  args: readonly string[],
  devices: DeviceLookup,
): Plan<unknown> {
  const refuse = (problems: string[]): UsageError =>
    new UsageError(`hil run ${usageOf(spec)}\n  ${problems.join("\n  ")}`);
  const json: JsonValue[] = [];
  const problems: string[] = [];
  args.forEach((text, i) => {
    const param = spec.parameters[i];
    // Extra arguments pass through as text, for the binder to count them.
    const value = param ? parseArgument(param, text) : text;
    if (typeof value === "object" && value !== null && "problem" in value) {
      problems.push(`argument ${i + 1}: ${String(value.problem)}`);
    } else {
      json.push(value);
    }
  });
  if (problems.length > 0) throw refuse(problems);
  try {
    const { values } = bindPlanCall(spec, spec.name, json, {}, devices);
    return spec.build(values, devices);
  } catch (error) {
    if (error instanceof PlanCallError) throw refuse(error.problems.map((p) => p.message));
    throw error;
  }
}
