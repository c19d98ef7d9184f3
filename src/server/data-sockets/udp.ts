// The UDP shells: one datagram in, the core's reply datagram out, sent from the socket's
// own port back to the sender. Bound to loopback unless told otherwise.
import { createSocket, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import { HilError } from "../../core/index.js";
import type { LiveSocketCore, SocketCore } from "./socket-core.js";

/** The most a UDP datagram over IPv4 can carry. */
export const maxDatagramBytes = 65507;

/** A reply or a live datagram longer than UDP carries: refused whole, never cut. */
export class DatagramTooLargeError extends HilError {
  constructor(what: string, bytes: number) {
    super(
      "datagram-too-large",
      `${what} is ${bytes} bytes, more than the ${maxDatagramBytes} a UDP datagram carries; not sent`,
    );
  }
}

export interface UdpServeOptions {
  /** The address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** The port to bind (default the core's; 0 picks a free one). */
  readonly port?: number;
  /** Told of replies refused as too large and of requests that failed. */
  readonly onError?: (error: Error) => void;
}

/** A data socket served over UDP; `port` is the one bound, also what `status` reports. */
export class UdpDataSocket {
  private constructor(
    readonly core: SocketCore,
    private readonly socket: Socket,
    readonly host: string,
    readonly port: number,
  ) {}

  static async serve(core: SocketCore, options: UdpServeOptions = {}): Promise<UdpDataSocket> {
    const host = options.host ?? "127.0.0.1";
    const socket = createSocket(isIPv6(host) ? "udp6" : "udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(options.port ?? core.port, host, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const port = socket.address().port;
    const previous = core.port;
    core.port = port;
    try {
      core.group.add(core);
    } catch (error) {
      core.port = previous;
      socket.close();
      throw error;
    }
    const report = options.onError ?? (() => {});
    socket.on("error", report);
    socket.on("message", (request, from) => {
      let reply: Uint8Array | undefined;
      try {
        reply = core.handle(request);
      } catch (error) {
        report(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (reply === undefined) return;
      if (reply.length > maxDatagramBytes) {
        report(new DatagramTooLargeError(`The reply of ${core.name} (port ${port})`, reply.length));
        return;
      }
      socket.send(reply, from.port, from.address, (error) => {
        if (error) report(error);
      });
    });
    return new UdpDataSocket(core, socket, host, port);
  }

  private closing: Promise<void> | undefined;

  /** Unbinds the port; closing twice is closing once. */
  close(): Promise<void> {
    this.core.group.remove(this.core);
    this.closing ??= new Promise((resolve) => this.socket.close(() => resolve()));
    return this.closing;
  }
}

export interface LiveSenderOptions {
  /** The live server's host and port. */
  readonly host: string;
  readonly port: number;
}

/** Sends a LiveSocket's datagrams to its live server from an ephemeral port; reads nothing back. */
export class UdpLiveSender {
  private constructor(
    readonly core: LiveSocketCore,
    private readonly socket: Socket,
    private readonly target: LiveSenderOptions,
  ) {}

  static async open(core: LiveSocketCore, target: LiveSenderOptions): Promise<UdpLiveSender> {
    const socket = createSocket(isIPv6(target.host) ? "udp6" : "udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return new UdpLiveSender(core, socket, target);
  }

  /** Sends one datagram the core made; a datagram too large for UDP throws, unsent. */
  send(datagram: Uint8Array): Promise<void> {
    if (datagram.length > maxDatagramBytes) {
      return Promise.reject(
        new DatagramTooLargeError(`The live datagram of ${this.core.pull.name}`, datagram.length),
      );
    }
    return new Promise((resolve, reject) =>
      this.socket.send(datagram, this.target.port, this.target.host, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  private closing: Promise<void> | undefined;

  /** Closes the sending socket; closing twice is closing once. */
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => this.socket.close(() => resolve()));
    return this.closing;
  }
}
