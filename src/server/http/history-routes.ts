import type { QueueStore } from "../queue/index.js";
import { emptyBody, historyClearBody } from "./bodies.js";
import { ok } from "./replies.js";
import type { AddRoute } from "./route.js";

export function addHistoryRoutes(route: AddRoute, store: QueueStore): void {
  route({
    method: "GET",
    url: "/api/history/get",
    permission: "read",
    input: emptyBody,
    handle: () => ok({ ...store.history.get() }),
  });

  // Clearing the history is a queue edit for the lock, as in the queue server.
  route({
    method: "POST",
    url: "/api/history/clear",
    permission: "edit",
    input: historyClearBody,
    handle: ({ size, item_uid, lock_key }) => {
      store.lock.check("queue", lock_key);
      store.history.clear({ size, itemUid: item_uid });
      return ok();
    },
  });
}
