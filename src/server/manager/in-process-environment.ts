import type { Clock, DocumentCallback, NamedDocument, Plan } from "../../core/index.js";
import type { RunEngineState } from "../../engine/index.js";
import { RunEngine, RunInterruptedError } from "../../engine/index.js";
import { injectMdWrapper } from "../../plans/index.js";
import type { JsonValue } from "../json-value.js";
import type { QueueItem } from "../queue/index.js";
import type {
  AllowedResources,
  EngineControl,
  Environment,
  EnvironmentEvent,
  EnvironmentListener,
  EnvironmentState,
  ItemChannel,
  PlanOutcome,
  PlanSource,
} from "./environment.js";
import { jsonOrUndefined } from "./json-copy.js";

/** What opening an environment made: its plans, the engine's settings and how to undo it. */
export interface OpenedEnvironment {
  readonly plans: PlanSource;
  readonly clock: Clock;
  /** Metadata of every run (the beamline's). */
  readonly md?: Record<string, unknown>;
  readonly scanIdFile?: string;
  /** Callbacks for one item's documents (files written, a live table), if any. */
  readonly documentsOf?: (item: QueueItem) => DocumentCallback | undefined;
  /** Closes the devices. */
  close(): Promise<void>;
}

/**
 * An environment in this process: the RunEngine runs on the caller's event loop, so a
 * virtual clock stays deterministic. `open` builds the devices and catalog each time the
 * environment opens.
 */
export class InProcessEnvironment implements Environment {
  readonly #open: (console: (line: string) => void) => Promise<OpenedEnvironment>;
  readonly #listeners = new Set<EnvironmentListener>();
  #state: EnvironmentState = "closed";
  #opened: OpenedEnvironment | undefined;
  #engine: RunEngine | undefined;
  #allowed: AllowedResources | undefined;
  /** The last stop request of the running plan: a run that then ends normally was stopped. */
  #stopRequested = false;
  /** The running item and the listeners of its channel. */
  #item:
    { readonly uid: string; readonly listeners: Set<(message: JsonValue) => void> } | undefined;

  /** `open` builds what the environment holds; `console` shows a line to the server's users. */
  constructor(open: (console: (line: string) => void) => Promise<OpenedEnvironment>) {
    this.#open = open;
  }

  get state(): EnvironmentState {
    return this.#state;
  }

  get reState(): RunEngineState | null {
    return this.#engine?.state ?? null;
  }

  get allowed(): AllowedResources | undefined {
    return this.#allowed;
  }

