import type { QueueStore } from "../queue/index.js";
import { emptyBody } from "./bodies.js";
import { ok } from "./replies.js";
import type { AddRoute } from "./route.js";

/** The version named in the status `msg`, as "RE Manager v…" names the queue server's. */
export const queueHttpVersion = "0.1.0";

/** The queue server's status: the manager's when one is attached, else `storeStatus`. */
export function addStatusRoute(route: AddRoute, current: () => object): void {
  route({
    method: "GET",
    url: "/api/status",
    permission: "read",
    input: emptyBody,
    handle: () => ok({ ...current() }),
  });
}

/**
 * The status fields that have a meaning without an engine: the manager and the RunEngine
 * are idle and no worker environment exists.
 */
export function storeStatus(store: QueueStore): Record<string, unknown> {
  const lock = store.lock.info();
  return {
    msg: `HIL queue server v${queueHttpVersion}`,
    time: Date.now() / 1000,
    items_in_queue: store.queue.size(),
    items_in_history: store.history.size(),
    running_item_uid: store.queue.runningItem()?.item_uid ?? null,
    manager_state: "idle",
    queue_stop_pending: false,
    queue_autostart_enabled: store.queue.autostart(),
    worker_environment_exists: false,
    worker_environment_state: "closed",
    worker_background_tasks: 0,
    re_state: "idle",
    pause_pending: false,
    ip_kernel_state: "disabled",
    ip_kernel_captured: false,
    plan_queue_mode: store.queue.mode(),
    plan_queue_uid: store.queue.planQueueUid,
    plan_history_uid: store.history.planHistoryUid,
    lock_info_uid: lock.lock_info_uid,
    lock: { environment: lock.environment, queue: lock.queue },
  };
}
