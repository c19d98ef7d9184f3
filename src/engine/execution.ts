import type {
  Clock,
  Flyable,
  Preparable,
  DocumentCallback,
  DocumentName,
  ExitStatus,
  Movable,
  Msg,
  NamedDocument,
  Plan,
  Stageable,
  Stoppable,
} from "../core/index.js";
import { Status, StatusTimeoutError, isPausable, isStoppable } from "../core/index.js";
import type { Dispatcher } from "./dispatcher.js";
import { PlanProtocolError } from "./errors.js";
import { RunBundler } from "./run-bundler.js";
import { nextScanId } from "./scan-id.js";

/** Rejects the message being processed when the engine is interrupted. */
export const INTERRUPTED: unique symbol = Symbol("interrupted");

export interface ExecutionContext {
  clock: Clock;
  dispatcher: Dispatcher;
  md: Record<string, unknown>;
  scanIdFile: string | undefined;
  newUid: () => string;
  newUids: (count: number) => string[];
  waitingHook: ((statuses: readonly Status[] | undefined) => void) | undefined;
  requestPause: (defer: boolean) => void;
  log: (message: string, error?: unknown) => void;
}

/**
 * One run() of a plan: its open run, wait groups, staged and moved devices, and the
 * messages since the last checkpoint, which a pause or a suspension replays.
 */
export class Execution {
  readonly plan: Plan<unknown>;
  readonly uids: string[] = [];
  /** Messages since the last checkpoint; undefined where the plan cannot be rewound. */
  cache: Msg[] | undefined;
  /** Messages being replayed after a rewind. */
  replay: Msg[] = [];
  private readonly context: ExecutionContext;
  private bundler: RunBundler | undefined;
  private groups = new Map<string, Status[]>();
  private readonly staged: Stageable[] = [];
  /** What the run set or kicked off: stopped when it comes to rest and when it ends. */
  private readonly touched = new Set<Movable<unknown> | Flyable | Preparable>();
  /** Every object a message named: told of pauses if Pausable. */
  private readonly seen = new Set<object>();
  private readonly tokens: number[] = [];
  /** The sleep or wait in progress, and how to break it off. */
  private waiting:
    | { breakOff: (reason: typeof INTERRUPTED) => void; onInterrupt: (() => void) | undefined }
    | undefined;
  /** The one status a plain wait is waiting on, and how to end that wait. */
  private awaited: Status | undefined;
  private resolveAwaited: (() => void) | undefined;
  private rejectAwaited: ((reason: unknown) => void) | undefined;

  constructor(plan: Plan<unknown>, context: ExecutionContext) {
    this.plan = plan;
    this.context = context;
  }

  get runOpen(): boolean {
    return this.bundler !== undefined;
  }

  /** Keeps a message the plan sent, for replay after a rewind. */
  record(msg: Msg): void {
    this.cache?.push(msg);
  }

  /** Breaks off a sleep or wait in progress (other messages always finish). */
  interrupt(): void {
    if (this.awaited) {
      const reject = this.rejectAwaited!;
      this.forgetAwaited();
      reject(INTERRUPTED);
      return;
    }
    const waiting = this.waiting;
    if (!waiting) return;
    waiting.onInterrupt?.();
    waiting.breakOff(INTERRUPTED);
  }

  /** Forgets the half-made event and the statuses waited on, for a replay from the checkpoint. */
  rewind(): void {
    this.bundler?.rewind();
    this.groups = new Map();
    this.replay = [...(this.cache ?? [])];
  }

  /**
   * Stops every device the run has set or kicked off, as bluesky does when a run pauses,
   * suspends or ends, whatever the outcome: with `success: true`, so what the engine stops
   * is not reported as a failed move. Counts the devices that failed to stop.
   */
  async stopTouched(): Promise<number> {
    const stoppable = [...this.touched].filter((obj): obj is typeof obj & Stoppable =>
      isStoppable(obj),
    );
    const results = await Promise.allSettled(stoppable.map((obj) => obj.stop({ success: true })));
    let failures = 0;
    results.forEach((result, i) => {
      if (result.status === "fulfilled") return;
      failures++;
      this.context.log(`stopping ${stoppable[i]!.name} failed`, result.reason);
    });
    return failures;
  }

  /** Tells every Pausable device the run has come to rest; its monitors fall silent. */
  async pauseObjects(): Promise<void> {
    this.bundler?.suspendMonitors();
    for (const obj of this.seen) {
      if (!isPausable(obj)) continue;
      await Promise.resolve()
        .then(() => obj.pause())
        .catch((error: unknown) => this.context.log(`pausing ${obj.name} failed`, error));
    }
  }

  /** Tells every Pausable device the run goes on (not when it ends: that is no resume). */
  async resumeObjects(): Promise<void> {
    for (const obj of this.seen) if (isPausable(obj)) await obj.resume();
    this.bundler?.restoreMonitors();
  }

  /** bluesky's backstop: collects what flyers gathered after the plan's last collect. */
  async collectRest(): Promise<void> {
    await this.bundler?.collectRest();
  }

