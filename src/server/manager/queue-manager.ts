import { randomUUID } from "node:crypto";
import type { DocumentOutlets } from "../../callbacks/index.js";
import type { JsonValue } from "../json-value.js";
import type {
  ItemSubmission,
  QueueItem,
  QueueStore,
  StoredResources,
  Submitter,
} from "../queue/index.js";
import { QueueError } from "../queue/index.js";
import { newItem } from "../queue/plan-queue.js";
import type {
  AllowedResources,
  EngineControl,
  Environment,
  EnvironmentEvent,
  PlanOutcome,
} from "./environment.js";
import type { ManagerState, ManagerStatus } from "./manager-status.js";
import type { ItemCheckerFactory } from "./worker/worker-environment.js";
import { dataOutStatus, queueStatus } from "./manager-status.js";

/** What the manager tells its faces: its status, and the environment's news with the item it concerns. */
export type ManagerEvent =
  | { readonly kind: "status"; readonly status: ManagerStatus }
  | {
      readonly kind: "environment";
      readonly event: EnvironmentEvent;
      /** The item running when it happened, if any. */
      readonly item: QueueItem | undefined;
    };

export type ManagerListener = (event: ManagerEvent) => void;

/** How often the status's data_out is compared with the outlets' state, in milliseconds. */
const OUTLET_STATUS_MS = 1000;

export interface QueueManagerOptions {
  store: QueueStore;
  environment: Environment;
  /**
   * Checks items against described plans and devices without the environment: with it,
   * items are checked while the environment is closed, against what it last described.
   */
  checker?: ItemCheckerFactory;
  /** Where the documents of every plan also go; their state is in the status's `data_out`. */
  outlets?: DocumentOutlets;
}

/**
 * The queue server's manager: it runs the queue's items one by one in its environment,
 * records each outcome in the history (pushing a failed, aborted or halted plan back to the
 * front), passes RunEngine requests on, and tells its listeners whenever its status changed.
 * It keeps no state a restart would need: that is all in the store.
 */
export class QueueManager {
  readonly #store: QueueStore;
  readonly #environment: Environment;
  readonly #checker: ItemCheckerFactory | undefined;
  readonly #outlets: DocumentOutlets | undefined;
  #outletWatch: NodeJS.Timeout | undefined;
  #lastDataOut = "";
  #storedCheck: ((item: QueueItem) => string | undefined) | undefined;
  readonly #listeners = new Set<ManagerListener>();
  readonly #unwatch: Array<() => void> = [];
  #base: ManagerState = "idle";
  #stopPending = false;
  #pausePending = false;
  #running: QueueItem | undefined;
  #allowedUid = randomUUID();
  #statusQueued = false;
  #queueDone: Promise<void> = Promise.resolve();

