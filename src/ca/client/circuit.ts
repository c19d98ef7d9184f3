/**
 * One TCP circuit to one server (and priority): the handshake, the framing of what comes
 * in, the coalescing of what goes out and the ECHO watchdog. It knows nothing of channels:
 * every decoded message goes to `onMessage`, a server gone silent to `onUnresponsive` (and
 * back to `onResponsive`), and the end of the circuit to `onClose`.
 */
import { Buffer } from "node:buffer";
import { connect, type Socket } from "node:net";
import type { Clock, Timer } from "../../core/index.js";
import {
  CA_MINOR_VERSION,
  CaStreamReader,
  encode,
  type CaMessage,
  type CaMessageInput,
} from "../codec/index.js";
import { FlowControl } from "./flow-control.js";

export interface CircuitOptions {
  host: string;
  port: number;
  priority: number;
  /** CLIENT_NAME (the user) and HOST_NAME sent at the start. */
  userName: string;
  hostName: string;
  clock: Clock;
  /** Seconds of silence before an ECHO is sent (EPICS_CA_CONN_TMO). */
  connectionTimeout: number;
  /** Seconds to wait for any answer to that ECHO before calling the server unresponsive. */
  echoTimeout: number;
  maxPayloadSize: number;
  onMessage: (circuit: Circuit, message: CaMessage) => void;
  /**
   * The server did not answer an ECHO. The circuit stays, as in libca: a busy server or a
   * congested link may come back, and then `onResponsive` follows.
   */
  onUnresponsive: (circuit: Circuit, reason: string) => void;
  /** An unresponsive server was heard from again. */
  onResponsive: (circuit: Circuit) => void;
  /** Called once when the circuit ends; `reason` says why (undefined for a local close). */
  onClose: (circuit: Circuit, reason: string | undefined) => void;
}

/** Frames at most this big are gathered into one buffer; bigger ones are written as they are. */
const GATHER_LIMIT = 64 * 1024;
/** Bytes one socket read may bring in (Node reads 64 KiB at a time by default). */
const READ_BUFFER_SIZE = 256 * 1024;

export class Circuit {
  readonly host: string;
  readonly port: number;
  readonly priority: number;
  /** "host:port", how messages name the server. */
  readonly address: string;
  /** The server's minor version, from its VERSION (the search reply's until then). */
  minorVersion: number;
  readonly #options: CircuitOptions;
  readonly #socket: Socket;
  readonly #reader: CaStreamReader;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #flushScheduled = false;
  #connected = false;
  #closed = false;
  #lastHeard: number;
  #watchdog: Timer | undefined;
  #echoSentAt: number | undefined;
  #unresponsive = false;
  readonly #flow = new FlowControl(READ_BUFFER_SIZE);
  readonly #socketClosed: Promise<void>;

