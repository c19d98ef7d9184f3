import type { Clock, DocumentCallback, DocumentName, Msg, Plan, Status } from "../core/index.js";
import type { Logger, SubscribeOptions } from "./dispatcher.js";
import { Dispatcher } from "./dispatcher.js";
import { EngineStateError, RequestAbort, RequestStop, RunInterruptedError } from "./errors.js";
import { Execution, INTERRUPTED } from "./execution.js";
import type { Decision, RunEngineState, StateHook } from "./state.js";
import type { SuspenderLike, Suspension } from "./suspenders.js";
import { randomUuids } from "./uids.js";

export interface RunEngineOptions {
  clock: Clock;
  /** Metadata merged into every start document. */
  md?: Record<string, unknown>;
  /** Keeps scan_id across sessions in this JSON file. */
  scanIdFile?: string;
  stateHook?: StateHook;
  /** Told which statuses a `wait` waits on (and undefined when done): for progress bars. */
  waitingHook?: (statuses: readonly Status[] | undefined) => void;
  log?: Logger;
  newUid?: () => string;
}

/** Subscriptions for one run: a callback, several, or one per document name. */
export type RunSubscriptions =
  | DocumentCallback
  | readonly DocumentCallback[]
  | Partial<Record<DocumentName | "all", DocumentCallback>>;

type Request = { kind: "pause"; defer: boolean } | Exclude<Decision, { kind: "resume" }>;

/** What wakes a run at rest: a decision, or a pause asked for while suspended. */
type Wake = Decision | { kind: "pause" };

const RESUME: Decision = { kind: "resume" };

/** Where the loop ended: the plan returned (or raised), or a halt abandoned it. */
type LoopEnd = "finished" | { halted: string };

const defaultLog: Logger = (message, error) => console.warn(`RunEngine: ${message}`, error ?? "");

/**
 * Runs plans: the only thing that acts on devices. It turns messages into actions and
 * documents, pauses and resumes by rewinding to the last checkpoint, suspends while a
 * suspender's signal is bad, and always closes the run and unstages what the plan staged.
 */
export class RunEngine {
  readonly clock: Clock;
  readonly md: Record<string, unknown>;
  private readonly options: RunEngineOptions;
  private readonly log: Logger;
  private readonly dispatcher: Dispatcher;
  private readonly suspenders = new Set<SuspenderLike>();
  private currentState: RunEngineState = "idle";
  private execution: Execution | undefined;
  private request: Request | undefined;
  private decide: ((wake: Wake) => void) | undefined;
  /** A wake that came while nothing was waiting for one, e.g. during a suspender's pre-plan. */
  private pendingWake: Wake | undefined;
  /** A device failed to stop on a halt: nothing runs until clearPanic(). */
  private panicked = false;

  constructor(options: RunEngineOptions) {
    this.options = options;
    this.clock = options.clock;
    this.md = { ...options.md };
    this.log = options.log ?? defaultLog;
    this.dispatcher = new Dispatcher(this.log);
  }

  /** uids for the rows of an event page: many at once, unless the caller makes its own. */
  private readonly newUids = (count: number): string[] => {
    const newUid = this.options.newUid;
    return newUid ? Array.from({ length: count }, newUid) : randomUuids(count);
  };

  get state(): RunEngineState {
    return this.currentState;
  }

  /** Subscribes to the documents of every run; returns a token for unsubscribe(). */
  subscribe(
    callback: DocumentCallback,
    options: DocumentName | "all" | SubscribeOptions = {},
  ): number {
    return this.dispatcher.subscribe(
      callback,
      typeof options === "string" ? { name: options } : options,
    );
  }

  unsubscribe(token: number): void {
    this.dispatcher.unsubscribe(token);
  }

  /** Events a lossy subscriber skipped because it fell behind. */
  skipped(token: number): number {
    return this.dispatcher.skipped(token);
  }

  /** Resolves once every lossy subscriber has caught up. */
  lossyIdle(): Promise<void> {
    return this.dispatcher.idle();
  }

  installSuspender(suspender: SuspenderLike): void {
    this.suspenders.add(suspender);
    suspender.attach(this.clock, () => {
      if (this.currentState === "running" || this.currentState === "pausing")
        this.execution?.interrupt();
    });
  }

