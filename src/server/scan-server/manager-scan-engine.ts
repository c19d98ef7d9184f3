/**
 * The Scan Server face's engine port over the queue manager, for an environment in this
 * process: a scan's ready-made plan is handed over under a token, and the manager executes
 * the item `scan_server_commands` (outside the queue, into its history), whose builder
 * takes the plan back. The manager's RunEngine requests pause, resume and abort it.
 */
import { randomUUID } from "node:crypto";
import type { Device, NamedDocument, Plan, RunStop } from "../../core/index.ts";
import type { PlanSource, QueueManager } from "../manager/index.ts";
import type { QueueItem } from "../queue/index.ts";
import { SCAN_PLAN_NAME } from "./scan-plan.ts";
import { runEnd, type ScanEngine, type ScanLabel, type ScanRunEnd } from "./scan-engine.ts";

/** Plans waiting to be built by the environment's catalog, by token. */
export class ScanPlanHandoff {
  readonly #plans = new Map<string, Plan<unknown>>();

  /** Keeps `plan` until the item carrying the returned token is built. */
  put(plan: Plan<unknown>): string {
    const token = randomUUID();
    this.#plans.set(token, plan);
    return token;
  }

  drop(token: string): void {
    this.#plans.delete(token);
  }

  /** `base` with the item `scan_server_commands` added, whose plan is the one handed over. */
  planSource(base: PlanSource): PlanSource {
    const tokenOf = (item: QueueItem): string =>
      typeof item.kwargs.token === "string" ? item.kwargs.token : "";
    return {
      allowed: {
        plans: {
          ...base.allowed.plans,
          [SCAN_PLAN_NAME]: {
            name: SCAN_PLAN_NAME,
            description: "A scan submitted to the Scan Server face",
          },
        },
        devices: base.allowed.devices,
      },
      check: (item) => {
        if (item.name !== SCAN_PLAN_NAME) return base.check(item);
        return this.#plans.has(tokenOf(item)) ? undefined : "no scan was handed over for it";
      },
      build: (item) => {
        if (item.name !== SCAN_PLAN_NAME) return base.build(item);
        const token = tokenOf(item);
        const plan = this.#plans.get(token);
        if (plan === undefined) throw new Error("no scan was handed over for this item");
        this.#plans.delete(token);
        return plan;
      },
    };
  }
}

export interface ManagerScanEngineOptions {
  readonly manager: QueueManager;
  readonly handoff: ScanPlanHandoff;
  /** The devices of the open environment. */
  readonly devices: () => Iterable<Device>;
  /** Who the scans run as in the history. */
  readonly user?: string;
}

export function managerScanEngine(options: ManagerScanEngineOptions): ScanEngine {
  const { manager, handoff } = options;
  const by = { user: options.user ?? "scan server", user_group: "primary" };
  return {
    get free() {
      return (
        manager.managerState === "idle" &&
        manager.runningItem === undefined &&
        manager.status().worker_environment_state === "idle"
      );
    },
    start(plan: Plan<unknown>, label: ScanLabel, onDocument: (...d: NamedDocument) => void) {
      let stop: RunStop | undefined;
      let raised: unknown;
      function* watched(): Plan<unknown> {
        try {
          return yield* plan;
        } catch (error) {
          raised = error;
          throw error;
        }
      }
      const token = handoff.put(watched());
      const unsubscribe = manager.subscribe((event) => {
        if (event.kind !== "environment" || event.event.kind !== "document") return;
        if (event.item?.kwargs.token !== token) return;
        const document = event.event.document;
        if (document[0] === "stop") stop = document[1];
        onDocument(...document);
      });
      try {
        manager.executeItem(
          {
            item_type: "plan",
            name: SCAN_PLAN_NAME,
            args: [],
            kwargs: { scan_id: label.id, scan_name: label.name, token },
          },
          by,
        );
      } catch (error) {
        unsubscribe();
        handoff.drop(token);
        throw error;
      }
      return manager.idle().then((): ScanRunEnd => {
        unsubscribe();
        return runEnd(stop, raised);
      });
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
    devices: options.devices,
  };
}
