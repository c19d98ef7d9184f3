import { z } from "zod";

/** The httpserver's roles that matter here, lowest first. */
export const roleSchema = z.enum(["observer", "user", "expert", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/**
 * What a route needs. The httpserver's scopes map onto them as follows:
 * - `read`: every `read:*` scope (status, queue, history, resources, console, lock, the pushes).
 * - `edit`: `write:queue:edit` and `write:history:edit` (queue and history changes).
 * - `control`: `write:queue:control` (queue start/stop/autostart), `write:manager:control`
 *   (environment open/close/destroy), `write:plan:control` (re_pause/resume/stop/abort/halt)
 *   and `write:execute` (queue/item/execute). The httpserver grants all four to `user`.
 * - `lock`: `write:lock`, which only `expert` has.
 * - `keys`: `admin:apikeys`.
 * Each role holds the grants of the roles below it.
 */
export type Permission = "read" | "edit" | "control" | "lock" | "keys";

// Each role holds the grants of the roles below it, so one rank per role is enough.
const rank: Record<Role, number> = { observer: 0, user: 1, expert: 2, admin: 3 };
const needs: Record<Permission, Role> = {
  read: "observer",
  edit: "user",
  control: "user",
  lock: "expert",
  keys: "admin",
};

export function allows(role: Role, permission: Permission): boolean {
  return rank[role] >= rank[needs[permission]];
}

/** The lowest role that has `permission`, for the reason given with a 403. */
export function roleNeeded(permission: Permission): Role {
  return needs[permission];
}
