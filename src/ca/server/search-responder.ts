/**
 * The UDP side of the server: one socket per interface on the server port, answering
 * SEARCH for the names the provider knows. The replies to one datagram go back batched,
 * each reply datagram led by a VERSION echoing the client's sequence number.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import {
  CA_MINIMUM_MINOR_VERSION,
  CA_MINOR_VERSION,
  decodeDatagram,
  encode,
  ETHERNET_MAX_UDP,
  ipv4ToU32,
  type CaMessage,
} from "../codec/index.js";
import type { CaPvProvider } from "./provider.js";

export interface SearchResponderOptions {
  provider: CaPvProvider;
  /** The TCP port to report (known once the TCP side is bound). */
  tcpPort: () => number;
  /** Hosts whose searches are ignored (EPICS_CAS_IGNORE_ADDR_LIST). */
  ignore: ReadonlySet<string>;
  log: (line: string) => void;
}

const WILDCARD = "0.0.0.0";
/** "Use the datagram's source address" in a search reply. */
const SOURCE_ADDRESS = 0xffffffff;

export class SearchResponder {
  readonly #options: SearchResponderOptions;
  readonly #sockets: Socket[] = [];
  /** Datagrams dropped as undecodable, for diagnostics. */
  rejectedDatagrams = 0;

  constructor(options: SearchResponderOptions) {
    this.#options = options;
  }

  /** Binds one socket per interface on `port` (0: any, shared by all); returns the port. */
  async bind(interfaces: readonly string[], port: number): Promise<number> {
    let bound = port;
    for (const address of interfaces) {
      const socket = createSocket({ type: "udp4", reuseAddr: true });
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind({ address, port: bound }, () => {
          socket.off("error", reject);
          resolve();
        });
      }).catch((error: unknown) => {
        socket.close();
        // All or nothing, so a caller may retry on another port.
        this.close();
        throw error;
      });
      bound = socket.address().port;
      // A wildcard socket must not name an address: the reply's source is the right one.
      const replyAddress = address === WILDCARD ? SOURCE_ADDRESS : ipv4ToU32(address);
      socket.on("message", (bytes, remote) => this.#answer(socket, replyAddress, bytes, remote));
      socket.on("error", (error) =>
        this.#options.log(`CA server: UDP ${address}: ${error.message}`),
      );
      this.#sockets.push(socket);
    }
    return bound;
  }

  close(): void {
    for (const socket of this.#sockets.splice(0)) {
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    }
  }

  #answer(socket: Socket, replyAddress: number, bytes: Buffer, remote: RemoteInfo): void {
    if (this.#options.ignore.has(remote.address)) return;
    let messages: CaMessage[];
    try {
      messages = decodeDatagram(bytes, "client");
    } catch {
      // Not CA, or damaged: UDP has no one to tell.
      this.rejectedDatagrams++;
      return;
    }
    let sequenceNumber = 0;
    const replies: Uint8Array[] = [];
    for (const message of messages) {
      if (message.type === "UdpVersionRequest") {
        sequenceNumber = message.sequenceNumber;
      } else if (message.type === "SearchRequest") {
        if (message.minorVersion < CA_MINIMUM_MINOR_VERSION) continue;
        if (this.#has(message.name)) {
          replies.push(
            encode({
              type: "SearchResponse",
              cid: message.cid,
              port: this.#options.tcpPort(),
              serverAddress: replyAddress,
              minorVersion: CA_MINOR_VERSION,
            }),
          );
        } else if (message.replyIfNotFound) {
          replies.push(
            encode({
              type: "NotFoundResponse",
              cid: message.cid,
              minorVersion: message.minorVersion,
            }),
          );
        }
      }
    }
    if (replies.length === 0) return;
    const version = encode({
      type: "UdpVersionResponse",
      minorVersion: CA_MINOR_VERSION,
      sequenceNumber,
    });
    for (const datagram of pack(version, replies)) {
      socket.send(datagram, remote.port, remote.address, (error) => {
        if (error)
          this.#options.log(`CA server: search reply to ${remote.address}: ${error.message}`);
      });
    }
  }

  #has(name: string): boolean {
    try {
      return this.#options.provider.resolve(name) !== undefined;
    } catch {
      return false;
    }
  }
}

/** Replies packed into datagrams of at most ETHERNET_MAX_UDP bytes, each led by `version`. */
function pack(version: Uint8Array, replies: readonly Uint8Array[]): Buffer[] {
  const datagrams: Buffer[] = [];
  let parts: Uint8Array[] = [version];
  let size = version.length;
  for (const reply of replies) {
    if (size + reply.length > ETHERNET_MAX_UDP && parts.length > 1) {
      datagrams.push(Buffer.concat(parts));
      parts = [version];
      size = version.length;
    }
    parts.push(reply);
    size += reply.length;
  }
  datagrams.push(Buffer.concat(parts));
  return datagrams;
}
