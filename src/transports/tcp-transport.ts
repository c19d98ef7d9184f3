// A TCP stream as a ByteTransport, for terminal servers (Moxa, Lantronix) and instruments
// with an Ethernet port. Each open() makes a fresh socket, so a dropped link reconnects.
import { createConnection } from "node:net";
import type { Socket } from "node:net";
import type { Clock } from "../core/index.js";
import { realClock } from "../core/index.js";
import type { ByteTransport } from "./byte-transport.js";
import { WRITTEN } from "./byte-transport.js";
import {
  TransportClosedError,
  TransportDroppedError,
  TransportOpenError,
  TransportWriteError,
} from "./errors.js";
import { ListenerSet } from "./listener-set.js";

export interface TcpTransportOptions {
  host: string;
  port: number;
  /** Seconds to wait for the connection (default 5). */
  connectTimeout?: number;
  /** Times the connect timeout; keep the real clock for real sockets (the default). */
  clock?: Clock;
}

export class TcpTransport implements ByteTransport {
  readonly name: string;
  private readonly host: string;
  private readonly port: number;
  private readonly connectTimeout: number;
  private readonly clock: Clock;
  private socket: Socket | undefined;
  private opening: Promise<void> | undefined;
  private readonly dataListeners = new ListenerSet<[Uint8Array]>();
  private readonly closeListeners = new ListenerSet<[Error?]>();

  constructor({ host, port, connectTimeout = 5, clock = realClock }: TcpTransportOptions) {
    this.name = `tcp:${host}:${port}`;
    this.host = host;
    this.port = port;
    this.connectTimeout = connectTimeout;
    this.clock = clock;
  }

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  open(): Promise<void> {
    if (this.socket) return Promise.resolve();
    this.opening ??= this.connect().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  async close(): Promise<void> {
    await this.opening?.catch(() => undefined);
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined; // from here on, the socket's close event is ours, not a drop
    await new Promise<void>((resolve) => {
      if (socket.closed) resolve();
      else socket.once("close", () => resolve()).destroy();
    });
    this.closeListeners.emit();
  }

  write(data: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket) {
      return Promise.reject(new TransportClosedError(this.name, "cannot write: not connected"));
    }
    // Handed over once the socket takes the bytes; only a full send buffer makes us wait.
    // A failure after that closes the socket and reaches onClose as a drop, so no per-write
    // callback (which costs a tick and a promise per request).
    if (socket.write(data)) return WRITTEN;
    return new Promise((resolve, reject) => {
      const drained = (): void => {
        socket.off("close", closed);
        resolve();
      };
      const closed = (): void => {
        socket.off("drain", drained);
        reject(new TransportWriteError(this.name, new Error("the connection closed")));
      };
      socket.once("drain", drained).once("close", closed);
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.closeListeners.add(listener);
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: this.host, port: this.port });
      const fail = (error: Error): void => {
        timer.cancel();
        socket.destroy();
        reject(new TransportOpenError(this.name, error));
      };
      const timer = this.clock.schedule(this.connectTimeout, () =>
        fail(new Error(`no connection within ${this.connectTimeout} s`)),
      );
      socket.once("error", fail);
      socket.once("connect", () => {
        timer.cancel();
        socket.off("error", fail);
        this.attach(socket);
        resolve();
      });
    });
  }

  private attach(socket: Socket): void {
    // Requests are small and each waits for its reply: send them at once, not after Nagle's delay.
    socket.setNoDelay(true);
    let cause: Error | undefined;
    socket.on("data", (chunk: Buffer) => this.dataListeners.emit(chunk));
    socket.on("error", (error) => {
      cause ??= error;
    });
    socket.on("end", () => {
      cause ??= new Error("connection closed by the peer");
    });
    socket.on("close", () => {
      if (this.socket !== socket) return; // closed through close()
      this.socket = undefined;
      this.closeListeners.emit(
        new TransportDroppedError(this.name, cause ?? new Error("connection closed")),
      );
    });
    this.socket = socket;
  }
}
