/**
 * The UDP socket searches go out of and replies come back to. It only moves datagrams:
 * the scheduler decides what to send, the client what a reply means.
 */
import { createSocket, type Socket } from "node:dgram";
import type { CaAddress } from "../env.js";
import {
  decodeDatagram,
  encode,
  type RsrvIsUpResponse,
  type SearchResponse,
} from "../codec/index.js";

export interface SearchSocketOptions {
  destinations: readonly CaAddress[];
  /** Allow broadcast destinations. */
  broadcast: boolean;
  onReply: (reply: SearchResponse, source: string) => void;
  /** A beacon the repeater forwarded. */
  onBeacon: (beacon: RsrvIsUpResponse, source: string) => void;
  log: (level: "debug" | "warn", message: string) => void;
}

export class SearchSocket {
  readonly #socket: Socket;
  readonly #options: SearchSocketOptions;
  readonly #ready: Promise<void>;
  #closed = false;
  #registered = false;

  constructor(options: SearchSocketOptions) {
    this.#options = options;
    this.#socket = createSocket({ type: "udp4" });
    this.#socket.on("message", (bytes, remote) => this.#receive(bytes, remote.address));
    this.#socket.on("error", (error) => options.log("warn", `search socket: ${error.message}`));
    this.#ready = new Promise((resolve) => {
      this.#socket.bind(0, () => {
        if (options.broadcast) this.#socket.setBroadcast(true);
        resolve();
      });
    });
  }

  /** Sends one datagram to every destination. */
  send(datagram: Uint8Array): void {
    void this.#ready.then(() => {
      if (this.#closed) return;
      for (const { host, port } of this.#options.destinations) {
        this.#socket.send(datagram, port, host, (error) => {
          if (error) this.#options.log("warn", `search to ${host}:${port}: ${error.message}`);
        });
      }
    });
  }

  /**
   * Asks the repeater on this host to forward beacons to this socket. Without a repeater
   * nothing comes back and searching goes on by its timer alone.
   */
  registerWithRepeater(port: number): void {
    const request = encode({ type: "RepeaterRegisterRequest", clientAddress: 0 });
    void this.#ready.then(() => {
      if (this.#closed) return;
      this.#socket.send(request, port, "127.0.0.1", () => undefined);
    });
  }

  /** Whether the repeater confirmed a registration. */
  get registered(): boolean {
    return this.#registered;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return this.#ready.then(
      () => new Promise<void>((resolve) => this.#socket.close(() => resolve())),
    );
  }

  #receive(bytes: Uint8Array, source: string): void {
    let messages;
    try {
      messages = decodeDatagram(bytes, "server");
    } catch (error) {
      this.#options.log("debug", `dropped a datagram from ${source}: ${String(error)}`);
      return;
    }
    for (const message of messages) {
      if (message.type === "SearchResponse") this.#options.onReply(message, source);
      else if (message.type === "RsrvIsUpResponse") this.#options.onBeacon(message, source);
      else if (message.type === "RepeaterConfirmResponse") this.#registered = true;
    }
  }
}
