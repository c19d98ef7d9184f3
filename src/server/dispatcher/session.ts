import type { CommandOutcome, EngineCommand, EngineEvent, EngineSnapshot } from "./engine.js";
import { pythonJson } from "../python-json.js";
import type { ControlKind, DispatcherMessage } from "./messages.js";
import {
  BAD_JSON,
  NO_PLAN_KEY,
  NOT_PAUSED,
  UNSUPPORTED,
  busy,
  commandFailed,
  controlAccepted,
  exceptionEvent,
  invalidRequest,
  refusal,
  startAccepted,
  stateReply,
  statusEvent,
  subscribeSnapshot,
  unknownPlan,
} from "./messages.js";
import type { DispatcherRequest } from "./requests.js";
import { decodeRequest } from "./requests.js";
import { Outbox } from "./outbox.js";

/** What a session asks its shell to do, in order. */
export type SessionAction =
  | { readonly kind: "send"; readonly frame: string }
  | { readonly kind: "close"; readonly code: number; readonly reason: string }
  | { readonly kind: "command"; readonly id: number; readonly command: EngineCommand };

/** What a session needs to know of the engine and of the other sessions. */
export interface SessionContext {
  /** The engine as the events delivered so far describe it. */
  snapshot(): EngineSnapshot;
  hasPlan(name: string): boolean;
  /** The plan that makes a start wait, or null when a start may go ahead. */
  busyWith(): string | null;
  /** A start was accepted: until it ends, other starts are refused. */
  claim(plan: string): void;
  nextCommandId(): number;
}

export interface SessionOptions {
  /** Sent as `bluesky_dispatcher_version` on subscribe. */
  readonly version?: string;
  /** Byte-for-byte the original's messages: events carry no `seq`. */
  readonly legacy?: boolean;
  /** Frames handed to the socket before it reports them written. */
  readonly window?: number;
  /** Frames a client may fall behind by before it is closed. */
  readonly maxQueued?: number;
}

export const DISPATCHER_VERSION = "0.1.0";
export const CLOSE_NORMAL = 1000;
/** Policy violation: the client read too slowly to be given every state. */
export const CLOSE_LAGGING = 1008;

const DEFAULT_WINDOW = 64;
const DEFAULT_MAX_QUEUED = 10_000;

interface PendingCommand {
  readonly id: number;
  readonly kind: ControlKind;
  readonly keepOpen: boolean;
}

/**
 * One websocket connection of the dispatcher, as a pure state machine: text frames and
 * engine events go in, frames to send, a close and engine commands come out. Requests are
 * answered one at a time and in order, as the original reads its socket: while a command
 * waits for the engine's outcome, later frames wait too. Events reach a subscriber in the
 * order they happened, each with the next sequence number, through a bounded queue.
 */
export class DispatcherSession {
  readonly #context: SessionContext;
  readonly #version: string;
  readonly #legacy: boolean;
  readonly #outbox: Outbox;
  #subscribed = false;
  #seq = 0;
  #pending: PendingCommand | null = null;
  #waiting: string[] = [];
  #closing: { code: number; reason: string } | null = null;
  #closed = false;

