import type { Plan } from "../../core/index.js";
import { HilError } from "../../core/index.js";
import type { DeviceCapabilities } from "./kinds.js";
import { capabilitiesOf, kinds } from "./kinds.js";
import type { DeviceLookup, JsonValue, ParameterSpec, PlanCatalog, PlanSpec } from "./spec.js";

/** One thing wrong with a plan call, naming the parameter when there is one. */
export interface PlanCallProblem {
  parameter?: string;
  message: string;
}

/**
 * A plan call that cannot run: an unknown plan, wrong arguments or unfit devices. Its
 * message has one line per problem, each naming the plan and the parameter.
 */
export class PlanCallError extends HilError {
  readonly plan: string;
  readonly problems: readonly PlanCallProblem[];

  constructor(plan: string, problems: readonly PlanCallProblem[]) {
    super("HIL_PLAN_CALL", problems.map((p) => p.message).join("\n"));
    this.plan = plan;
    this.problems = problems;
  }
}

/** Device names and what each can do: a `devices_allowed` description is one. */
export type DeviceTable =
  ReadonlyMap<string, DeviceCapabilities> | Readonly<Record<string, DeviceCapabilities>>;

/** A call bound to its plan: every parameter's value by name, devices resolved. */
export interface BoundPlanCall {
  spec: PlanSpec;
  values: Readonly<Record<string, unknown>>;
}

export type PlanArgs = readonly JsonValue[];
export type PlanKwargs = Readonly<Record<string, JsonValue | undefined>>;

function isSpec(x: PlanCatalog | PlanSpec): x is PlanSpec {
  return typeof x.build === "function" && Array.isArray(x.parameters);
}

/** The plan named `name` in a catalog (or the one spec given); throws PlanCallError. */
export function findPlan(catalog: PlanCatalog | PlanSpec, name: string): PlanSpec {
  if (isSpec(catalog)) {
    if (catalog.name === name) return catalog;
    throw new PlanCallError(name, [
      { message: `no plan named ${name}; the plan is ${catalog.name}` },
    ]);
  }
  const spec = Object.hasOwn(catalog, name) ? catalog[name] : undefined;
  if (!spec) {
    const known = Object.keys(catalog).join(", ");
    throw new PlanCallError(name, [{ message: `no plan named ${name}; the plans are: ${known}` }]);
  }
  return spec;
}

/** Resolves one device name to what the plan receives, or says why it cannot. */
type Resolve = (name: string) => { value: unknown; capabilities: DeviceCapabilities } | string;

function show(value: JsonValue): string {
  return JSON.stringify(value) ?? String(value);
}

/**
 * Python's call semantics over a parameter list: positional arguments fill parameters in
 * order, keywords by name; defaults fill the rest. Collects every problem.
 */
function bind(
  spec: PlanSpec,
  args: PlanArgs,
  kwargs: PlanKwargs,
  resolve: Resolve,
): Record<string, unknown> {
  const plan = spec.name;
  const params = spec.parameters;
  const problems: PlanCallProblem[] = [];
  const given = new Map<string, JsonValue>();
  if (args.length > params.length) {
    const list = params.map((p) => p.name).join(", ");
    problems.push({
      message: `${plan}: takes ${params.length} positional arguments (${list}) but ${args.length} were given`,
    });
  }
  args.slice(0, params.length).forEach((value, i) => given.set(params[i]!.name, value));
  for (const [key, value] of Object.entries(kwargs)) {
    if (value === undefined) continue;
    if (!params.some((p) => p.name === key)) {
      problems.push({ parameter: key, message: `${plan}: unknown parameter "${key}"` });
    } else if (given.has(key)) {
      problems.push({
        parameter: key,
        message: `${plan}: parameter "${key}" given twice, by position and by name`,
      });
    } else {
      given.set(key, value);
    }
  }
  const values: Record<string, unknown> = {};
  for (const param of params) {
    const value = given.get(param.name);
    if (value === undefined) {
      if (param.default !== undefined) values[param.name] = param.default;
      else if (param.optional) values[param.name] = undefined;
      else {
        problems.push({
          parameter: param.name,
          message: `${plan}: missing parameter "${param.name}"`,
        });
      }
      continue;
    }
    const checked = check(param, value, resolve);
    if (typeof checked === "string") {
      problems.push({
        parameter: param.name,
        message: `${plan}: parameter "${param.name}": ${checked}`,
      });
    } else {
      values[param.name] = checked.value;
    }
  }
  if (problems.length > 0) throw new PlanCallError(plan, problems);
  return values;
}

/** The checked value of one parameter, or why it is refused. */
function check(
  param: ParameterSpec,
  value: JsonValue,
  resolve: Resolve,
): { value: unknown } | string {
  const kind = kinds[param.kind];
  const parsed = kind.schema.safeParse(value);
  if (!parsed.success) return `expected ${kind.expected}, got ${show(value)}`;
  const device = kind.device;
  if (!device) return { value: parsed.data };
  const names = device.list ? (parsed.data as string[]) : [parsed.data as string];
  const resolved: unknown[] = [];
  const refusals: string[] = [];
  for (const name of names) {
    const found = resolve(name);
    if (typeof found === "string") refusals.push(found);
    else if (!device.fits(found.capabilities)) refusals.push(device.refusal(name));
    else resolved.push(found.value);
  }
  if (refusals.length > 0) return refusals.join("; ");
  return { value: device.list ? resolved : resolved[0] };
}

function resolveFrom(devices: DeviceLookup): Resolve {
  return (name) => {
    let device: unknown;
    try {
      device = devices.get(name);
    } catch (error) {
      return (error as Error).message;
    }
    if (device === undefined || device === null) return `no device named ${name}`;
    return { value: device, capabilities: capabilitiesOf(device) };
  };
}

function resolveNames(devices: DeviceTable): Resolve {
  const table: ReadonlyMap<string, DeviceCapabilities> =
    devices instanceof Map ? devices : new Map(Object.entries(devices));
  return (name) => {
    const capabilities = table.get(name);
    return capabilities ? { value: name, capabilities } : `no device named ${name}`;
  };
}

/**
 * Binds a call of plan `name` (JSON `args` and `kwargs`, as a queue item carries them) to
 * its parameters, resolving device names through `devices`. Throws PlanCallError.
 */
export function bindPlanCall(
  catalog: PlanCatalog | PlanSpec,
  name: string,
  args: PlanArgs,
  kwargs: PlanKwargs,
  devices: DeviceLookup,
): BoundPlanCall {
  const spec = findPlan(catalog, name);
  return { spec, values: bind(spec, args, kwargs, resolveFrom(devices)) };
}

/**
 * Checks a plan call without building it or touching devices: only their names and
 * capabilities are needed (e.g. a `devices_allowed` description). Throws PlanCallError;
 * returns the checked JSON values by parameter name, defaults filled in.
 */
export function validatePlanCall(
  catalog: PlanCatalog | PlanSpec,
  name: string,
  args: PlanArgs,
  kwargs: PlanKwargs,
  devices: DeviceTable,
): Readonly<Record<string, unknown>> {
  return bind(findPlan(catalog, name), args, kwargs, resolveNames(devices));
}

/** Binds a plan call (as bindPlanCall) and builds the plan. */
export function buildPlanCall(
  catalog: PlanCatalog | PlanSpec,
  name: string,
  args: PlanArgs,
  kwargs: PlanKwargs,
  devices: DeviceLookup,
): Plan<unknown> {
  const { spec, values } = bindPlanCall(catalog, name, args, kwargs, devices);
  return spec.build(values, devices);
}