  removeSuspender(suspender: SuspenderLike): void {
    this.suspenders.delete(suspender);
    suspender.detach();
  }

  /**
   * Runs a plan to its end and returns the uids of the runs it opened. Rejects with the
   * plan's error (the run closed with exit_status "fail"), or a RunInterruptedError after
   * abort() or halt(). A paused run keeps this promise pending until resumed or ended. While
   * a suspender is tripped the plan does not start: it waits for them to clear, as bluesky's.
   */
  async run(plan: Plan<unknown>, subscriptions?: RunSubscriptions): Promise<string[]> {
    if (this.currentState !== "idle")
      throw new EngineStateError(`run() while the engine is ${this.currentState}`);
    const tokens = this.subscribeForRun(subscriptions);
    const execution = new Execution(plan, {
      clock: this.clock,
      dispatcher: this.dispatcher,
      md: this.md,
      scanIdFile: this.options.scanIdFile,
      newUid: this.options.newUid ?? (() => crypto.randomUUID()),
      newUids: this.newUids,
      waitingHook: this.options.waitingHook,
      requestPause: (defer) => this.requestPause(defer),
      log: this.log,
    });
    this.execution = execution;
    this.request = undefined;
    this.pendingWake = undefined;
    this.setState("running");
    let end: LoopEnd = "finished";
    let failure: unknown;
    try {
      const start = await this.startWhenClear();
      if (start.kind === "resume") {
        this.setState("running");
        end = await this.loop(execution);
      } else {
        plan.return(undefined);
        if (start.kind === "halt") end = { halted: start.reason };
        else failure = start.kind === "stop" ? new RequestStop() : new RequestAbort(start.reason);
      }
    } catch (error) {
      failure = error;
    }
    try {
      await this.cleanUp(execution, end, failure);
    } finally {
      for (const token of tokens) this.dispatcher.unsubscribe(token);
      execution.dropSubscriptions();
      this.execution = undefined;
      this.request = undefined;
      this.setState(this.panicked ? "panicked" : "idle");
    }
    const uids = execution.uids;
    if (end !== "finished") throw new RunInterruptedError("halted", end.halted, uids);
    if (failure instanceof RequestAbort)
      throw new RunInterruptedError("aborted", failure.message, uids);
    if (failure !== undefined && !(failure instanceof RequestStop)) throw failure;
    return uids;
  }

  /**
   * Pauses at the next checkpoint (`defer`) or at once, stopping what moves. While suspended
   * it pauses at once, so a person can choose to stop, abort or halt instead of waiting.
   */
  requestPause(defer = false): void {
    if (this.currentState === "suspending") {
      this.wake({ kind: "pause" });
      return;
    }
    if (this.currentState !== "running" && this.currentState !== "pausing") {
      throw new EngineStateError(`cannot pause while ${this.currentState}`);
    }
    const deferredAlready = this.request?.kind === "pause" && this.request.defer;
    if (this.request && !deferredAlready) return;
    this.request = { kind: "pause", defer };
    this.setState("pausing");
    if (!defer) this.execution?.interrupt();
  }

  /** Resumes a paused run from its last checkpoint. */
  resume(): void {
    if (this.currentState !== "paused")
      throw new EngineStateError(`cannot resume while ${this.currentState}`);
    this.wake(RESUME);
  }

  /** Ends the run as a success after the plan's cleanup. */
  stop(): void {
    this.control({ kind: "stop" });
  }

  /** Ends the run with exit_status "abort" after the plan's cleanup. */
  abort(reason = "aborted by request"): void {
    this.control({ kind: "abort", reason });
  }

  /** Ends the run at once: devices stopped, no cleanup, exit_status "abort". */
  halt(reason = "halted by request"): void {
    this.control({ kind: "halt", reason });
  }

  /** Lets a panicked engine run again, once someone has looked at the hardware. */
  clearPanic(): void {
    if (this.currentState !== "panicked") return;
    this.panicked = false;
    this.setState("idle");
  }

