// One catalog of plans as data: parameter specs, Python-style binding of JSON args and
// kwargs, validation by device capabilities, and bluesky-queueserver descriptions.
export type {
  DeviceLookup,
  JsonValue,
  KindValue,
  ScanMotor,
  ParameterKind,
  ParameterSpec,
} from "./spec.js";
export type { PlanCatalog, PlanSpec, ValuesOf } from "./spec.js";
export { definePlan, parameterKinds } from "./spec.js";
export type { DeviceCapabilities } from "./kinds.js";
export { capabilitiesOf } from "./kinds.js";
export type { BoundPlanCall, DeviceTable, PlanArgs, PlanCallProblem, PlanKwargs } from "./bind.js";
export { PlanCallError, bindPlanCall, buildPlanCall, findPlan, validatePlanCall } from "./bind.js";
export type { DeviceDescription, ParameterDescription, PlanDescription } from "./describe.js";
export {
  describeDevice,
  describeDevices,
  describePlan,
  describePlans,
  pythonRepr,
} from "./describe.js";
export { builtinPlans } from "./builtin.js";
export type { PlanContext, PlanFactory, PlanModule } from "./module.js";
export {
  PlanModuleError,
  catalogEntryFromModule,
  loadPlanModule,
  planFromPlanModule,
} from "./module.js";
