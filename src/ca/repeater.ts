/**
 * The CA repeater: one per host on EPICS_CA_REPEATER_PORT (5065), it hands the beacons
 * servers send to that port to every client on the host that registered. Clients use the
 * beacons to notice a server that restarted and search again at once.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { decodeDatagram, encode, ipv4ToU32, RemoteProtocolError } from "./codec/index.js";
import { readClientEnvironment } from "./env.js";
import { isLocalAddress } from "./interfaces.js";

export interface CaRepeaterOptions {
  /** UDP port to listen on (default EPICS_CA_REPEATER_PORT, 5065); 0 picks a free one. */
  port?: number;
  /** Address to bind (default every interface, where beacons arrive). */
  address?: string;
  log?: (line: string) => void;
}

/** A client that registered: where its beacons go. */
interface Registered {
  address: string;
  port: number;
}

export class CaRepeater {
  readonly #socket: Socket = createSocket({ type: "udp4", reuseAddr: false });
  readonly #clients = new Map<number, Registered>();
  readonly #options: CaRepeaterOptions;
  #port = 0;

  constructor(options: CaRepeaterOptions = {}) {
    this.#options = options;
    this.#socket.on("message", (datagram, peer) => this.#receive(datagram, peer));
    this.#socket.on("error", (error) => this.#options.log?.(`CA repeater: ${error.message}`));
  }

  /** Binds the port; rejects (EADDRINUSE) when another repeater has it. */
  start(): Promise<void> {
    const port = this.#options.port ?? readClientEnvironment().repeaterPort;
    return new Promise((resolve, reject) => {
      this.#socket.once("error", reject);
      this.#socket.bind(port, this.#options.address, () => {
        this.#socket.off("error", reject);
        this.#port = this.#socket.address().port;
        resolve();
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  /** Clients registered now. */
  get clientCount(): number {
    return this.#clients.size;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(datagram: Buffer, peer: RemoteInfo): void {
    // libca registers with an empty datagram (since R3.12), sent to each local address.
    let registering = datagram.length === 0;
    try {
      registering ||= decodeDatagram(datagram, "client").some(
        (m) => m.type === "RepeaterRegisterRequest",
      );
    } catch (error) {
      // Not ours to judge: whatever is not a registration is passed on as it came.
      if (!(error instanceof RemoteProtocolError)) throw error;
    }
    if (registering) this.#register(peer);
    else this.#fanOut(datagram, peer);
  }

  /** Only clients on this host may register (as in EPICS base). */
  #register(peer: RemoteInfo): void {
    if (!isLocalAddress(peer.address)) {
      this.#options.log?.(`CA repeater: ignored a registration from ${peer.address}`);
      return;
    }
    // By port: libca registers one socket from each local address, and one copy of each
    // beacon is enough.
    if (!this.#clients.has(peer.port)) {
      this.#clients.set(peer.port, { address: peer.address, port: peer.port });
    }
    const confirm = encode({
      type: "RepeaterConfirmResponse",
      repeaterAddress: ipv4ToU32(peer.address.replace(/^::ffff:/, "")),
    });
    this.#socket.send(confirm, peer.port, peer.address);
    void this.#forgetGone();
  }

  #fanOut(datagram: Buffer, from: RemoteInfo): void {
    for (const [key, client] of this.#clients) {
      if (client.port === from.port && client.address === from.address) continue;
      this.#socket.send(datagram, client.port, client.address, (error) => {
        if (error) this.#clients.delete(key);
      });
    }
  }

  /**
   * Drops clients whose port is free again (their process ended): UDP gives no error for a
   * datagram nobody reads, so the repeater asks the kernel, as EPICS base's does.
   */
  async #forgetGone(): Promise<void> {
    for (const [key, client] of [...this.#clients]) {
      if (await portIsFree(client.port)) this.#clients.delete(key);
    }
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createSocket("udp4");
    probe.once("error", () => {
      probe.close();
      resolve(false);
    });
    probe.bind(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}
