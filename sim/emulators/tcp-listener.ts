// A TCP port for byte emulators, as an instrument's Ethernet port: each accepted connection
// is handed to `serve` as a ByteTransport, and closing the listener cuts them all.
import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import type { ByteTransport } from "../../src/transports/index.js";

export interface TcpListenerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port, see `port` once listening. */
  port?: number;
  /** Serves one connection; the function it returns ends that service. */
  serve: (transport: ByteTransport) => Promise<() => Promise<void>>;
}

export class TcpListener {
  readonly host: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly stops = new Set<() => Promise<void>>();

  private constructor(host: string, server: Server) {
    this.host = host;
    this.server = server;
  }

  /** Listens; resolves once connections are accepted. */
  static async start({
    host = "127.0.0.1",
    port = 0,
    serve,
  }: TcpListenerOptions): Promise<TcpListener> {
    const server = createServer();
    const listener = new TcpListener(host, server);
    server.on("connection", (socket) => listener.accept(socket, serve));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return listener;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection. */
  async close(): Promise<void> {
    await Promise.all([...this.stops].map((stop) => stop()));
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket, serve: TcpListenerOptions["serve"]): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const transport = socketTransport(socket, `tcp-peer:${socket.remotePort ?? "?"}`);
    void serve(transport).then((stop) => {
      this.stops.add(stop);
      socket.once("close", () => this.stops.delete(stop));
    });
    socket.once("close", () => this.sockets.delete(socket));
    // A client that resets its connection is normal for an emulator; nothing to report.
    socket.on("error", () => undefined);
  }
}

/** The listener's end of one connection: already open; closing it ends the connection. */
function socketTransport(socket: Socket, name: string): ByteTransport {
  return {
    name,
    get isOpen() {
      return !socket.destroyed;
    },
    open: async () => undefined,
    close: async () => void socket.destroy(),
    write: (data) =>
      new Promise((resolve, reject) => {
        if (socket.destroyed) reject(new Error(`${name}: the connection is closed`));
        else socket.write(data, (error) => (error ? reject(error) : resolve()));
      }),
    onData: (listener) => {
      socket.on("data", listener);
      return () => socket.off("data", listener);
    },
    onClose: (listener) => {
      const closed = (): void => listener();
      socket.on("close", closed);
      return () => socket.off("close", closed);
    },
  };
}
