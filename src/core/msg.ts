import type { DocumentCallback, DocumentName } from "./documents.js";
import type {
  Configurable,
  Locatable,
  Movable,
  Readable,
  Reconfigurable,
  Stageable,
  Stoppable,
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
  /** Emits the descriptor of `stream` before its first event. */
  | {
      command: "declare_stream";
      stream: string;
      objs: ReadonlyArray<Readable & Partial<Configurable>>;
    }
  | { command: "null" };

export type Command = Msg["command"];

/** The message of one command. */
export type MsgOf<C extends Command> = Extract<Msg, { command: C }>;

/**
 * A plan: a synchronous generator of messages, each answered by the engine's response
 * (a reading, a Status, a run uid...). Plans compose with `yield*`.
 */
export type Plan<R = void> = Generator<Msg, R, unknown>;
