// Peers for delivery tests: a sink whose peer is a gate the test opens and shuts, and a
// JSONL-over-TCP sink with a receiver process-side server that can be killed and restarted.
import { Socket, createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import type { NamedDocument } from "../../../src/core/index.js";
import type { DocumentSequence, DocumentSink } from "../../../src/callbacks/index.js";

export interface Received {
  document: NamedDocument;
  sequence: DocumentSequence | undefined;
}

/** Takes documents while `up`; refuses them while down; never answers while `stalled`. */
export class GatedSink implements DocumentSink {
  readonly name = "gated";
  readonly received: Received[] = [];
  up = true;
  stalled = false;
  attempts = 0;

  send(document: NamedDocument, sequence?: DocumentSequence): Promise<void> {
    this.attempts += 1;
    if (this.stalled) return new Promise(() => undefined);
    if (!this.up) return Promise.reject(new Error("peer is away"));
    this.received.push({ document, sequence });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Sends each document as one line `[name, doc, {run, seq}]` and waits for the receiver's
 * line of acknowledgement; a closed or refused connection rejects, and the next send
 * connects again.
 */
export class TcpJsonlSink implements DocumentSink {
  readonly name: string;
  private socket: Socket | undefined;
  private waiting: { resolve: () => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly port: number) {
    this.name = `jsonl tcp://127.0.0.1:${port}`;
  }

  async send(document: NamedDocument, sequence?: DocumentSequence): Promise<void> {
    const socket = this.socket ?? (await this.connect());
    await new Promise<void>((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(`${JSON.stringify([...document, sequence])}\n`);
    });
  }

  close(): Promise<void> {
    this.socket?.destroy();
    return Promise.resolve();
  }

  private connect(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const fail = (error: Error): void => {
        if (this.socket === socket) this.socket = undefined;
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting?.reject(error);
        reject(error);
      };
      socket.once("error", fail);
      socket.once("close", () => fail(new Error("receiver closed the connection")));
      socket.on("data", () => {
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting?.resolve();
      });
      socket.connect(this.port, "127.0.0.1", () => {
        this.socket = socket;
        resolve(socket);
      });
    });
  }
}

/** The receiving end of TcpJsonlSink: acknowledges each line; kill() drops everything. */
export class TcpJsonlReceiver {
  readonly received: Received[] = [];
  port = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  async start(port = 0): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined);
      let carry = "";
      socket.on("data", (chunk) => {
        const lines = (carry + chunk.toString("utf8")).split("\n");
        carry = lines.pop()!;
        for (const line of lines) {
          const [name, doc, sequence] = JSON.parse(line) as [string, unknown, DocumentSequence];
          this.received.push({ document: [name, doc] as NamedDocument, sequence });
          socket.write("ok\n");
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  kill(): void {
    this.server?.close();
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
  }
}
