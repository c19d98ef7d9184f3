import type { ChildProcess } from "node:child_process";
import type { NamedDocument } from "../../../core/index.js";
import type { RunEngineState } from "../../../engine/index.js";
import type { JsonValue } from "../../json-value.js";
import type { QueueItem } from "../../queue/index.js";
import type {
  AllowedResources,
  EngineControl,
  Environment,
  EnvironmentEvent,
  EnvironmentListener,
  EnvironmentState,
  PlanOutcome,
} from "../environment.js";
import type { FromWorker, ToWorker } from "./worker-messages.js";
import { fromWorkerSchema, heartbeatInterval } from "./worker-messages.js";

/** Checks items against the plans and devices a worker described, without asking it. */
export type ItemCheckerFactory = (
  allowed: AllowedResources,
) => (item: QueueItem) => string | undefined;

export interface WorkerEnvironmentOptions {
  /** Starts the worker: a forked process that calls `serveEnvironment`. */
  fork: () => ChildProcess;
  checker: ItemCheckerFactory;
  /** Seconds without a heartbeat before the worker is reported unresponsive. */
  heartbeatTimeout?: number;
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * An environment in a forked worker process, so a plan that freezes its event loop can be
 * killed (`destroy`) while the manager, its queue and its faces carry on. Items are checked
 * here, against what the worker described when it opened.
 */
export class WorkerEnvironment implements Environment {
  readonly #options: WorkerEnvironmentOptions;
  readonly #listeners = new Set<EnvironmentListener>();
  #child: ChildProcess | undefined;
  #state: EnvironmentState = "closed";
  #reState: RunEngineState | null = null;
  #allowed: AllowedResources | undefined;
  #check: ((item: QueueItem) => string | undefined) | undefined;
  #opening: Pending<void> | undefined;
  #closing: Pending<void> | undefined;
  #outcome: Pending<PlanOutcome> | undefined;
  readonly #controls = new Map<number, Pending<void>>();
  readonly #queries = new Map<number, Pending<JsonValue>>();
  #nextControl = 1;
  #lastHeard = 0;
  #watchdog: NodeJS.Timeout | undefined;
  #warned = false;

  constructor(options: WorkerEnvironmentOptions) {
    this.#options = options;
  }

  get state(): EnvironmentState {
    return this.#state;
  }

  get reState(): RunEngineState | null {
    return this.#reState;
  }

  get allowed(): AllowedResources | undefined {
    return this.#allowed;
  }