  private control(decision: Exclude<Decision, { kind: "resume" }>): void {
    const state = this.currentState;
    if (state === "paused" || state === "suspending") {
      this.wake(decision);
      return;
    }
    // A run ending through its cleanup may still be halted, which skips the rest of it.
    const ending = state === "stopping" || state === "aborting";
    if (!(state === "running" || state === "pausing" || (ending && decision.kind === "halt"))) {
      throw new EngineStateError(`cannot ${decision.kind} while ${state}`);
    }
    this.request = decision;
    this.setState(
      decision.kind === "stop" ? "stopping" : decision.kind === "abort" ? "aborting" : "halting",
    );
    this.execution?.interrupt();
  }

  private async loop(execution: Execution): Promise<LoopEnd> {
    let response: unknown;
    let toThrow: { error: unknown } | undefined;
    for (;;) {
      let msg: Msg | undefined = execution.replay.length > 0 ? execution.replay.shift() : undefined;
      if (!msg) {
        const step = toThrow ? execution.plan.throw(toThrow.error) : execution.plan.next(response);
        toThrow = undefined;
        if (step.done) return "finished";
        msg = step.value;
        execution.record(msg);
      }
      try {
        const reply = execution.process(msg);
        response = reply instanceof Promise ? await reply : reply;
      } catch (error) {
        response = undefined;
        if (error !== INTERRUPTED) toThrow = { error };
      }
      if (this.request === undefined && !this.trippedSuspension()) continue;
      const next = await this.betweenMessages(execution, msg);
      if (next instanceof Error) toThrow = { error: next };
      else if (next) return next;
    }
  }

  /** Acts on a suspension or a request that arrived while a message was processed. */
  private async betweenMessages(
    execution: Execution,
    msg: Msg,
  ): Promise<Error | LoopEnd | undefined> {
    const suspension = this.trippedSuspension();
    if (suspension && (this.currentState === "running" || this.currentState === "pausing")) {
      return this.suspend(execution, suspension);
    }
    const request = this.request;
    if (!request) return undefined;
    if (request.kind === "pause") {
      if (request.defer && msg.command !== "checkpoint") return undefined;
      this.request = undefined;
      return this.pause(execution);
    }
    this.request = undefined;
    return this.end(execution, request);
  }

  private async pause(execution: Execution): Promise<Error | LoopEnd | undefined> {
    if (!execution.cache) {
      this.log("paused where the plan has no checkpoint: it cannot be resumed, so it aborts");
      return this.end(execution, {
        kind: "abort",
        reason: "paused where the plan has no checkpoint",
      });
    }
    await this.comeToRest(execution);
    execution.rewind();
    const decision = await this.restPaused();
    if (decision.kind !== "resume") return this.end(execution, decision);
    await execution.resumeObjects();
    this.setState("running");
    return undefined;
  }

  /** What bluesky does on a pause or a suspension: stop what the run moved, tell devices. */
  private async comeToRest(execution: Execution): Promise<void> {
    await execution.stopTouched();
    await execution.pauseObjects();
  }

  private async suspend(
    execution: Execution,
    suspension: Suspension,
  ): Promise<Error | LoopEnd | undefined> {
    if (!execution.cache) {
      return this.end(execution, {
        kind: "abort",
        reason: `suspended without a checkpoint: ${suspension.justification}`,
      });
    }
    const resumeState = this.currentState;
    this.setState("suspending");
    this.log(`suspending: ${suspension.justification}`);
    await this.comeToRest(execution);
    execution.rewind();
    if (suspension.prePlan) await execution.runInline(suspension.prePlan());
    const decision = await this.waitOut(suspension);
    if (decision.kind !== "resume") return this.end(execution, decision);
    await execution.resumeObjects();
    if (suspension.postPlan) await execution.runInline(suspension.postPlan());
    this.setState(resumeState);
    return undefined;
  }

  /** Before the plan's first message: waits while a suspender is tripped. */
  private async startWhenClear(): Promise<Decision> {
    if (this.suspenders.size === 0) return RESUME;
    await Promise.all([...this.suspenders].map((suspender) => suspender.ready));
    const suspension = this.trippedSuspension();
    if (!suspension) return RESUME;
    this.setState("suspending");
    this.log(`waiting for the suspenders to clear before starting: ${suspension.justification}`);
    return this.waitOut(suspension);
  }

