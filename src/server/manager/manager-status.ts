import type { RunEngineState } from "../../engine/index.js";
import type { LockInfo, QueueMode } from "../queue/index.js";
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

/** The queue server's `status` reply, field for field. */
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
}

/** The version named in the status `msg`, as "RE Manager v…" names the queue server's. */
export const managerVersion = "0.1.0";
