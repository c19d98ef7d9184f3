import type { LockInfo, QueueStore } from "../queue/index.js";
import { lockBody, lockInfoQuery, unlockBody } from "./bodies.js";
import type { ApiReply } from "./replies.js";
import { ok } from "./replies.js";
import type { AddRoute } from "./route.js";

function lockReply(info: LockInfo): ApiReply {
  return ok({ lock_info: info, lock_info_uid: info.lock_info_uid });
}

/** Locking is for experts; anyone who may read can see who holds the lock. */
export function addLockRoutes(route: AddRoute, store: QueueStore): void {
  route({
    method: "POST",
    url: "/api/lock",
    permission: "lock",
    input: lockBody,
    handle: ({ lock_key, environment, queue, note }, caller) =>
      lockReply(
        store.lock.lock({ lockKey: lock_key, environment, queue, note, user: caller.principal }),
      ),
  });

  route({
    method: "POST",
    url: "/api/unlock",
    permission: "lock",
    input: unlockBody,
    handle: ({ lock_key }) => lockReply(store.lock.unlock(lock_key)),
  });

  // A GET with no body: the key to test, if any, comes in the query.
  route({
    method: "GET",
    url: "/api/lock/info",
    permission: "read",
    input: lockInfoQuery,
    handle: ({ lock_key }) => lockReply(store.lock.info(lock_key)),
  });
}
