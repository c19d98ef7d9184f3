import type { GroupState } from "./group-state.js";
import type { AsAccess, AsLevel } from "./rights.js";

const RIGHTS = [0, 1, 3] as const;

/**
 * A client's access to a field of level `level` in `group`, as asLib's asComputePvt finds
 * it: the highest access of the rules whose level covers the field, whose UAGs hold the
 * user, whose HAGs hold the host and whose CALC allows; TRAPWRITE comes from the first rule
 * giving that access. `hostKey` is the host already in the form HAG entries have.
 */
export function computeAccess(
  group: GroupState,
  level: AsLevel,
  user: string,
  hostKey: string,
): AsAccess {
  let rank = 0;
  let trapWrite = false;
  for (const state of group.rules) {
    if (rank === 2) break;
    if (state.rank <= rank || level > state.rule.level) continue;
    if (state.users.length > 0 && !state.users.some((users) => users.has(user))) continue;
    if (state.hosts.length > 0 && !state.hosts.some((hosts) => hosts.has(hostKey))) continue;
    if (!group.calcAllows(state)) continue;
    rank = state.rank;
    trapWrite = state.rule.trapWrite;
  }
  return { rights: RIGHTS[rank]!, trapWrite };
}