  constructor(context: SessionContext, options: SessionOptions = {}) {
    this.#context = context;
    this.#version = options.version ?? DISPATCHER_VERSION;
    this.#legacy = options.legacy ?? false;
    this.#outbox = new Outbox(
      options.window ?? DEFAULT_WINDOW,
      options.maxQueued ?? DEFAULT_MAX_QUEUED,
    );
  }

  get subscribed(): boolean {
    return this.#subscribed;
  }

  /** True once the close action was given; the session then ignores everything. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Frames waiting for the socket. */
  get queued(): number {
    return this.#outbox.queued;
  }

  /** The command whose outcome the session waits for, if any. */
  get pendingCommand(): number | null {
    return this.#pending?.id ?? null;
  }

  /** A text frame from the client. */
  receive(text: string): SessionAction[] {
    if (this.#ended()) return [];
    const commands: SessionAction[] = [];
    if (this.#pending !== null) {
      if (this.#waiting.length >= this.#outbox.limit) this.#lagging();
      else this.#waiting.push(text);
    } else {
      this.#handle(text, commands);
    }
    return this.#flush(commands);
  }

  /** Something the engine reported; only a subscriber hears of it. */
  engineEvent(event: EngineEvent): SessionAction[] {
    if (this.#ended() || !this.#subscribed) return [];
    const seq = this.#nextSeq();
    if (event.kind === "state") {
      this.#enqueue(statusEvent(event, event.oldState, seq));
    } else {
      this.#enqueue(exceptionEvent(event.planName ?? "unknown", event.error, seq));
    }
    return this.#flush([]);
  }

  /** The engine's answer to a command this session gave; others are ignored. */
  commandResult(id: number, outcome: CommandOutcome): SessionAction[] {
    const pending = this.#pending;
    if (this.#ended() || pending === null || pending.id !== id) return [];
    this.#pending = null;
    this.#enqueue(outcome.ok ? controlAccepted(pending.kind) : commandFailed(outcome.exception));
    this.#finish(pending.keepOpen);
    const commands: SessionAction[] = [];
    while (this.#pending === null && !this.#ended() && this.#waiting.length > 0) {
      this.#handle(this.#waiting.shift()!, commands);
    }
    return this.#flush(commands);
  }

  /** The socket wrote `count` of the frames handed to it. */
  written(count = 1): SessionAction[] {
    if (this.#closed) return [];
    this.#outbox.written(count);
    return this.#flush([]);
  }

  #handle(text: string, commands: SessionAction[]): void {
    const decoded = decodeRequest(text);
    switch (decoded.kind) {
      case "bad-json":
        this.#enqueue(refusal(BAD_JSON));
        this.#close();
        return;
      case "unsupported":
        // Closed even with keep_open: the original gives up on a client it cannot serve.
        this.#enqueue(refusal(UNSUPPORTED));
        this.#close();
        return;
      case "invalid":
        this.#enqueue(invalidRequest(decoded.problem));
        this.#finish(decoded.keepOpen);
        return;
      case "request":
        this.#request(decoded.request, decoded.keepOpen, commands);
    }
  }

  #request(request: DispatcherRequest, keepOpen: boolean, commands: SessionAction[]): void {
    const context = this.#context;
    switch (request.type) {
      case "start": {
        // The same order of checks as the original: busy, then no plan, then unknown plan.
        const running = context.busyWith();
        if (running !== null) this.#enqueue(busy(running));
        else if (request.plan === undefined) this.#enqueue(refusal(NO_PLAN_KEY));
        else if (!context.hasPlan(request.plan)) this.#enqueue(unknownPlan(request.plan));
        else {
          context.claim(request.plan);
          const command: EngineCommand =
            request.params === undefined
              ? { kind: "start", plan: request.plan }
              : { kind: "start", plan: request.plan, params: request.params };
          commands.push({ kind: "command", id: context.nextCommandId(), command });
          this.#enqueue(startAccepted(request.params));
        }
        this.#finish(keepOpen);
        return;
      }
      case "resume":
        if (context.snapshot().state !== "paused") {
          this.#enqueue(refusal(NOT_PAUSED));
          this.#finish(keepOpen);
          return;
        }
        this.#command(request.type, keepOpen, commands);
        return;
      case "pause":
        this.#command(request.type, keepOpen, commands, request.defer ?? true);
        return;
      case "stop":
      case "abort":
      case "halt":
        this.#command(request.type, keepOpen, commands);
        return;
      case "state":
        this.#enqueue(stateReply(context.snapshot().state));
        this.#finish(keepOpen);
        return;
      case "subscribe":
        // A subscription stays open whatever keep_open says: the client ends it.
        this.#subscribed = true;
        this.#enqueue(subscribeSnapshot(this.#version, context.snapshot(), this.#nextSeq()));
    }
  }

  #command(kind: ControlKind, keepOpen: boolean, commands: SessionAction[], defer = true): void {
    const id = this.#context.nextCommandId();
    const command: EngineCommand = kind === "pause" ? { kind, defer } : { kind };
    this.#pending = { id, kind, keepOpen };
    commands.push({ kind: "command", id, command });
  }

  /** After a reply: one-shot connections close, kept-open and subscribed ones stay. */
  #finish(keepOpen: boolean): void {
    if (!keepOpen && !this.#subscribed) this.#close();
  }

  #nextSeq(): number | undefined {
    return this.#legacy ? undefined : this.#seq++;
  }

  #enqueue(message: DispatcherMessage): void {
    if (this.#closing !== null) return;
    if (!this.#outbox.push(pythonJson(message))) this.#lagging();
  }

  #close(code = CLOSE_NORMAL, reason = ""): void {
    this.#closing ??= { code, reason };
    this.#waiting = [];
  }

  // A lossless stream cannot skip a state, so a client that cannot keep up is let go.
  #lagging(): void {
    this.#outbox.clear();
    this.#closing = null;
    this.#close(CLOSE_LAGGING, "client fell too far behind");
  }

  #ended(): boolean {
    return this.#closing !== null || this.#closed;
  }

  /**
   * Frames the window allows first, as the replies they carry were made before or with the
   * commands; then the commands; then the close, once nothing is left to send.
   */
  #flush(commands: SessionAction[]): SessionAction[] {
    const actions: SessionAction[] = [];
    for (const frame of this.#outbox.take()) actions.push({ kind: "send", frame });
    actions.push(...commands);
    if (this.#closing !== null && !this.#closed && this.#outbox.queued === 0) {
      actions.push({ kind: "close", ...this.#closing });
      this.#closed = true;
    }
    return actions;
  }
}
