import { pythonRepr } from "../../plans/index.js";
import type { ManagerEvent, QueueManager } from "../manager/index.js";
import type { QueueItem } from "../queue/index.js";
import type {
  CommandOutcome,
  EngineCommand,
  EngineEvent,
  EngineSnapshot,
  PlanParams,
} from "./engine.js";

/** How a finished item ended, as the queue's history records it. */
export interface FinishedItems {
  find(
    uid: string,
  ): { readonly result: { readonly exit_status: string; readonly msg: string } } | undefined;
}

export interface ManagerEngineOptions {
  readonly manager: QueueManager;
  /**
   * The history the manager records into (the store's): the failure text of a plan that
   * failed, even before it opened a run. Without it, only a run whose stop document says
   * it failed is reported, with the document's reason.
   */
  readonly history?: FinishedItems;
  /** Who the dispatcher's plans run as. */
  readonly user?: string;
  readonly userGroup?: string;
}

export type EngineListener = (event: EngineEvent) => void;

/**
 * The dispatcher's engine port over the queue manager: a start runs the plan at once outside
 * the queue with the client's params as keyword arguments, the other commands are RunEngine
 * requests, and the manager's RunEngine states become engine events carrying the plan's
 * name and the uid and time of its latest start document. A plan that fails, or cannot be
 * launched, is reported as an exception once its run has ended.
 */
export class ManagerEngine {
  readonly #manager: QueueManager;
  readonly #history: FinishedItems | undefined;
  readonly #by: { user: string; user_group: string };
  readonly #listeners = new Set<EngineListener>();
  readonly #unsubscribe: () => void;
  #snapshot: EngineSnapshot;
  /** The item the snapshot describes; its runs' start documents update it. */
  #itemUid: string | null = null;
  /** Why the running item's run failed, from its stop document. */
  #stopReason: string | undefined;
  #closed = false;

  constructor(options: ManagerEngineOptions) {
    this.#manager = options.manager;
    this.#history = options.history;
    this.#by = { user: options.user ?? "dispatcher", user_group: options.userGroup ?? "primary" };
    const running = this.#manager.runningItem;
    this.#itemUid = running?.item_uid ?? null;
    this.#snapshot = {
      state: this.#manager.status().re_state ?? "idle",
      planName: running?.name ?? null,
      runUid: null,
      runStartTime: null,
    };
    this.#unsubscribe = this.#manager.subscribe((event) => this.#managerEvent(event));
  }

  /** The engine as the events given so far describe it. */
  snapshot(): EngineSnapshot {
    return this.#snapshot;
  }

  /** Whether the open environment offers a plan of this name. */
  readonly hasPlan = (name: string): boolean => {
    const plans = this.#manager.allowed?.plans;
    return plans !== undefined && Object.hasOwn(plans, name);
  };

  subscribe(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Carries out a command. A start resolves at once with ok (how it went arrives as
   * events); the others resolve with the manager's answer, its error as a Python repr.
   */
  async execute(command: EngineCommand): Promise<CommandOutcome> {
    if (command.kind === "start") {
      this.#start(command.plan, command.params);
      return { ok: true };
    }
    try {
      await this.#manager.control(command);
      return { ok: true };
    } catch (error) {
      return { ok: false, exception: errorRepr(error) };
    }
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #start(plan: string, params: PlanParams | undefined): void {
    let item: QueueItem;
    try {
      item = this.#manager.executeItem(
        { item_type: "plan", name: plan, kwargs: { ...params } },
        this.#by,
      );
    } catch (error) {
      this.#emit({ kind: "exception", planName: plan, error: errorRepr(error) });
      return;
    }
    // The outcome is in the history once the manager is idle again, after the run's events.
    // Should recording it fail, the manager has its own report of that; this one has none.
    void this.#manager.idle().then(
      () => this.#reportFailure(item),
      () => undefined,
    );
  }

  #reportFailure(item: QueueItem): void {
    const reason = this.#stopReason;
    this.#stopReason = undefined;
    let failure: string | undefined;
    if (this.#history !== undefined) {
      const result = this.#history.find(item.item_uid)?.result;
      if (result?.exit_status === "failed") failure = result.msg;
    } else {
      failure = reason;
    }
    if (failure !== undefined)
      this.#emit({ kind: "exception", planName: item.name, error: failure });
  }

  #managerEvent(managerEvent: ManagerEvent): void {
    if (managerEvent.kind !== "environment") return;
    const { event, item } = managerEvent;
    if (event.kind === "re_state") {
      this.#follow(item);
      this.#snapshot = { ...this.#snapshot, state: event.state };
      this.#emit({ kind: "state", ...this.#snapshot, oldState: event.old });
    } else if (event.kind === "document") {
      this.#follow(item);
      const [name, doc] = event.document;
      if (name === "start") {
        this.#snapshot = {
          ...this.#snapshot,
          runUid: doc.uid,
          runStartTime: pythonIsoTime(doc.time),
        };
      } else if (name === "stop" && doc.exit_status === "fail") {
        this.#stopReason = doc.reason ?? "";
      }
    }
  }

  /**
   * A new item: its plan's name, and no run until its first start document (so the state
   * that starts a plan carries no uid rather than the previous run's).
   */
  #follow(item: QueueItem | undefined): void {
    if (item === undefined || item.item_uid === this.#itemUid) return;
    this.#itemUid = item.item_uid;
    this.#stopReason = undefined;
    this.#snapshot = { ...this.#snapshot, planName: item.name, runUid: null, runStartTime: null };
  }

  #emit(event: EngineEvent): void {
    if (this.#closed) return;
    for (const listener of [...this.#listeners]) listener(event);
  }
}

/** An error as Python's repr shows an exception: `Name('message')`. */
export function errorRepr(error: unknown): string {
  if (error instanceof Error) return `${error.name}(${pythonRepr(error.message)})`;
  return `Exception(${pythonRepr(String(error))})`;
}

/**
 * A start document's time as Python's `datetime.fromtimestamp(t, timezone.utc).isoformat()`
 * writes it: microseconds only when there are some.
 */
export function pythonIsoTime(seconds: number): string {
  let whole = Math.floor(seconds);
  let micros = Math.round((seconds - whole) * 1e6);
  if (micros === 1e6) {
    whole += 1;
    micros = 0;
  }
  const base = new Date(whole * 1000).toISOString().slice(0, 19);
  const fraction = micros === 0 ? "" : `.${String(micros).padStart(6, "0")}`;
  return `${base}${fraction}+00:00`;
}
