import type { DocumentCallback, DocumentName } from "./documents.js";
import type {
  Collectable,
  Configurable,
  Flyable,
  Locatable,
  Movable,
  Preparable,
  Readable,
  Reconfigurable,
  Stageable,
  Stoppable,
  Subscribable,
  Triggerable,
} from "./protocols.js";

/**
 * The messages a plan yields. The engine alone acts on them, which is what lets a plan be
 * simulated, paused, rewound and suspended. Command names keep bluesky's spelling.
 */
export type Msg =
  | { command: "open_run"; md?: Record<string, unknown> }
  | { command: "close_run"; exitStatus?: "success" | "abort" | "fail"; reason?: string }
  /** Opens a bundle of reads that `save` turns into one event of `stream`. */
  | { command: "create"; stream: string }
  | { command: "read"; obj: Readable }
  | { command: "save" }
  | { command: "drop" }
  | { command: "set"; obj: Movable<unknown>; value: unknown; group?: string }
  | { command: "trigger"; obj: Triggerable; group?: string }
  /** Waits for every status started with `group` (all ungrouped ones without it). */
  | { command: "wait"; group?: string; timeout?: number }
  | { command: "sleep"; seconds: number }
  | { command: "locate"; obj: Locatable<unknown> }
  /** Where a pause or suspension rewinds to. */
  | { command: "checkpoint" }
  /** Forbids rewinding past here until the next checkpoint. */
  | { command: "clear_checkpoint" }
  | { command: "pause"; defer?: boolean }
  | { command: "stage"; obj: Stageable }
  | { command: "unstage"; obj: Stageable }
  | { command: "stop"; obj: Stoppable }
  | { command: "subscribe"; name: DocumentName | "all"; callback: DocumentCallback }
  | { command: "unsubscribe"; token: number }
  | { command: "configure"; obj: Reconfigurable; settings: Record<string, unknown> }
  /**
   * Emits the descriptor of `stream` before its first event; with `collect`, from what the
   * objects will collect (describeCollect) rather than what they read.
   */
  | {
      command: "declare_stream";
      stream: string;
      objs: ReadonlyArray<(Readable | Collectable) & Partial<Configurable>>;
      collect?: boolean;
    }
  /** Fly scanning: get ready, start, wait to finish (each a Status in `group`)... */
  | { command: "prepare"; obj: Preparable; value: unknown; group?: string }
  | { command: "kickoff"; obj: Flyable; group?: string }
  | { command: "complete"; obj: Flyable; group?: string }
  /** ...and turn what the objects gathered into event pages (and stream assets) of `stream`. */
  | { command: "collect"; objs: readonly Collectable[]; stream: string }
  /** Every change of `obj` becomes an event of its own stream (default: its name) until unmonitor. */
  | { command: "monitor"; obj: Subscribable; stream?: string }
  | { command: "unmonitor"; obj: Subscribable }
  /** Waits for promises made when the message is processed, e.g. a condition on a signal. */
  | { command: "wait_for"; waitables: ReadonlyArray<() => PromiseLike<unknown>>; timeout?: number }
  | { command: "null" };

export type Command = Msg["command"];

/** The message of one command. */
export type MsgOf<C extends Command> = Extract<Msg, { command: C }>;

/**
 * A plan: a synchronous generator of messages, each answered by the engine's response
 * (a reading, a Status, a run uid...). Plans compose with `yield*`.
 */
export type Plan<R = void> = Generator<Msg, R, unknown>;