  /** The worker's process id while it lives. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  check(item: QueueItem): string | undefined {
    return this.#check === undefined ? "the environment has not opened yet" : this.#check(item);
  }

  async open(): Promise<void> {
    if (this.#child !== undefined)
      throw new Error(`cannot open the environment while it is ${this.#state}`);
    const child = this.#options.fork();
    this.#child = child;
    this.#lastHeard = Date.now();
    this.#setState("initializing");
    child.on("message", (raw) => this.#receive(raw));
    child.on("exit", (code, signal) => this.#exited(child, code, signal));
    this.#startWatchdog();
    const opened = new Promise<void>((resolve, reject) => (this.#opening = { resolve, reject }));
    this.#send({ type: "open" });
    await opened;
  }

  async close(): Promise<void> {
    if (this.#state !== "idle")
      throw new Error(`cannot close the environment while it is ${this.#state}`);
    const closed = new Promise<void>((resolve, reject) => (this.#closing = { resolve, reject }));
    this.#send({ type: "close" });
    await closed;
    const child = this.#child;
    if (child) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
    }
  }

  async destroy(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#setState("closing");
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  execute(item: QueueItem): Promise<PlanOutcome> {
    if (this.#state !== "idle" || this.#outcome !== undefined) {
      return Promise.resolve(failed(`cannot run a plan while the environment is ${this.#state}`));
    }
    const outcome = new Promise<PlanOutcome>(
      (resolve, reject) => (this.#outcome = { resolve, reject }),
    );
    this.#send({ type: "execute", item });
    return outcome;
  }

  control(request: EngineControl): Promise<void> {
    if (this.#child === undefined) return Promise.reject(new Error("the environment is closed"));
    const id = this.#nextControl++;
    const done = new Promise<void>((resolve, reject) =>
      this.#controls.set(id, { resolve, reject }),
    );
    this.#send({ type: "control", id, request });
    return done;
  }

  query(request: JsonValue): Promise<JsonValue> {
    if (this.#child === undefined) return Promise.reject(new Error("the environment is closed"));
    const id = this.#nextControl++;
    const answered = new Promise<JsonValue>((resolve, reject) =>
      this.#queries.set(id, { resolve, reject }),
    );
    this.#send({ type: "query", id, request });
    return answered;
  }

  sendToItem(itemUid: string, message: JsonValue): void {
    this.#send({ type: "item_message", item_uid: itemUid, message });
  }

  subscribe(listener: EnvironmentListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #send(message: ToWorker): void {
    this.#child?.send(message);
  }

  #receive(raw: unknown): void {
    this.#lastHeard = Date.now();
    if (this.#warned) {
      this.#warned = false;
      this.#emit({ kind: "console", line: "the environment worker answers again" });
    }
    const parsed = fromWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      this.#emit({
        kind: "console",
        line: `the environment worker sent an unreadable message: ${JSON.stringify(raw)}`,
      });
      return;
    }
    const message: FromWorker = parsed.data;
    switch (message.type) {
      case "heartbeat":
        return;
      case "event":
        return this.#event(message.event as EnvironmentEvent);
      case "opened":
        this.#allowed = message.allowed;
        this.#reState = "idle";
        this.#check = this.#options.checker(message.allowed);
        this.#settle("opening", undefined);
        return;
      case "open_failed":
        this.#settle("opening", new Error(message.error));
        return;
      case "closed":
        this.#settle("closing", message.error === undefined ? undefined : new Error(message.error));
        return;
      case "outcome": {
        const pending = this.#outcome;
        this.#outcome = undefined;
        pending?.resolve(message.outcome);
        return;
      }
      case "control_done": {
        const pending = this.#controls.get(message.id);
        this.#controls.delete(message.id);
        if (message.error === undefined) pending?.resolve();
        else pending?.reject(new Error(message.error));
        return;
      }
      case "answer": {
        const pending = this.#queries.get(message.id);
        this.#queries.delete(message.id);
        if (message.error === undefined) pending?.resolve(message.answer ?? null);
        else pending?.reject(new Error(message.error));
        return;
      }
    }
  }

  #event(event: EnvironmentEvent): void {
    if (event.kind === "environment") this.#state = event.state;
    if (event.kind === "re_state") this.#reState = event.state;
    if (event.kind === "document") {
      // Checked as JSON on arrival; its shape is the engine's, which made it.
      this.#emit({ kind: "document", document: event.document as unknown as NamedDocument });
      return;
    }
    this.#emit(event);
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    clearInterval(this.#watchdog);
    const how = signal === null ? `exited with code ${code}` : `was killed (${signal})`;
    const error = new Error(`the environment worker ${how}`);
    this.#settle("opening", error);
    this.#settle("closing", undefined);
    const outcome = this.#outcome;
    this.#outcome = undefined;
    outcome?.resolve(failed(error.message));
    for (const pending of this.#controls.values()) pending.reject(error);
    this.#controls.clear();
    for (const pending of this.#queries.values()) pending.reject(error);
    this.#queries.clear();
    this.#reState = null;
    const expected = this.#state === "closing" || this.#state === "closed";
    if (expected) this.#setState("closed");
    else this.#setState("failed", error.message);
  }

  #startWatchdog(): void {
    const timeout = (this.#options.heartbeatTimeout ?? 5 * heartbeatInterval) * 1000;
    this.#watchdog = setInterval(() => {
      // Opening may take as long as devices take to connect; a plan must not freeze the loop.
      if (this.#state === "initializing") return;
      if (this.#warned || Date.now() - this.#lastHeard < timeout) return;
      this.#warned = true;
      const seconds = Math.round((Date.now() - this.#lastHeard) / 1000);
      this.#emit({
        kind: "console",
        line: `the environment worker has not answered for ${seconds} s; destroy the environment if it is frozen`,
      });
    }, heartbeatInterval * 1000);
    this.#watchdog.unref();
  }

  #settle(which: "opening" | "closing", error: Error | undefined): void {
    const pending = which === "opening" ? this.#opening : this.#closing;
    if (which === "opening") this.#opening = undefined;
    else this.#closing = undefined;
    if (error === undefined) pending?.resolve();
    else pending?.reject(error);
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

function failed(msg: string): PlanOutcome {
  return { exit_status: "failed", run_uids: [], scan_ids: [], msg, traceback: "" };
}
