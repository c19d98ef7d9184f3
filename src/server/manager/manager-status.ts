import { randomUUID } from "node:crypto";
import type { OutletStatus } from "../../callbacks/index.js";
import type { RunEngineState } from "../../engine/index.js";
import type { LockInfo, QueueMode, QueueStore } from "../queue/index.js";
import type { DataOutStatus } from "../queue/wire-schemas.js";
import type { EnvironmentState } from "./environment.js";

/** The manager's states, with the queue server's words. */
export type ManagerState =
  | "idle"
  | "paused"
  | "creating_environment"
  | "executing_queue"
  | "executing_item"
  | "closing_environment"
  | "destroying_environment";

/**
 * The queue server's `status` reply: its fields that have a meaning here (no IPython kernel
 * details, no `*_existing_uid` apart from the allowed ones), and hil's `data_out`.
 */
export interface ManagerStatus {
  msg: string;
  time: number;
  items_in_queue: number;
  items_in_history: number;
  running_item_uid: string | null;
  manager_state: ManagerState;
  queue_stop_pending: boolean;
  queue_autostart_enabled: boolean;
  worker_environment_exists: boolean;
  worker_environment_state: EnvironmentState;
  worker_background_tasks: number;
  re_state: RunEngineState | null;
  pause_pending: boolean;
  ip_kernel_state: "disabled";
  ip_kernel_captured: boolean;
  plan_queue_mode: QueueMode;
  plan_queue_uid: string;
  plan_history_uid: string;
  plans_allowed_uid: string;
  devices_allowed_uid: string;
  lock_info_uid: string;
  lock: Pick<LockInfo, "environment" | "queue">;
  /** hil's own: where the served documents also go (`hil serve --zmq/--kafka`), and how it goes. */
  data_out: DataOutStatus[];
}

/** The fields that the engine's side decides; the rest are the store's. */
export type LiveStatus = Pick<
  ManagerStatus,
  | "manager_state"
  | "queue_stop_pending"
  | "worker_environment_exists"
  | "worker_environment_state"
  | "re_state"
  | "pause_pending"
  | "plans_allowed_uid"
  | "devices_allowed_uid"
  | "data_out"
>;

/** A server with no engine: nothing runs, nothing was described, nothing goes out. */
const noEngine: LiveStatus = {
  manager_state: "idle",
  queue_stop_pending: false,
  worker_environment_exists: false,
  worker_environment_state: "closed",
  re_state: null, // as the queue server reports with no environment
  pause_pending: false,
  plans_allowed_uid: randomUUID(),
  devices_allowed_uid: randomUUID(),
  data_out: [],
};

/** The queue server's status: `live` from the manager, or a server with no engine by default. */
export function queueStatus(store: QueueStore, live: LiveStatus = noEngine): ManagerStatus {
  const lock = store.lock.info();
  return {
    msg: `HIL queue server v${managerVersion}`,
    time: Date.now() / 1000,
    items_in_queue: store.queue.size(),
    items_in_history: store.history.size(),
    running_item_uid: store.queue.runningItem()?.item_uid ?? null,
    manager_state: live.manager_state,
    queue_stop_pending: live.queue_stop_pending,
    queue_autostart_enabled: store.queue.autostart(),
    worker_environment_exists: live.worker_environment_exists,
    worker_environment_state: live.worker_environment_state,
    worker_background_tasks: 0,
    re_state: live.re_state,
    pause_pending: live.pause_pending,
    ip_kernel_state: "disabled",
    ip_kernel_captured: false,
    plan_queue_mode: store.queue.mode(),
    plan_queue_uid: store.queue.planQueueUid,
    plan_history_uid: store.history.planHistoryUid,
    plans_allowed_uid: live.plans_allowed_uid,
    devices_allowed_uid: live.devices_allowed_uid,
    lock_info_uid: lock.lock_info_uid,
    lock: { environment: lock.environment, queue: lock.queue },
    data_out: live.data_out,
  };
}

/** An outlet's state in the status's words. */
export function dataOutStatus(outlet: OutletStatus): DataOutStatus {
  const { name, lossless, sent, spooled, dropped, pending, failures, lastError } = outlet;
  return {
    name,
    lossless,
    sent,
    spooled,
    dropped,
    pending,
    failures,
    last_error: lastError ?? null,
  };
}

/** The version named in the status `msg`, as "RE Manager v…" names the queue server's. */
export const managerVersion = "0.1.0";
