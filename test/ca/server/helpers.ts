/** A raw CA client over loopback, built on the codec only, to drive the server in tests. */
import { createSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import {
  CaServer,
  CaStreamReader,
  DBE,
  DBR,
  decodeDatagram,
  encodeMessages,
  pvProvider,
  type CaMessage,
  type CaMessageInput,
  type CaPv,
  type CaServerOptions,
  type EventAddRequest,
} from "../../../src/ca/index.js";

export const LOOPBACK = "127.0.0.1";

/** A server on loopback, any port, no beacons, no environment. */
export async function startServer(
  pvs: Map<string, CaPv> | Record<string, CaPv>,
  options: Partial<CaServerOptions> = {},
): Promise<CaServer> {
  const server = new CaServer({
    provider: pvProvider(pvs),
    env: {},
    interfaces: [LOOPBACK],
    port: 0,
    beaconAddresses: [],
    autoBeaconAddresses: false,
    ...options,
  });
  await server.start();
  return server;
}

type Of<T extends CaMessage["type"]> = Extract<CaMessage, { type: T }>;

export class RawClient {
  readonly socket: Socket;
  readonly #reader = new CaStreamReader({ sender: "server" });
  readonly #inbox: CaMessage[] = [];
  #wake: (() => void) | undefined;
  closed = false;
  #nextCid = 1;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk) => {
      this.#inbox.push(...this.#reader.push(chunk));
      this.#wake?.();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.#wake?.();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    // Each request goes out when sent, as libca's do: Nagle would hold a second one back
    // until the server's delayed ACK, tens of milliseconds later.
    const socket = connect({ host: LOOPBACK, port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket);
  }

  /** Connects, sends the handshake and consumes the server's VERSION. */
  static async open(port: number, minorVersion = 13): Promise<RawClient> {
    const client = await RawClient.connect(port);
    client.send(
      { type: "VersionRequest", priority: 0, minorVersion },
      { type: "HostNameRequest", name: "testhost" },
      { type: "ClientNameRequest", name: "tester" },
    );
    await client.next("VersionResponse");
    return client;
  }

  send(...messages: CaMessageInput[]): void {
    this.socket.write(encodeMessages(messages));
  }

  /** EVENT_ADD on `sid`: subscription 1, one DOUBLE, DBE_VALUE unless `fields` say otherwise. */
  monitor(sid: number, fields: Partial<Omit<EventAddRequest, "type" | "sid">> = {}): void {
    this.send({
      type: "EventAddRequest",
      sid,
      subscriptionId: 1,
      dataType: DBR.DOUBLE,
      dataCount: 1,
      mask: DBE.VALUE,
      ...fields,
    });
  }

  /** Messages received and not yet taken. */
  get inbox(): readonly CaMessage[] {
    return this.#inbox;
  }

  /** Takes every message received so far. */
  drain(): CaMessage[] {
    return this.#inbox.splice(0);
  }

  /** The next message of `type` (earlier messages of other types are kept). */
  async next<T extends CaMessage["type"]>(
    type: T,
    predicate: (m: Of<T>) => boolean = () => true,
    timeoutMs = 2000,
  ): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#inbox.findIndex((m) => m.type === type && predicate(m as Of<T>));
      if (index >= 0) return this.#inbox.splice(index, 1)[0] as Of<T>;
      if (this.closed) throw new Error(`circuit closed while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits until the server closes the circuit. */
  async closedByServer(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error("the server did not close the circuit");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Creates a channel; resolves with its SID, native type and count and access rights. */
  async create(name: string): Promise<{
    cid: number;
    sid: number;
    nativeType: number;
    nativeCount: number;
    rights: number;
  }> {
    const cid = this.#nextCid++;
    this.send({ type: "CreateChanRequest", name, cid, minorVersion: 13 });
    const rights = await this.next("AccessRightsResponse", (m) => m.cid === cid);
    const created = await this.next("CreateChanResponse", (m) => m.cid === cid);
    return {
      cid,
      sid: created.sid,
      nativeType: created.nativeType,
      nativeCount: created.nativeCount,
      rights: rights.accessRights,
    };
  }

  async read(sid: number, dataType: number = DBR.DOUBLE, dataCount = 0, ioid = 77) {
    this.send({ type: "ReadNotifyRequest", sid, ioid, dataType, dataCount });
    return this.next("ReadNotifyResponse", (m) => m.ioid === ioid);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends one datagram to the server's UDP port and collects the replies for `waitMs`. */
export async function udpExchange(
  port: number,
  datagram: Uint8Array,
  waitMs = 150,
): Promise<Array<{ messages: CaMessage[]; size: number }>> {
  const socket = createSocket("udp4");
  const replies: Array<{ messages: CaMessage[]; size: number }> = [];
  socket.on("message", (bytes) =>
    replies.push({ messages: decodeDatagram(bytes, "server"), size: bytes.length }),
  );
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  socket.send(datagram, port, LOOPBACK);
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  socket.close();
  return replies;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
