import type { RawData } from "ws";
import { WebSocketServer } from "ws";
import type { QueueManager } from "../manager/index.js";
import { DispatcherConnections } from "./connections.js";
import { DispatcherHub } from "./hub.js";
import type { FinishedItems } from "./manager-engine.js";
import { ManagerEngine } from "./manager-engine.js";
import type { SessionOptions } from "./session.js";

export interface DispatcherServerOptions extends SessionOptions {
  readonly manager: QueueManager;
  /** The store's history, for the failure text of a plan that failed (see ManagerEngine). */
  readonly history?: FinishedItems;
  /** 127.0.0.1 unless given: the dispatcher has no authentication of its own. */
  readonly host?: string;
  /** 8765, the original's, unless given; 0 picks a free port. */
  readonly port?: number;
  /** Who the dispatcher's plans run as. */
  readonly user?: string;
  readonly userGroup?: string;
}

export interface DispatcherServer {
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and drops every connection. */
  close(): Promise<void>;
}

/** The close code of connections the server drops when it closes. */
const CLOSE_GOING_AWAY = 1001;

/**
 * The dispatcher's websocket server over a queue manager: each connection is a session of
 * one hub, every text frame goes to it, and the shell carries out what the hub returns:
 * frames are sent and reported written once the socket has taken them (so a slow reader's
 * backlog waits, counted, in its session's outbox and never in the engine's path), commands
 * go to the manager, and connections close when a one-shot reply has gone out.
 */
export async function startDispatcherServer(
  options: DispatcherServerOptions,
): Promise<DispatcherServer> {
  const { manager, history, host = "127.0.0.1", port = 8765, user, userGroup } = options;
  const { version, legacy, window, maxQueued } = options;
  const engine = new ManagerEngine({ manager, history, user, userGroup });
  const hub = new DispatcherHub({
    version,
    legacy,
    window,
    maxQueued,
    plans: engine.hasPlan,
    initial: engine.snapshot(),
  });
  const connections = new DispatcherConnections(hub, engine);
  const unsubscribe = engine.subscribe((event) => connections.engineEvent(event));
  const server = new WebSocketServer({ host, port });
  server.on("connection", (socket) => {
    const session = connections.open(socket);
    socket.on("message", (data) => connections.receive(session, text(data)));
    socket.on("close", () => connections.closed(session));
    // A failing connection ends with its close event; nothing else is owed to it.
    socket.on("error", () => undefined);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  } catch (error) {
    unsubscribe();
    engine.close();
    throw error;
  }
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;

  return {
    port: boundPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        unsubscribe();
        engine.close();
        for (const socket of server.clients) {
          socket.close(CLOSE_GOING_AWAY, "server closing");
          socket.terminate();
        }
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A frame's text; a binary frame is read as UTF-8, as the original's json.loads reads bytes. */
function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
