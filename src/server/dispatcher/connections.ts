import type { CommandOutcome, EngineCommand, EngineEvent } from "./engine.js";
import type { DispatcherHub, HubAction, SessionId } from "./hub.js";

/** What the dispatcher needs of one client's socket (a ws WebSocket is one). */
export interface DispatcherSocket {
  /** Sends a text frame; `done` is called once the socket has taken it, or with its error. */
  send(frame: string, done: (error?: Error | null) => void): void;
  close(code: number, reason: string): void;
}

/** Carries out the engine commands of the hub. */
export interface CommandRunner {
  execute(command: EngineCommand): Promise<CommandOutcome>;
}

/**
 * The I/O half of the dispatcher: it feeds a hub what its sockets and its engine say and
 * carries out the actions the hub returns. A frame counts as written only when its socket
 * says so, so a client that reads slowly holds at most the hub's window of frames in its
 * socket, and the rest wait in its session's bounded outbox, where the hub lets the client
 * go once it is too far behind: the engine's events and the other clients never wait for it.
 */
export class DispatcherConnections {
  readonly #hub: DispatcherHub;
  readonly #engine: CommandRunner;
  readonly #sockets = new Map<SessionId, DispatcherSocket>();

  constructor(hub: DispatcherHub, engine: CommandRunner) {
    this.#hub = hub;
    this.#engine = engine;
  }

  get size(): number {
    return this.#sockets.size;
  }

  /** A client connected; its text frames then go to `receive` with the session returned. */
  open(socket: DispatcherSocket): SessionId {
    const session = this.#hub.open();
    this.#sockets.set(session, socket);
    return session;
  }

  receive(session: SessionId, text: string): void {
    this.#perform(this.#hub.receive(session, text));
  }

  /** The client's connection ended, however it did. */
  closed(session: SessionId): void {
    this.#sockets.delete(session);
    this.#hub.closed(session);
  }

  engineEvent(event: EngineEvent): void {
    this.#perform(this.#hub.engineEvent(event));
  }

  #perform(actions: readonly HubAction[]): void {
    for (const action of actions) {
      const socket = this.#sockets.get(action.session);
      switch (action.kind) {
        case "send":
          socket?.send(action.frame, (error) => {
            if (error === undefined || error === null) {
              this.#perform(this.#hub.written(action.session));
            }
          });
          break;
        case "close":
          socket?.close(action.code, action.reason);
          break;
        case "command": {
          const { id, command } = action;
          void this.#engine.execute(command).then((outcome) => {
            // A start's outcome arrives as engine events.
            if (command.kind !== "start") this.#perform(this.#hub.commandResult(id, outcome));
          });
          break;
        }
      }
    }
  }
}