  async unstageAll(): Promise<void> {
    for (const obj of this.staged.splice(0).reverse()) {
      await obj
        .unstage()
        .catch((error: unknown) => this.context.log(`unstaging ${obj.name} failed`, error));
    }
  }

  /** Closes a run the plan left open. */
  async closeRun(exitStatus: ExitStatus, reason: string): Promise<void> {
    const bundler = this.bundler;
    this.bundler = undefined;
    await bundler?.close(exitStatus, reason);
  }

  /** Unsubscribes what the plan subscribed. */
  dropSubscriptions(): void {
    for (const token of this.tokens) this.context.dispatcher.unsubscribe(token);
  }

  /**
   * Acts on one message and gives the response the plan receives: a Promise of it when the
   * work takes time, else the response itself. Only a Promise is awaited: a Status is
   * thenable but no Promise, so it is handed over as it is, not waited on.
   */
  process(msg: Msg): unknown {
    if ("obj" in msg) this.seen.add(msg.obj);
    switch (msg.command) {
      case "set":
        this.touched.add(msg.obj);
        return this.addToGroup(msg.group, msg.obj.set(msg.value));
      case "trigger":
        return this.addToGroup(msg.group, msg.obj.trigger());
      case "prepare":
        // Preparing moves a flyer to its run-up: stopped like a set if the run comes to rest.
        this.touched.add(msg.obj);
        return this.addToGroup(msg.group, msg.obj.prepare(msg.value));
      case "kickoff":
        this.touched.add(msg.obj);
        return this.addToGroup(msg.group, msg.obj.kickoff());
      case "complete":
        return this.addToGroup(msg.group, msg.obj.complete());
      case "create":
        this.requireRun("create").create(msg.stream);
        return undefined;
      case "checkpoint":
        if (this.bundler?.bundling) {
          throw new PlanProtocolError("checkpoint inside a create/save bundle");
        }
        this.restartCache();
        return undefined;
      case "clear_checkpoint":
        this.cache = undefined;
        return undefined;
      case "null":
        return undefined;
      // The messages of every scan point, straight to their work without act()'s frame.
      case "read":
        return this.bundler?.bundling ? this.bundler.read(msg.obj) : msg.obj.read();
      case "wait":
        return this.wait(msg.group, msg.timeout);
      case "save":
        return this.save();
      default:
        return this.act(msg);
    }
  }

  private async act(msg: Msg): Promise<unknown> {
    const { context } = this;
    switch (msg.command) {
      case "open_run":
        return this.openRun(msg.md ?? {});
      case "close_run": {
        const bundler = this.requireRun("close_run");
        await this.closeRun(msg.exitStatus ?? "success", msg.reason ?? "");
        return bundler.runUid;
      }
      case "drop":
        return this.requireRun("drop").drop();
      case "sleep":
        return this.sleep(msg.seconds);
      case "locate":
        return msg.obj.locate();
      case "pause":
        context.requestPause(msg.defer ?? false);
        return undefined;
      case "stage":
        if (!this.staged.includes(msg.obj)) {
          await msg.obj.stage();
          this.staged.push(msg.obj);
        }
        return undefined;
      case "unstage": {
        const index = this.staged.indexOf(msg.obj);
        if (index >= 0) this.staged.splice(index, 1);
        return msg.obj.unstage();
      }
      case "stop":
        return msg.obj.stop();
      case "subscribe":
        return this.subscribe(msg.name, msg.callback);
      case "unsubscribe":
        context.dispatcher.unsubscribe(msg.token);
        return undefined;
      case "configure":
        await msg.obj.configure(msg.settings);
        this.bundler?.configurationChanged(msg.obj);
        return undefined;
      case "declare_stream":
        return this.requireRun("declare_stream").declareStream(
          msg.stream,
          msg.objs,
          msg.collect ? "collect" : "read",
        );
      case "collect":
        return this.requireRun("collect").collect(msg.stream, msg.objs);
      case "monitor":
        return this.requireRun("monitor").monitor(msg.obj, msg.stream ?? `${msg.obj.name}_monitor`);
      case "unmonitor":
        this.requireRun("unmonitor").unmonitor(msg.obj);
        return undefined;
      case "wait_for":
        return this.waitFor(msg.waitables, msg.timeout);
      default:
        throw new PlanProtocolError(`${msg.command} reached the wrong handler`);
    }
  }

  /** Processes a whole plan inline, as a suspender's pre- or post-plan. */
  async runInline(plan: Plan<unknown>): Promise<void> {
    let response: unknown;
    for (let step = plan.next(); !step.done; step = plan.next(response)) {
      const reply = this.process(step.value);
      response = reply instanceof Promise ? await reply : reply;
    }
  }

  private async openRun(md: Record<string, unknown>): Promise<string> {
    if (this.bundler) throw new PlanProtocolError("open_run while a run is open");
    const { context } = this;
    const last = typeof context.md.scan_id === "number" ? context.md.scan_id : 0;
    const scanId = nextScanId(context.scanIdFile, last);
    context.md.scan_id = scanId;
    const emit = (...doc: NamedDocument): Promise<void> | undefined =>
      context.dispatcher.emit(...doc);
    this.bundler = await RunBundler.open(
      { ...context.md, ...md, scan_id: scanId },
      {
        clock: context.clock,
        emit,
        newUid: context.newUid,
        newUids: context.newUids,
        log: context.log,
      },
    );
    this.uids.push(this.bundler.runUid);
    return this.bundler.runUid;
  }

