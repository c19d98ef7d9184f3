import { emptyBody } from "./bodies.js";
import { ok } from "./replies.js";
import type { AddRoute } from "./route.js";

/** The queue server's status: the manager's when one is attached, else the store's alone. */
export function addStatusRoute(route: AddRoute, current: () => object): void {
  route({
    method: "GET",
    url: "/api/status",
    permission: "read",
    input: emptyBody,
    handle: () => ok({ ...current() }),
  });
}
