import { z } from "zod";

/** The httpserver's roles that matter without an engine, lowest first. */
export const roleSchema = z.enum(["observer", "user", "expert", "admin"]);
export type Role = z.infer<typeof roleSchema>;

/** What a route needs: reading, editing the queue, taking the lock, managing API keys. */
export type Permission = "read" | "edit" | "lock" | "keys";

// Each role holds the grants of the roles below it, so one rank per role is enough.
const rank: Record<Role, number> = { observer: 0, user: 1, expert: 2, admin: 3 };
const needs: Record<Permission, Role> = {
  read: "observer",
  edit: "user",
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
