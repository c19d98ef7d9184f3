/**
 * The Scan Server face's engine port over the queue manager, whatever its environment: a
 * scan runs as the item `scan_server_commands`, executed outside the queue (so it is a
 * history item and a run with documents) and built by the environment's plan source where
 * the devices are (see withScanItems). The item's channel carries the scan's messages both
 * ways; the manager's RunEngine requests pause, resume and abort it.
 */
import type { RunStop } from "../../core/index.ts";
import type { JsonValue } from "../json-value.ts";
import type { PlanOutcome, QueueManager } from "../manager/index.ts";
import { SCAN_PLAN_NAME } from "./scan-plan.ts";
import {
  runEnd,
  type ScanEngine,
  type ScanRun,
  type ScanRunEnd,
  type ScanRunListener,
} from "./scan-engine.ts";

export interface ManagerScanEngineOptions {
  readonly manager: QueueManager;
  /** Who the scans run as in the history. */
  readonly user?: string;
}

export function managerScanEngine(options: ManagerScanEngineOptions): ScanEngine {
  const { manager } = options;
  const by = { user: options.user ?? "scan server", user_group: "primary" };
  return {
    get free() {
      return (
        manager.managerState === "idle" &&
        manager.runningItem === undefined &&
        manager.status().worker_environment_state === "idle"
      );
    },
    start(kwargs: Record<string, JsonValue>, listener: ScanRunListener): ScanRun {
      let uid: string | undefined;
      let stop: RunStop | undefined;
      let finish!: (end: ScanRunEnd) => void;
      const ended = new Promise<ScanRunEnd>((resolve) => (finish = resolve));
      const unsubscribe = manager.subscribe((event) => {
        if (uid === undefined || event.kind !== "environment") return;
        if (event.item?.item_uid !== uid) return;
        const happened = event.event;
        if (happened.kind === "document") {
          const document = happened.document;
          if (document[0] === "stop") stop = document[1];
          listener.document(...document);
        } else if (happened.kind === "item" && happened.item_uid === uid) {
          listener.message(happened.message);
        }
      });
      try {
        uid = manager.executeItem(
          { item_type: "plan", name: SCAN_PLAN_NAME, args: [], kwargs },
          by,
          (outcome: PlanOutcome) => {
            unsubscribe();
            finish(runEnd(stop, outcome));
          },
        ).item_uid;
      } catch (error) {
        unsubscribe();
        throw error;
      }
      const running = uid;
      return {
        ended,
        send: (message) => {
          if (manager.runningItem?.item_uid === running) manager.sendToItem(running, message);
        },
      };
    },
    async pause() {
      let stop: (() => void) | undefined;
      const rested = new Promise<void>((resolve) => {
        stop = manager.subscribe((event) => {
          if (event.kind !== "environment" || event.event.kind !== "re_state") return;
          if (event.event.state === "paused" || event.event.state === "idle") resolve();
        });
      });
      try {
        await manager.control({ kind: "pause", defer: false });
        await rested;
      } finally {
        stop?.();
      }
    },
    resume: () => manager.control({ kind: "resume" }),
    abort: () => manager.control({ kind: "abort" }),
    onFree(listener) {
      return manager.subscribe((event) => {
        if (event.kind === "status") listener();
      });
    },
    query: (request) => manager.query(request),
  };
}
