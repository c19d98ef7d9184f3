/**
 * One client's circuit without its socket: bytes in, requests handled, bytes out. The
 * shell hands it what the socket reads and gives it a `CircuitIo` to write to; tests hand
 * it bytes directly. What a request answers at once goes out before `receive` returns, in
 * one write; monitor updates and late answers (a put-callback completing) are gathered and
 * written through `CircuitIo.later`. Anything the client does wrong (a damaged stream, a
 * version we do not speak) ends this circuit only, with one log line.
 */
import type { Timer } from "../../core/index.js";
import {
  CA_MINOR_VERSION,
  CaStreamReader,
  RemoteProtocolError,
  type CaMessage,
} from "../codec/index.js";
import { freeChannel } from "./channel-requests.js";
import { CircuitFault, describe } from "./circuit-errors.js";
import { CircuitScope } from "./circuit-scope.js";
import type { CircuitCoreOptions, CircuitIo, CircuitStats } from "./circuit-io.js";
import type { CaClientIdentity, CaPvState } from "./provider.js";
import { dispatch } from "./dispatch.js";
import { SendQueue } from "./send-queue.js";
import { Writes } from "./writes.js";

export class CircuitCore {
  readonly peer: string;
  readonly identity: CaClientIdentity;
  readonly #io: CircuitIo;
  readonly #options: CircuitCoreOptions;
  readonly #reader: CaStreamReader;
  readonly #queue: SendQueue<CaPvState>;
  readonly #scope: CircuitScope;
  readonly #writes: Writes;
  /** Requests received and not yet handled (only while replies back up or puts wait). */
  #input: CaMessage[] = [];
  #inputHead = 0;
  #stuckTimer: Timer | undefined;

  constructor(io: CircuitIo, options: CircuitCoreOptions) {
    this.#io = io;
    this.#options = options;
    this.peer = options.peer;
    this.identity = { user: "", host: "", address: options.address };
    this.#reader = new CaStreamReader({ sender: "client", maxPayloadSize: options.maxPayloadSize });
    this.#queue = new SendQueue<CaPvState>(
      { write: (bytes) => this.#write([bytes]), writeMany: (parts) => this.#write(parts) },
      { defer: (flush) => io.later(flush) },
    );
    this.#scope = new CircuitScope(options, this.identity, this.#queue);
    this.#writes = new Writes(this.#scope, () => io.later(() => this.#run()));
  }

  get closed(): boolean {
    return this.#scope.closed;
  }