  check(item: QueueItem): string | undefined {
    if (this.#opened === undefined) return "the environment is not open";
    return this.#opened.plans.check(item);
  }

  async open(): Promise<void> {
    if (this.#state !== "closed" && this.#state !== "failed") {
      throw new Error(`cannot open the environment while it is ${this.#state}`);
    }
    this.#setState("initializing");
    let opened: OpenedEnvironment;
    try {
      opened = await this.#open((line) => this.#emit({ kind: "console", line }));
    } catch (error) {
      this.#setState("failed", (error as Error).message);
      throw error;
    }
    this.#opened = opened;
    this.#allowed = opened.plans.allowed;
    this.#engine = new RunEngine({
      clock: opened.clock,
      md: opened.md,
      scanIdFile: opened.scanIdFile,
      stateHook: (state, old) => this.#emit({ kind: "re_state", state, old }),
      log: (message, error) => {
        const why = error === undefined ? "" : `: ${(error as Error).message ?? String(error)}`;
        this.#emit({ kind: "console", line: `${message}${why}` });
      },
    });
    this.#setState("idle");
  }

  async close(): Promise<void> {
    if (this.#state === "executing_plan") {
      throw new Error(
        "cannot close the environment while a plan runs; stop it or destroy the environment",
      );
    }
    if (this.#state !== "idle")
      throw new Error(`cannot close the environment while it is ${this.#state}`);
    this.#setState("closing");
    await this.#release();
  }

  async destroy(): Promise<void> {
    if (this.#state === "closed") return;
    // Nothing can be killed in this process: halt what runs, then let go of the devices.
    const engine = this.#engine;
    if (engine && engine.state !== "idle") {
      try {
        engine.halt("the environment was destroyed");
      } catch {
        // Already ending.
      }
    }
    this.#setState("closing");
    await this.#release();
  }

  async execute(item: QueueItem): Promise<PlanOutcome> {
    const opened = this.#opened;
    const engine = this.#engine;
    if (!opened || !engine || this.#state !== "idle") {
      return failedOutcome(`cannot run a plan while the environment is ${this.#state}`);
    }
    const running = { uid: item.item_uid, listeners: new Set<(message: JsonValue) => void>() };
    const channel: ItemChannel = {
      send: (message) => {
        if (this.#item === running) {
          this.#emit({ kind: "item", item_uid: running.uid, message });
        }
      },
      onMessage: (listener) => {
        running.listeners.add(listener);
        return () => running.listeners.delete(listener);
      },
    };
    let plan: Plan<unknown>;
    this.#item = running;
    try {
      plan = opened.plans.build(item, channel);
    } catch (error) {
      this.#item = undefined;
      return failedOutcome((error as Error).message, (error as Error).stack);
    }
    const runUids: string[] = [];
    const scanIds: number[] = [];
    const files = opened.documentsOf?.(item);
    const forward: DocumentCallback = (...document: NamedDocument) => {
      if (document[0] === "start") {
        runUids.push(document[1].uid);
        if (typeof document[1].scan_id === "number") scanIds.push(document[1].scan_id);
      }
      this.#emit({ kind: "document", document });
      return files?.(...document);
    };
    const returned: { value?: unknown } = {};
    function* capturing(): Plan<unknown> {
      returned.value = yield* plan;
      return returned.value;
    }
    this.#stopRequested = false;
    this.#setState("executing_plan");
    try {
      await engine.run(injectMdWrapper(capturing(), { queue_item_uid: item.item_uid }), forward);
      const stopped = this.#stopRequested;
      const value = jsonOrUndefined(returned.value);
      return {
        exit_status: stopped ? "stopped" : "completed",
        run_uids: runUids,
        scan_ids: scanIds,
        msg: "",
        traceback: "",
        ...(value === undefined ? {} : { return_value: value }),
      };
    } catch (error) {
      const exit = error instanceof RunInterruptedError ? interruption(error) : "failed";
      const { message, stack = "" } = error as Error;
      return {
        exit_status: exit,
        run_uids: runUids,
        scan_ids: scanIds,
        msg: message,
        traceback: stack,
      };
    } finally {
      if (this.#item === running) this.#item = undefined;
      if (this.state === "executing_plan") this.#setState("idle");
    }
  }

  async query(request: JsonValue): Promise<JsonValue> {
    const plans = this.#opened?.plans;
    if (plans === undefined) throw new Error(`the environment is ${this.#state}`);
    if (plans.query === undefined) throw new Error("the environment answers no queries");
    return plans.query(request);
  }

  sendToItem(itemUid: string, message: JsonValue): void {
    const running = this.#item;
    if (running === undefined || running.uid !== itemUid) return;
    for (const listener of [...running.listeners]) listener(message);
  }

  async control(request: EngineControl): Promise<void> {
    const engine = this.#engine;
    if (!engine) throw new Error(`the environment is ${this.#state}: no plan runs`);
    switch (request.kind) {
      case "pause":
        return engine.requestPause(request.defer);
      case "resume":
        return engine.resume();
      case "stop":
        engine.stop();
        this.#stopRequested = true;
        return;
      case "abort":
        return engine.abort();
      case "halt":
        return engine.halt();
    }
  }

  subscribe(listener: EnvironmentListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #release(): Promise<void> {
    const opened = this.#opened;
    this.#opened = undefined;
    this.#engine = undefined;
    try {
      await opened?.close();
    } finally {
      this.#setState("closed");
    }
  }

  #setState(state: EnvironmentState, error?: string): void {
    this.#state = state;
    this.#emit(
      error === undefined ? { kind: "environment", state } : { kind: "environment", state, error },
    );
  }

  #emit(event: EnvironmentEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }
}

function interruption(error: RunInterruptedError): "aborted" | "halted" {
  return error.code === "HIL_RUN_HALTED" ? "halted" : "aborted";
}

function failedOutcome(msg: string, traceback = ""): PlanOutcome {
  return { exit_status: "failed", run_uids: [], scan_ids: [], msg, traceback };
}
