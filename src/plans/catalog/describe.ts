import type { DeviceCapabilities } from "./kinds.js";
import { capabilitiesOf, kinds } from "./kinds.js";
import type { DeviceTable } from "./bind.js";
import type { JsonValue, ParameterSpec, PlanCatalog, PlanSpec } from "./spec.js";

/**
 * One parameter as bluesky-queueserver's `plans_allowed` describes it (`default` is the
 * Python text of the value, as there), with our extras: `enum` (the devices that fit a
 * device parameter) and `type` (JSON-Schema-ish, with the JSON default).
 */
export interface ParameterDescription {
  name: string;
  kind: { name: "POSITIONAL_OR_KEYWORD"; value: 1 };
  default?: string;
  annotation: { type: string };
  description: string;
  convert_device_names?: boolean;
  min?: string;
  enum?: string[];
  type: Record<string, unknown>;
}

/** A plan as bluesky-queueserver's `plans_allowed` describes it. */
export interface PlanDescription {
  name: string;
  description: string;
  module: string;
  parameters: ParameterDescription[];
  properties: { is_generator: true };
}

/** A device as bluesky-queueserver's `devices_allowed` describes it, with our capabilities. */
export interface DeviceDescription extends DeviceCapabilities {
  classname: string;
  module: string;
}

/** Python's text of a JSON value, as bluesky-queueserver writes defaults. */
export function pythonRepr(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return String(value);
  if (typeof value === "string")
    return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
}

function tableEntries(devices: DeviceTable): [string, DeviceCapabilities][] {
  return devices instanceof Map ? [...devices.entries()] : Object.entries(devices);
}

function describeParameter(param: ParameterSpec, devices: DeviceTable): ParameterDescription {
  const kind = kinds[param.kind];
  const type: Record<string, unknown> = { ...kind.jsonType };
  const description: ParameterDescription = {
    name: param.name,
    kind: { name: "POSITIONAL_OR_KEYWORD", value: 1 },
    annotation: { type: kind.annotation },
    description: param.description,
    type,
  };
  if (param.default !== undefined) {
    description.default = pythonRepr(param.default);
    type.default = param.default;
  } else if (param.optional) {
    description.default = "None";
  }
  if (param.kind === "points") description.min = "1";
  const device = kind.device;
  if (device) {
    const choices = tableEntries(devices)
      .filter(([, capabilities]) => device.fits(capabilities))
      .map(([name]) => name);
    description.convert_device_names = true;
    description.enum = choices;
    if (device.list) type.items = { type: "string", enum: choices };
    else type.enum = choices;
  }
  return description;
}

/** A plan's `plans_allowed` item; device parameters list the devices that fit as `enum`. */
export function describePlan(spec: PlanSpec, devices: DeviceTable): PlanDescription {
  return {
    name: spec.name,
    description: spec.description,
    module: spec.module ?? "hil.plans",
    parameters: spec.parameters.map((p) => describeParameter(p, devices)),
    properties: { is_generator: true },
  };
}

/** bluesky-queueserver's `plans_allowed`: every plan of a catalog by name. */
export function describePlans(
  catalog: PlanCatalog,
  devices: DeviceTable,
): Record<string, PlanDescription> {
  return Object.fromEntries(
    Object.entries(catalog).map(([name, spec]) => [name, describePlan(spec, devices)]),
  );
}

/** A device's `devices_allowed` item, its capabilities from the protocol guards of core. */
export function describeDevice(device: object, module = "hil.devices"): DeviceDescription {
  return { classname: device.constructor.name, module, ...capabilitiesOf(device) };
}

/**
 * bluesky-queueserver's `devices_allowed`: every device by name. The result is a
 * DeviceTable, so it also serves validatePlanCall and describePlans.
 */
export function describeDevices(
  devices: Iterable<readonly [string, object]>,
  module?: string,
): Record<string, DeviceDescription> {
  return Object.fromEntries(
    [...devices].map(([name, device]) => [name, describeDevice(device, module)]),
  );
}
