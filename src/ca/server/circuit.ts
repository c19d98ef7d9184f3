/**
 * A client's TCP circuit: the socket around a CircuitCore, which does all the protocol work.
 * Bytes read are handed over as they arrive and the answers are written in the same turn.
 */
import type { Socket } from "node:net";
import { CircuitCore } from "./circuit-core.js";
import type { CircuitIo, CircuitStats } from "./circuit-io.js";
import type { CircuitSettings } from "./circuit-scope.js";
import type { CaClientIdentity } from "./provider.js";

export type { CircuitStats } from "./circuit-io.js";

/** What a circuit needs from its server. */
export interface CircuitContext extends CircuitSettings {
  onClosed(circuit: Circuit): void;
}

export class Circuit {
  readonly #core: CircuitCore;

  constructor(socket: Socket, context: CircuitContext) {
    const io: CircuitIo = {
      write: (parts) => socket.destroyed || writeAll(socket, parts),
      bufferedBytes: () => socket.writableLength,
      pauseReading: () => socket.pause(),
      resumeReading: () => {
        if (socket.isPaused()) socket.resume();
      },
      later: (task) => setImmediate(task),
      end: () => socket.destroy(),
    };
    this.#core = new CircuitCore(io, {
      ...context,
      peer: `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`,
      address: socket.remoteAddress ?? "",
      onClosed: () => context.onClosed(this),
    });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#core.receive(chunk));
    socket.on("drain", () => this.#core.drained());
    socket.on("error", () => {
      // A vanished client (ECONNRESET, EPIPE) is normal; "close" follows and cleans up.
    });
    socket.on("close", () => this.#core.close());
    this.#core.start();
  }

  get peer(): string {
    return this.#core.peer;
  }

  get identity(): CaClientIdentity {
    return this.#core.identity;
  }

  stats(): CircuitStats {
    return this.#core.stats();
  }

  /** Drops every channel to `name` with SERVER_DISCONN; returns how many. */
  disconnectChannels(name: string): number {
    return this.#core.disconnectChannels(name);
  }

  /** Asks every channel's PV for this client's rights again; sends those that changed. */
  refreshAccessRights(): void {
    this.#core.refreshAccessRights();
  }

  /** Closes the circuit at once. */
  close(): void {
    this.#core.close();
  }
}

/** One buffer is written as it is; several are corked, so they leave in one writev. */
function writeAll(socket: Socket, parts: readonly Uint8Array[]): boolean {
  if (parts.length === 1) return socket.write(parts[0]!);
  socket.cork();
  let ok = true;
  for (const part of parts) ok = socket.write(part) && ok;
  socket.uncork();
  return ok;
}