  /** Sends the server's VERSION, which V4.11+ servers send without waiting for the client. */
  start(): void {
    this.#queue.now(() =>
      this.#scope.send({ type: "VersionResponse", priority: 0, minorVersion: CA_MINOR_VERSION }),
    );
  }

  /** Takes bytes the client sent; answers what can be answered now before returning. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    let messages: CaMessage[];
    try {
      messages = this.#reader.push(chunk);
    } catch (error) {
      this.#fault(describe(error));
      return;
    }
    if (this.#inputHead === this.#input.length) {
      this.#input = messages;
      this.#inputHead = 0;
    } else {
      for (const message of messages) this.#input.push(message);
    }
    this.#run();
  }

  /** The transport has room again: send what waited and go on reading. */
  drained(): void {
    this.#stuckTimer?.cancel();
    this.#stuckTimer = undefined;
    this.#queue.now(() => {
      this.#queue.drained();
      this.#process();
    });
  }

  stats(): CircuitStats {
    return {
      peer: this.peer,
      identity: { ...this.identity },
      channels: this.#scope.channels.size,
      subscriptions: this.#scope.channels.subscriptionCount(),
      backlogBytes: this.#backlog(),
      pendingMonitors: this.#queue.pendingMonitors,
      droppedUpdates: this.#queue.dropped,
      eventsOff: this.#queue.paused,
    };
  }

  /** Drops every channel to `name` with SERVER_DISCONN; returns how many. */
  disconnectChannels(name: string): number {
    let count = 0;
    this.#queue.now(() => {
      for (const channel of this.#scope.channels.list()) {
        if (channel.name !== name) continue;
        freeChannel(this.#scope, channel);
        this.#scope.send({ type: "ServerDisconnResponse", cid: channel.cid });
        count++;
      }
    });
    return count;
  }

  /** Asks every channel's PV for this client's rights again; sends those that changed. */
  refreshAccessRights(): void {
    this.#queue.now(() => this.#scope.recomputeRights());
  }

  /** Ends the circuit (the transport too); nothing more is sent or handled. */
  close(): void {
    if (this.closed) return;
    this.#cleanUp();
    this.#io.end();
  }

  // ---- input ----

  /** Handles what can be handled now, then writes the answers at once. */
  #run(): void {
    this.#queue.hold();
    try {
      this.#process();
    } finally {
      this.#queue.release();
    }
  }

  /**
   * Handles the requests received so far. One TCP chunk can hold thousands of reads, each
   * answered with a large array, so handling stops while too many reply bytes wait and the
   * transport is no longer read; it goes on once they are written.
   */
  #process(): void {
    try {
      while (this.#inputHead < this.#input.length && !this.closed) {
        if (this.#backlog() > this.#options.maxBacklogBytes) {
          this.#io.pauseReading();
          if (!this.#queue.blocked) this.#io.later(() => this.#run());
          return;
        }
        const next = this.#input[this.#inputHead]!;
        if (this.#writes.mustWait(next)) {
          this.#io.pauseReading(); // a request leaving its put line goes on with the rest
          return;
        }
        this.#inputHead++;
        this.#handle(next);
      }
      this.#input = [];
      this.#inputHead = 0;
    } catch (error) {
      this.#faultFor(error);
      return;
    }
    if (!this.closed) this.#io.resumeReading();
  }

  /**
   * Handles one request, unless its channel has put-callbacks waiting: then it waits behind
   * them, so that nothing the client sent later overtakes them (RSRV stops reading instead).
   */
  #handle(message: CaMessage): void {
    if (this.#writes.holdBehindPuts(message, () => this.#handleHeld(message))) return;
    dispatch(this.#scope, this.#writes, message);
  }

  #handleHeld(message: CaMessage): void {
    if (this.closed) return;
    try {
      dispatch(this.#scope, this.#writes, message);
    } catch (error) {
      this.#faultFor(error);
    }
  }

  // ---- output ----

  #write(parts: readonly Uint8Array[]): boolean {
    if (this.closed) return true;
    const ok = this.#io.write(parts);
    if (!ok && !this.#stuckTimer) {
      const { clock, stuckTimeout } = this.#options;
      this.#stuckTimer = clock.schedule(stuckTimeout, () => {
        this.#stuckTimer = undefined;
        this.#fault(
          `the client has not read for ${stuckTimeout} s (${this.#backlog()} bytes waiting)`,
        );
      });
    }
    return ok;
  }

  #backlog(): number {
    return this.#queue.queuedBytes + this.#io.bufferedBytes();
  }

  // ---- end ----

  #faultFor(error: unknown): void {
    if (error instanceof RemoteProtocolError || error instanceof CircuitFault) {
      this.#fault(error.message);
    } else {
      this.#fault(`internal error: ${describe(error)}`);
    }
  }

  #fault(reason: string): void {
    if (this.closed) return;
    this.#options.log(`CA server: closing the circuit of ${this.peer}: ${reason}`);
    this.close();
  }

  #cleanUp(): void {
    this.#scope.closed = true;
    this.#stuckTimer?.cancel();
    this.#stuckTimer = undefined;
    for (const channel of this.#scope.channels.list()) freeChannel(this.#scope, channel);
    this.#scope.channels.clear();
    this.#input = [];
    this.#inputHead = 0;
    this.#queue.close();
    this.#options.onClosed?.();
  }
}
