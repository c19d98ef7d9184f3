import { z } from "zod";
import type { QueueManager } from "../manager/index.js";
import type { QueueStore, Submitter } from "../queue/index.js";
import { itemSubmissionSchema } from "../queue/index.js";
import type { Caller } from "./authenticate.js";
import {
  addBatchBody,
  addBody,
  autostartBody,
  emptyBody,
  itemStatusBody,
  lockKeyBody,
  modeBody,
  moveBatchBody,
  moveBody,
  removeBatchBody,
  selectBody,
  updateBody,
} from "./bodies.js";
import { failed, ok } from "./replies.js";
import type { AddRoute } from "./route.js";

// The httpserver maps every user to the group `primary` unless a policy says otherwise.
export function submitter(caller: Caller): Submitter {
  return { user: caller.principal, user_group: "primary" };
}

/**
 * The queue routes: reading, editing (behind the queue lock) and the queue settings. With a
 * manager, items are checked against its plans before they enter the queue.
 */
export function addQueueRoutes(
  route: AddRoute,
  store: QueueStore,
  manager: QueueManager | undefined,
): void {
  const validate = manager?.check;
  // Each edit checks the lock and then changes the queue with no await in between, so
  // nothing can take the lock in the gap.
  const checkLock = (lockKey: string | undefined) => store.lock.check("queue", lockKey);

  route({
    method: "GET",
    url: "/api/queue/get",
    permission: "read",
    input: emptyBody,
    handle: () => {
      const { items, running_item, plan_queue_uid } = store.queue.get();
      // The queue server sends an empty object, not null, when nothing runs.
      return ok({ items, running_item: running_item ?? {}, plan_queue_uid });
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/add",
    permission: "edit",
    input: addBody,
    handle: ({ item, lock_key, ...dest }, caller) => {
      checkLock(lock_key);
      const added = store.queue.add(item, submitter(caller), dest, validate);
      return ok({ qsize: added.qsize, item: added.item });
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/add/batch",
    permission: "edit",
    input: addBatchBody,
    handle: ({ items, lock_key, ...dest }, caller) => {
      checkLock(lock_key);
      const checked = items.map((item) => itemSubmissionSchema.safeParse(item));
      const refused = checked.filter((c) => !c.success).length;
      if (refused > 0) {
        return failed(`${refused} of ${items.length} items were refused; none was added`, {
          items,
          results: checked.map((c) =>
            c.success
              ? { success: true, msg: "" }
              : { success: false, msg: `bad item: ${z.prettifyError(c.error)}` },
          ),
          qsize: store.queue.size(),
        });
      }
      const submissions = checked.flatMap((c) => (c.success ? [c.data] : []));
      const result = store.queue.addBatch(submissions, submitter(caller), dest, validate);
      return { ...result };
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/get",
    permission: "read",
    input: selectBody,
    handle: ({ pos, uid }) => ok({ item: store.queue.getItem({ pos, uid }) }),
  });

  route({
    method: "POST",
    url: "/api/queue/item/update",
    permission: "edit",
    input: updateBody,
    handle: ({ item, replace, lock_key }, caller) => {
      checkLock(lock_key);
      const updated = store.queue.update(item, submitter(caller), { replace }, validate);
      return ok({ qsize: updated.qsize, item: updated.item });
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/remove",
    permission: "edit",
    input: selectBody,
    handle: ({ pos, uid, lock_key }) => {
      checkLock(lock_key);
      const removed = store.queue.remove({ pos, uid });
      return ok({ item: removed.item, qsize: removed.qsize });
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/remove/batch",
    permission: "edit",
    input: removeBatchBody,
    handle: ({ uids, ignore_missing, lock_key }) => {
      checkLock(lock_key);
      const removed = store.queue.removeBatch(uids, { ignoreMissing: ignore_missing });
      return ok({ items: removed.items, qsize: removed.qsize });
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/move",
    permission: "edit",
    input: moveBody,
    handle: ({ pos, uid, lock_key, ...dest }) => {
      checkLock(lock_key);
      const moved = store.queue.move({ pos, uid }, dest);
      return ok({ item: moved.item, qsize: moved.qsize });
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/move/batch",
    permission: "edit",
    input: moveBatchBody,
    handle: ({ uids, reorder, lock_key, ...dest }) => {
      checkLock(lock_key);
      const moved = store.queue.moveBatch(uids, dest, { reorder });
      return ok({ items: moved.items, qsize: moved.qsize });
    },
  });

  route({
    method: "POST",
    url: "/api/queue/clear",
    permission: "edit",
    input: lockKeyBody,
    handle: ({ lock_key }) => {
      checkLock(lock_key);
      store.queue.clear();
      return ok();
    },
  });

  route({
    method: "POST",
    url: "/api/queue/mode/set",
    permission: "edit",
    input: modeBody,
    handle: ({ mode, lock_key }) => {
      checkLock(lock_key);
      return ok({ plan_queue_mode: store.queue.setMode(mode) });
    },
  });

  // Autostart controls running the queue, which the environment lock guards. The manager
  // starts the queue at once when it is enabled and there is something to run.
  route({
    method: "POST",
    url: "/api/queue/autostart",
    permission: "control",
    input: autostartBody,
    handle: ({ enable, lock_key }) => {
      store.lock.check("environment", lock_key);
      if (manager) manager.setAutostart(enable);
      else store.queue.setAutostart(enable);
      return ok();
    },
  });

  route({
    method: "POST",
    url: "/api/queue/item/status",
    permission: "read",
    input: itemStatusBody,
    handle: ({ uid }) => ok({ item_uid: uid, ...store.itemStatus(uid) }),
  });
}