  private requireRun(command: string): RunBundler {
    if (!this.bundler) throw new PlanProtocolError(`${command} outside an open run`);
    return this.bundler;
  }

  private addToGroup(group: string | undefined, status: Status): Status {
    const key = group ?? "";
    const statuses = this.groups.get(key);
    if (statuses) statuses.push(status);
    else this.groups.set(key, [status]);
    return status;
  }

  /** Emits the bundle as an event; undefined when that is done at once. */
  private save(): Promise<void> | undefined {
    const saving = this.requireRun("save").save();
    if (!saving) {
      this.savedEvent();
      return undefined;
    }
    return saving.then(this.savedEvent);
  }

  /** A saved event is a point of no return: a rewind must never repeat it. */
  private readonly savedEvent = (): void => {
    if (this.cache) this.cache.length = 0;
  };

  /** Starts the messages a rewind replays afresh (the old list was copied if replayed). */
  private restartCache(): void {
    if (this.cache) this.cache.length = 0;
    else this.cache = [];
  }

  /** Waits for the statuses of `group`; undefined when there is nothing left to wait for. */
  private wait(group: string | undefined, timeout: number | undefined): Promise<void> | undefined {
    const key = group ?? "";
    const statuses = this.groups.get(key);
    if (!statuses) return undefined;
    this.groups.delete(key);
    // One status, no timeout, nobody watching: the common case of a scan step.
    if (statuses.length === 1 && timeout === undefined && !this.context.waitingHook) {
      return this.waitForOne(statuses[0]!);
    }
    return this.waitForAll(statuses, group, timeout);
  }

  /** Waits on the status's own callback: fewer promise hops than awaiting it. */
  private waitForOne(status: Status): Promise<void> | undefined {
    if (status.success) return undefined;
    if (status.done) throw status.error ?? new Error(`${status.name} failed`);
    const waited = new Promise<void>(this.holdAwaited);
    this.awaited = status;
    status.addCallback(this.awaitedDone);
    return waited;
  }

  private readonly holdAwaited = (resolve: () => void, reject: (reason: unknown) => void): void => {
    this.resolveAwaited = resolve;
    this.rejectAwaited = reject;
  };

  private readonly awaitedDone = (status: Status): void => {
    if (status !== this.awaited) return; // an interrupt ended that wait already
    const resolve = this.resolveAwaited!;
    const reject = this.rejectAwaited!;
    this.forgetAwaited();
    if (status.success) resolve();
    else reject(status.error ?? new Error(`${status.name} failed`));
  };

  private forgetAwaited(): void {
    this.awaited = undefined;
    this.resolveAwaited = undefined;
    this.rejectAwaited = undefined;
  }

  private async waitForAll(
    statuses: Status[],
    group: string | undefined,
    timeout: number | undefined,
  ): Promise<void> {
    const { clock, waitingHook } = this.context;
    waitingHook?.(statuses);
    const waitFor =
      statuses.length === 1 && timeout === undefined
        ? statuses[0]!
        : Status.all(statuses, { clock, timeout, name: `wait for ${group ?? "moves"}` });
    try {
      if (!waitFor.success) await this.interruptible(waitFor);
    } finally {
      waitingHook?.(undefined);
    }
  }

  /** Waits for the promises the waitables make now, interruptibly, with an optional timeout. */
  private async waitFor(
    waitables: ReadonlyArray<() => PromiseLike<unknown>>,
    timeout: number | undefined,
  ): Promise<void> {
    const all = Promise.all(waitables.map((make) => make()));
    if (timeout === undefined) {
      await this.interruptible(all);
      return;
    }
    const controller = new AbortController();
    const expired = this.context.clock
      .sleep(timeout, { signal: controller.signal })
      .then(() => Promise.reject(new StatusTimeoutError("wait_for", timeout)));
    try {
      await this.interruptible(Promise.race([all, expired]));
    } finally {
      controller.abort();
    }
  }

  private async sleep(seconds: number): Promise<void> {
    const controller = new AbortController();
    await this.interruptible(this.context.clock.sleep(seconds, { signal: controller.signal }), () =>
      controller.abort(INTERRUPTED),
    );
  }

  /** `work`, unless an interrupt breaks it off first (without a race's extra promises). */
  private interruptible<T>(work: PromiseLike<T>, onInterrupt?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiting = { breakOff: reject, onInterrupt };
      this.waiting = waiting;
      // Only our own: a later wait may have begun already.
      const release = (): void => {
        if (this.waiting === waiting) this.waiting = undefined;
      };
      work.then(
        (value) => {
          release();
          resolve(value);
        },
        (error: unknown) => {
          release();
          reject(error);
        },
      );
    });
  }

  private subscribe(name: DocumentName | "all", callback: DocumentCallback): number {
    const token = this.context.dispatcher.subscribe(callback, { name });
    this.tokens.push(token);
    return token;
  }
}