  constructor(options: QueueManagerOptions) {
    this.#store = options.store;
    this.#environment = options.environment;
    this.#checker = options.checker;
    this.#outlets = options.outlets;
    // The outlets change on their own (sent, dropped after a timeout): their news is polled.
    if (this.#outlets) {
      this.#outletWatch = setInterval(() => this.#outletsChanged(), OUTLET_STATUS_MS).unref();
    }
    this.#recoverInterruptedItem();
    this.#unwatch.push(
      this.#store.watch(() => {
        this.#statusChanged();
        this.#maybeAutostart();
      }),
      this.#environment.subscribe((event) => this.#environmentEvent(event)),
    );
  }

  status(): ManagerStatus {
    const environment = this.#environment;
    return queueStatus(this.#store, {
      manager_state: this.managerState,
      queue_stop_pending: this.#stopPending,
      worker_environment_exists: environment.state !== "closed" && environment.state !== "failed",
      worker_environment_state: environment.state,
      re_state: environment.reState,
      pause_pending: this.#pausePending,
      plans_allowed_uid: this.#allowedUid,
      devices_allowed_uid: this.#allowedUid,
      data_out: this.#outlets?.status().map(dataOutStatus) ?? [],
    });
  }

  get managerState(): ManagerState {
    const executing = this.#base === "executing_queue" || this.#base === "executing_item";
    return executing && this.#environment.reState === "paused" ? "paused" : this.#base;
  }

  /** The plans and devices of the environment, or those it last described before it closed. */
  get allowed(): AllowedResources | undefined {
    return this.#environment.allowed ?? this.#store.resources;
  }

  /** The item now running, if any. */
  get runningItem(): QueueItem | undefined {
    return this.#running;
  }

  /** Why an item may not enter the queue, or undefined; checked against the open environment. */
  readonly check = (item: QueueItem): string | undefined => {
    if (item.item_type === "instruction") {
      return item.name === "queue_stop" ? undefined : `unknown instruction '${item.name}'`;
    }
    if (this.#environment.allowed !== undefined) return this.#environment.check(item);
    const stored = this.#store.resources;
    if (stored === undefined || this.#checker === undefined) {
      return "the plans are not known yet: open the environment first";
    }
    this.#storedCheck ??= this.#checker(stored);
    return this.#storedCheck(item);
  };

  subscribe(listener: ManagerListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async openEnvironment(): Promise<void> {
    this.#requireIdle("open the environment");
    const state = this.#environment.state;
    if (state !== "closed" && state !== "failed") {
      throw new QueueError(`the environment is already ${state}`);
    }
    await this.#while("creating_environment", () => this.#environment.open());
    const allowed = this.#environment.allowed;
    if (allowed !== undefined) {
      this.#store.resources = JSON.parse(JSON.stringify(allowed)) as StoredResources;
      this.#storedCheck = undefined;
    }
    this.#allowedUid = randomUUID();
    this.#statusChanged();
    this.#maybeAutostart();
  }

  async closeEnvironment(): Promise<void> {
    this.#requireIdle("close the environment");
    if (this.#environment.state !== "idle") {
      throw new QueueError(`the environment is ${this.#environment.state}, not open and idle`);
    }
    await this.#while("closing_environment", () => this.#environment.close());
  }

  /** Kills the environment whatever it does; a plan it ran goes back to the queue's front. */
  async destroyEnvironment(): Promise<void> {
    if (this.#environment.state === "closed") throw new QueueError("the environment is closed");
    this.#stopPending = true;
    this.#base = "destroying_environment";
    this.#statusChanged();
    await this.#environment.destroy();
    await this.#queueDone;
    this.#stopPending = false;
    this.#base = "idle";
    this.#statusChanged();
  }

  /** Starts running the queue; resolves once it has started (not when it is done). */
  startQueue(): void {
    this.#requireIdle("start the queue");
    if (this.#environment.state !== "idle") {
      throw new QueueError(`the environment is ${this.#environment.state}; open it first`);
    }
    if (this.#store.queue.size() === 0) throw new QueueError("the queue is empty");
    this.#stopPending = false;
    this.#queueDone = this.#runQueue();
  }

  /** Stops the queue after the running plan ends. */
  stopQueue(): void {
    if (this.#base !== "executing_queue") throw new QueueError("the queue is not running");
    this.#stopPending = true;
    this.#statusChanged();
  }

  cancelStop(): void {
    this.#stopPending = false;
    this.#statusChanged();
  }

  setAutostart(enable: boolean): void {
    this.#store.queue.setAutostart(enable);
    this.#maybeAutostart();
  }

  /**
   * Runs one item at once without its entering the queue (it goes to the history only);
   * returns the item as it started, before it finishes; `onDone` gets how it ended once it
   * is in the history.
   */
  executeItem(
    submission: ItemSubmission,
    by: Submitter,
    onDone?: (outcome: PlanOutcome) => void,
  ): QueueItem {
    this.#requireIdle("execute an item");
    if (this.#environment.state !== "idle") {
      throw new QueueError(`the environment is ${this.#environment.state}; open it first`);
    }
    if (submission.item_type !== "plan") throw new QueueError("only a plan can be executed");
    const item = newItem(submission, by);
    const problem = this.check(item);
    if (problem !== undefined) throw new QueueError(`item '${item.name}' refused: ${problem}`);
    this.#store.running.start(item);
    this.#base = "executing_item";
    this.#queueDone = this.#runOne(item, { outsideQueue: true }).then((outcome) => {
      this.#base = "idle";
      this.#statusChanged();
      onDone?.(outcome);
    });
    return item;
  }

  /** Passes a RunEngine request on (re_pause, re_resume, re_stop, re_abort, re_halt). */
  async control(request: EngineControl): Promise<void> {
    if (this.#running === undefined) throw new QueueError("no plan is running");
    try {
      await this.#environment.control(request);
    } catch (error) {
      throw new QueueError((error as Error).message);
    }
    if (request.kind === "pause") this.#pausePending = true;
    if (request.kind === "stop" || request.kind === "abort" || request.kind === "halt") {
      this.#store.queue.setAutostart(false);
    }
    this.#statusChanged();
  }

  /** Passes `message` to the plan of the running item `itemUid` through the environment. */
  sendToItem(itemUid: string, message: JsonValue): void {
    if (this.#running?.item_uid !== itemUid) {
      throw new QueueError(`item ${itemUid} is not running`);
    }
    this.#environment.sendToItem(itemUid, message);
  }

  /** Asks the open environment a question its plan source answers (see PlanSource.query). */
  async query(request: JsonValue): Promise<JsonValue> {
    try {
      return await this.#environment.query(request);
    } catch (error) {
      throw new QueueError((error as Error).message);
    }
  }

  /** Resolves when the queue (or the executed item) has stopped running. */
  idle(): Promise<void> {
    return this.#queueDone;
  }

  /** Stops listening; the environment is the caller's to close. */
  close(): void {
    clearInterval(this.#outletWatch);
    for (const unwatch of this.#unwatch.splice(0)) unwatch();
  }

  async #runQueue(): Promise<void> {
    this.#base = "executing_queue";
    this.#statusChanged();
    try {
      for (;;) {
        if (this.#stopPending || this.#environment.state !== "idle") break;
        const next = this.#store.running.startNext();
        if (next === undefined) break;
        if (!next.running) {
          // The only instruction: stop the queue here.
          this.#store.queue.setAutostart(false);
          break;
        }
        const outcome = await this.#runOne(next.item, {});
        if (!this.#continuesAfter(outcome)) {
          this.#store.queue.setAutostart(false);
          break;
        }
      }
    } finally {
      this.#stopPending = false;
      this.#base = "idle";
      this.#statusChanged();
    }
  }

  async #runOne(item: QueueItem, options: { outsideQueue?: boolean }): Promise<PlanOutcome> {
    this.#running = item;
    this.#pausePending = false;
    this.#statusChanged();
    const outcome = await this.#environment.execute(item);
    this.#running = undefined;
    // A deferred pause that found no checkpoint left lets the plan end, then stops the queue.
    if (this.#pausePending) this.#stopPending = true;
    this.#pausePending = false;
    const destroyed = this.#base === "destroying_environment";
    const result = destroyed
      ? {
          ...outcome,
          exit_status: "unknown" as const,
          msg: "the environment was destroyed while the plan ran",
        }
      : outcome;
    this.#store.running.finish(
      { ...result, run_uids: [...result.run_uids], scan_ids: [...result.scan_ids] },
      destroyed ? { ...options, pushBack: true } : options,
    );
    return result;
  }

  #continuesAfter(outcome: PlanOutcome): boolean {
    switch (outcome.exit_status) {
      case "completed":
        return true;
      case "failed":
        return this.#store.queue.mode().ignore_failures;
      default:
        return false;
    }
  }

  /** An item left running by a server that was killed goes to the history, and back to the front. */
  #recoverInterruptedItem(): void {
    if (this.#store.queue.runningItem() === undefined) return;
    this.#store.running.finish(
      { exit_status: "unknown", msg: "the server stopped while the plan ran" },
      { pushBack: true },
    );
  }

  #maybeAutostart(): void {
    if (!this.#store.queue.autostart() || this.#base !== "idle") return;
    if (this.#environment.state !== "idle" || this.#store.queue.size() === 0) return;
    this.startQueue();
  }

  async #while(state: ManagerState, work: () => Promise<void>): Promise<void> {
    this.#base = state;
    this.#statusChanged();
    try {
      await work();
    } catch (error) {
      throw new QueueError((error as Error).message);
    } finally {
      this.#base = "idle";
      this.#statusChanged();
    }
  }

  #requireIdle(what: string): void {
    if (this.#base !== "idle")
      throw new QueueError(`cannot ${what} while the manager is ${this.managerState}`);
  }

  #environmentEvent(event: EnvironmentEvent): void {
    if (event.kind === "document") this.#outlets?.callback(...event.document);
    if (event.kind === "re_state" && event.state === "paused") this.#pausePending = false;
    this.#emit({ kind: "environment", event, item: this.#running });
    if (event.kind === "environment" || event.kind === "re_state") this.#statusChanged();
  }

  #outletsChanged(): void {
    const now = JSON.stringify(this.#outlets?.status());
    if (now === this.#lastDataOut) return;
    this.#lastDataOut = now;
    this.#statusChanged();
  }

  /** Coalesces the changes of one turn of the event loop into one status event. */
  #statusChanged(): void {
    if (this.#statusQueued) return;
    this.#statusQueued = true;
    queueMicrotask(() => {
      this.#statusQueued = false;
      if (this.#listeners.size > 0) this.#emit({ kind: "status", status: this.status() });
    });
  }

  #emit(event: ManagerEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}
