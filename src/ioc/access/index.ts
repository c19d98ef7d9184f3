// EPICS access security: .acf files (UAG, HAG, ASG with INP links and RULEs) parsed with
// located problems, and the rights each client has on a field, re-evaluated when a CALC
// rule's inputs change.
export { AcfError } from "./errors.js";
export { type AcfParseOptions, loadAcf, parseAcf } from "./load.js";
export {
  type AccessKind,
  type AcfConfig,
  type AcfGroup,
  type AcfInput,
  type AcfRule,
  DEFAULT_GROUP,
} from "./model.js";
export { AccessSecurity, type AccessSecurityOptions } from "./access-security.js";
export type { AsClient } from "./client.js";
export type { HostMatchOptions } from "./hosts.js";
export type { AsInputs } from "./inputs.js";
export { describeRefusal } from "./refusal.js";
export {
  AS_READ,
  AS_WRITE,
  type AsAccess,
  type AsIdentity,
  type AsLevel,
  type AsRights,
} from "./rights.js";