  constructor(options: CircuitOptions, serverMinorVersion: number) {
    this.#options = options;
    this.host = options.host;
    this.port = options.port;
    this.priority = options.priority;
    this.address = `${options.host}:${options.port}`;
    this.minorVersion = serverMinorVersion;
    this.#reader = new CaStreamReader({ sender: "server", maxPayloadSize: options.maxPayloadSize });
    this.#lastHeard = options.clock.now();
    this.send({
      type: "VersionRequest",
      priority: options.priority,
      minorVersion: CA_MINOR_VERSION,
    });
    this.send({ type: "HostNameRequest", name: options.hostName });
    this.send({ type: "ClientNameRequest", name: options.userName });
    this.#socket = connect({
      host: options.host,
      port: options.port,
      noDelay: true,
      // As libca: an unresponsive circuit to a host that is gone for good ends some day.
      keepAlive: true,
      // Reads land in one buffer of ours rather than a fresh allocation per read: a large
      // array then costs one copy and no garbage beyond its own buffer.
      onread: { buffer: Buffer.allocUnsafe(READ_BUFFER_SIZE), callback: this.#read },
    });
    this.#socket.on("connect", () => {
      this.#connected = true;
      this.#flush();
      this.#armWatchdog(options.connectionTimeout);
    });
    // A server that never completes the TCP handshake (a dropped SYN) is given up after
    // EPICS_CA_CONN_TMO rather than the operating system's minutes.
    this.#armWatchdog(options.connectionTimeout);
    this.#socket.on("error", (error) => this.#end(`${this.address}: ${error.message}`));
    this.#socketClosed = new Promise((resolve) => this.#socket.once("close", () => resolve()));
    this.#socket.on("close", () => this.#end(`${this.address} closed the circuit`));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The server has not answered an ECHO and has not been heard from since. */
  get unresponsive(): boolean {
    return this.#unresponsive;
  }

  /**
   * Queues `message`; everything queued in one tick leaves in one socket write. Encoding
   * happens here, so a value that cannot be encoded throws to the caller and spoils nothing.
   */
  send(message: CaMessageInput): void {
    if (this.#closed) return;
    this.sendBytes(encode(message));
  }

  sendBytes(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  /**
   * Closes the circuit from this side: what is queued still leaves, then the socket ends.
   * `onClose` gets `reason`. Resolves when the socket is closed.
   */
  close(reason?: string): Promise<void> {
    if (!this.#closed) {
      this.#flush();
      this.#end(reason);
      if (this.#connected) this.#socket.end();
      else this.#socket.destroy();
    }
    return this.#socketClosed;
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (!this.#connected || this.#closed || this.#queue.length === 0) return;
    const queue = this.#queue;
    const total = this.#queuedBytes;
    this.#queue = [];
    this.#queuedBytes = 0;
    if (queue.length === 1) {
      this.#socket.write(queue[0]!);
      return;
    }
    if (total <= GATHER_LIMIT) {
      this.#socket.write(Buffer.concat(queue, total));
      return;
    }
    // Large frames go as they are (no copy); small ones between them are gathered.
    this.#socket.cork();
    let small: Uint8Array[] = [];
    const gather = (): void => {
      if (small.length === 1) this.#socket.write(small[0]!);
      else if (small.length > 1) this.#socket.write(Buffer.concat(small));
      small = [];
    };
    for (const bytes of queue) {
      if (bytes.length > GATHER_LIMIT) {
        gather();
        this.#socket.write(bytes);
      } else small.push(bytes);
    }
    gather();
    this.#socket.uncork();
  };

  /** Node's onread callback; returning true keeps the socket reading. */
  readonly #read = (bytesRead: number, buffer: Uint8Array): boolean => {
    this.#receive(buffer.subarray(0, bytesRead));
    return true;
  };

  #receive(chunk: Uint8Array): void {
    this.#lastHeard = this.#options.clock.now();
    this.#echoSentAt = undefined;
    if (this.#unresponsive) {
      this.#unresponsive = false;
      this.#options.onResponsive(this);
    }
    let messages: CaMessage[];
    try {
      messages = this.#reader.push(chunk, { reused: true });
    } catch (error) {
      this.#end(`${this.address} sent a malformed message: ${(error as Error).message}`, true);
      return;
    }
    for (const message of messages) {
      if (this.#closed) return;
      if (message.type === "VersionResponse") this.minorVersion = message.minorVersion;
      this.#options.onMessage(this, message);
    }
    const request = this.#flow.onRead(chunk.length, messages.length);
    if (request) this.send({ type: request });
  }

  /** One timer per circuit, re-armed per period rather than per message. */
  #armWatchdog(seconds: number): void {
    this.#watchdog?.cancel();
    this.#watchdog = this.#options.clock.schedule(seconds, this.#check);
  }

  readonly #check = (): void => {
    if (this.#closed) return;
    const { clock, connectionTimeout, echoTimeout } = this.#options;
    const now = clock.now();
    if (!this.#connected) {
      this.#end(`${this.address}: no TCP connection within ${connectionTimeout} s`, true);
      return;
    }
    if (this.#echoSentAt !== undefined) {
      if (now - this.#echoSentAt >= echoTimeout - 1e-9) {
        // Still silent: another ECHO goes out at once, and again after each echoTimeout.
        this.#echoSentAt = undefined;
        if (!this.#unresponsive) {
          this.#unresponsive = true;
          this.#options.onUnresponsive(
            this,
            `${this.address} did not answer an ECHO within ${echoTimeout} s`,
          );
        }
        this.#check();
        return;
      }
      this.#armWatchdog(this.#echoSentAt + echoTimeout - now);
      return;
    }
    const silent = now - this.#lastHeard;
    if (silent >= connectionTimeout - 1e-9) {
      this.#echoSentAt = now;
      this.send({ type: "EchoRequest" });
      this.#armWatchdog(echoTimeout);
    } else {
      this.#armWatchdog(connectionTimeout - silent);
    }
  };

  #end(reason: string | undefined, destroy = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchdog?.cancel();
    this.#queue = [];
    this.#queuedBytes = 0;
    if (destroy) this.#socket.destroy();
    this.#options.onClose(this, reason);
  }
}