  /**
   * Waits until no suspender is tripped, unless a decision comes first. A pause asked for
   * meanwhile (Ctrl-C) rests in "paused" until resumed, then waits on if still tripped.
   */
  private async waitOut(first: Suspension): Promise<Decision> {
    for (let suspension: Suspension | undefined = first; suspension;) {
      const wake = await Promise.race([
        suspension.cleared.then((): Wake => RESUME),
        this.awaitDecision(),
      ]);
      this.decide = undefined;
      if (wake.kind === "pause") {
        const decision = await this.restPaused();
        if (decision.kind !== "resume") return decision;
        this.setState("suspending");
      } else if (wake.kind !== "resume") {
        return wake;
      }
      suspension = this.trippedSuspension();
    }
    return RESUME;
  }

  /** Rests in "paused" until someone decides; a second pause changes nothing. */
  private async restPaused(): Promise<Decision> {
    this.setState("paused");
    for (;;) {
      const wake = await this.awaitDecision();
      if (wake.kind !== "pause") return wake;
    }
  }

  /**
   * Stop and abort end through the plan's own cleanup, with what moves stopped first; halt
   * abandons the plan (cleanUp() stops what moves, and panics if that fails).
   */
  private async end(
    execution: Execution,
    decision: Exclude<Decision, { kind: "resume" }>,
  ): Promise<Error | LoopEnd> {
    execution.replay = [];
    this.setState(
      decision.kind === "stop" ? "stopping" : decision.kind === "abort" ? "aborting" : "halting",
    );
    if (decision.kind === "halt") return { halted: decision.reason };
    await execution.stopTouched();
    return decision.kind === "stop" ? new RequestStop() : new RequestAbort(decision.reason);
  }

  private awaitDecision(): Promise<Wake> {
    const pending = this.pendingWake;
    if (pending) {
      this.pendingWake = undefined;
      return Promise.resolve(pending);
    }
    return new Promise<Wake>((resolve) => {
      this.decide = (wake) => {
        this.decide = undefined;
        resolve(wake);
      };
    });
  }

  /** Hands a decision to whoever waits for one, or keeps it for the next to wait. */
  private wake(wake: Wake): void {
    if (this.decide) this.decide(wake);
    else this.pendingWake = wake;
  }

  private trippedSuspension(): Suspension | undefined {
    if (this.suspenders.size === 0) return undefined;
    for (const suspender of this.suspenders) {
      if (suspender.suspension) return suspender.suspension;
    }
    return undefined;
  }

  /**
   * As bluesky's RunEngine on the way out, whatever the outcome: stop everything the run set
   * or kicked off (a move the plan never waited for must not outlive it), collect what
   * flyers gathered since the last collect, unstage, close.
   */
  private async cleanUp(execution: Execution, end: LoopEnd, failure: unknown): Promise<void> {
    try {
      const failures = await execution.stopTouched();
      if (end !== "finished") this.panicked ||= failures > 0;
      await execution.collectRest();
      await execution.unstageAll();
      if (end !== "finished") {
        await execution.closeRun("abort", end.halted);
        return;
      }
      if (failure === undefined || failure instanceof RequestStop)
        await execution.closeRun("success", "");
      else if (failure instanceof RequestAbort) await execution.closeRun("abort", failure.message);
      else
        await execution.closeRun(
          "fail",
          failure instanceof Error ? failure.message : String(failure),
        );
    } catch (error) {
      // Only a subscriber refusing the stop document lands here; the run is over regardless.
      this.log("closing the run failed", error);
    }
  }

  private subscribeForRun(subscriptions: RunSubscriptions | undefined): number[] {
    if (!subscriptions) return [];
    if (typeof subscriptions === "function") return [this.subscribe(subscriptions)];
    if (Array.isArray(subscriptions))
      return subscriptions.map((callback: DocumentCallback) => this.subscribe(callback));
    return Object.entries(
      subscriptions as Partial<Record<DocumentName | "all", DocumentCallback>>,
    ).map(([name, callback]) => this.subscribe(callback!, name as DocumentName | "all"));
  }

  private setState(state: RunEngineState): void {
    const previous = this.currentState;
    if (previous === state) return;
    this.currentState = state;
    this.options.stateHook?.(state, previous);
  }
}
