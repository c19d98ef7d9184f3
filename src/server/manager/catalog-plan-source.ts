import type { Plan } from "../../core/index.js";
import type { DeviceLookup, DeviceTable, PlanCatalog } from "../../plans/index.js";
import {
  buildPlanCall,
  describeDevices,
  describePlans,
  validatePlanCall,
} from "../../plans/index.js";
import type { QueueItem } from "../queue/index.js";
import type { AllowedResources, PlanSource } from "./environment.js";

/** Devices by name, iterable and looked up as a Beamline offers them. */
export interface NamedDevices extends DeviceLookup {
  readonly devices: ReadonlyMap<string, object>;
}

/**
 * The plans of a catalog over a beamline's devices: described for `plans/allowed` (with the
 * devices each parameter may take), checked, and built; `wrap` adds what every plan gets
 * (e.g. the baseline readings).
 */
export function catalogPlanSource(
  catalog: PlanCatalog,
  beamline: NamedDevices,
  wrap: (plan: Plan<unknown>) => Plan<unknown> = (plan) => plan,
): PlanSource {
  const devices = describeDevices(beamline.devices);
  const allowed = toJson({ plans: describePlans(catalog, devices), devices });
  const check = catalogChecker(catalog)(allowed);
  return {
    allowed,
    check,
    build: (item) => wrap(buildPlanCall(catalog, item.name, item.args, item.kwargs, beamline)),
  };
}

/**
 * Checks items against a catalog and the devices an environment described, without the
 * devices themselves: what the manager does while the plans run in a worker.
 */
export function catalogChecker(
  catalog: PlanCatalog,
): (allowed: AllowedResources) => (item: QueueItem) => string | undefined {
  return (allowed) => {
    const table = allowed.devices as unknown as DeviceTable;
    return (item) => {
      try {
        validatePlanCall(catalog, item.name, item.args, item.kwargs, table);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    };
  };
}

function toJson(allowed: object): AllowedResources {
  return JSON.parse(JSON.stringify(allowed)) as AllowedResources;
}
