import type { CommandOutcome, EngineEvent, EngineSnapshot } from "./engine.js";
import { IDLE_SNAPSHOT } from "./engine.js";
import type { SessionAction, SessionContext, SessionOptions } from "./session.js";
import { DispatcherSession } from "./session.js";

export type SessionId = number;

/** A session's action, with the connection it is for. */
export type HubAction = SessionAction & { readonly session: SessionId };

export interface DispatcherHubOptions extends SessionOptions {
  /** The plans a client may start, by name. */
  readonly plans: ReadonlySet<string> | ((name: string) => boolean);
  /** The engine when the hub starts; idle with no run by default. */
  readonly initial?: EngineSnapshot;
}

/**
 * All connections of one dispatcher, pure like its sessions: the shell feeds it frames,
 * engine events, command outcomes and write completions, and carries out the actions it
 * returns. It keeps the engine's snapshot from the events it was given (so a new
 * subscriber's snapshot and the events that follow never overlap or leave a gap), hands
 * every event to every session in order, and holds the one start in progress so that a
 * second is refused, naming the plan.
 */
export class DispatcherHub {
  readonly #options: DispatcherHubOptions;
  readonly #sessions = new Map<SessionId, DispatcherSession>();
  /** Which session gave each command still awaiting its outcome. */
  readonly #commands = new Map<number, SessionId>();
  #snapshot: EngineSnapshot;
  /** The plan of an accepted start, from acceptance until its run ends. */
  #claim: string | null = null;
  #nextSession = 1;
  #nextCommand = 1;
  readonly #context: SessionContext;

  constructor(options: DispatcherHubOptions) {
    this.#options = options;
    this.#snapshot = options.initial ?? IDLE_SNAPSHOT;
    const plans = options.plans;
    const hasPlan = typeof plans === "function" ? plans : (name: string) => plans.has(name);
    this.#context = {
      snapshot: () => this.#snapshot,
      hasPlan,
      busyWith: () => this.busyWith,
      claim: (plan) => {
        this.#claim = plan;
      },
      nextCommandId: () => this.#nextCommand++,
    };
  }

  get snapshot(): EngineSnapshot {
    return this.#snapshot;
  }

  /**
   * The plan a start would be refused for: the one just accepted, or whatever the engine
   * runs (a run started elsewhere counts too).
   */
  get busyWith(): string | null {
    if (this.#claim !== null) return this.#claim;
    if (this.#snapshot.state === "idle") return null;
    return this.#snapshot.planName ?? "unknown";
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** A client connected. */
  open(): SessionId {
    const id = this.#nextSession++;
    this.#sessions.set(id, new DispatcherSession(this.#context, this.#options));
    return id;
  }

  /** A text frame from a client. */
  receive(session: SessionId, text: string): HubAction[] {
    const target = this.#sessions.get(session);
    return target === undefined ? [] : this.#route(session, target.receive(text));
  }

  /** Something the engine reported: recorded, then given to every session in order. */
  engineEvent(event: EngineEvent): HubAction[] {
    if (event.kind === "state") {
      const { state, planName, runUid, runStartTime } = event;
      this.#snapshot = { state, planName, runUid, runStartTime };
      if (state === "idle") this.#claim = null;
    } else {
      // An exception ends the plan; name it after the start that launched it if need be.
      const planName = event.planName ?? this.#claim ?? this.#snapshot.planName;
      this.#claim = null;
      event = { ...event, planName };
    }
    const actions: HubAction[] = [];
    for (const [id, session] of [...this.#sessions]) {
      actions.push(...this.#route(id, session.engineEvent(event)));
    }
    return actions;
  }

  /** How a command the hub handed out ended. */
  commandResult(id: number, outcome: CommandOutcome): HubAction[] {
    const session = this.#commands.get(id);
    if (session === undefined) return [];
    this.#commands.delete(id);
    const target = this.#sessions.get(session);
    return target === undefined ? [] : this.#route(session, target.commandResult(id, outcome));
  }

  /** A client's socket wrote `count` of the frames given to it. */
  written(session: SessionId, count = 1): HubAction[] {
    const target = this.#sessions.get(session);
    return target === undefined ? [] : this.#route(session, target.written(count));
  }

  /** A client's connection is gone, however it ended. */
  closed(session: SessionId): void {
    this.#forget(session);
  }

  #route(session: SessionId, actions: SessionAction[]): HubAction[] {
    const routed: HubAction[] = [];
    for (const action of actions) {
      // A start's outcome arrives as engine events, so only other commands are awaited.
      if (action.kind === "command" && action.command.kind !== "start") {
        this.#commands.set(action.id, session);
      }
      if (action.kind === "close") this.#forget(session);
      routed.push({ ...action, session });
    }
    return routed;
  }

  #forget(session: SessionId): void {
    this.#sessions.delete(session);
    for (const [id, owner] of this.#commands) if (owner === session) this.#commands.delete(id);
  }
}
