/**
 * A Channel Access server for client tests, built on the codec with raw sockets on
 * 127.0.0.1, whose faults are switched on by the test: ignored searches, held replies,
 * refused creates, dropped circuits, malformed bytes, SERVER_DISCONN, silence to ECHO.
 * Every message it receives is logged, and tests await messages rather than time.
 */
import { EventEmitter } from "node:events";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";
import {
  AccessRights,
  CA_MINOR_VERSION,
  CaStreamReader,
  ECA,
  decodeDatagram,
  encode,
  encodeMessages,
  epicsTimestampFromUnix,
  type CaMessage,
  type CaMessageInput,
  type DbrValueInput,
  type DbrValueType,
  type EpicsTimestamp,
} from "../../../../src/ca/index.js";

export interface FakePv {
  type: DbrValueType;
  value: DbrValueInput;
  /** Native element count (default: the value's length). */
  count?: number;
  units?: string;
  precision?: number;
  status?: number;
  severity?: number;
  timestamp?: EpicsTimestamp;
  enumStrings?: string[];
  lowerDisplayLimit?: number;
  upperDisplayLimit?: number;
  /** AccessRights bits (default read | write). */
  access?: number;
}

interface Subscription {
  sid: number;
  subscriptionId: number;
  dataType: number;
  dataCount: number;
  mask: number;
}

interface Channel {
  name: string;
  cid: number;
  sid: number;
}

/** One client connection. */
export class FakeCircuit {
  readonly channels = new Map<number, Channel>();
  readonly subscriptions = new Map<number, Subscription>();
  constructor(readonly socket: Socket) {}

  send(...messages: CaMessageInput[]): void {
    if (!this.socket.destroyed) this.socket.write(encodeMessages(messages));
  }
}

export interface Received {
  message: CaMessage;
  via: "udp" | "tcp";
  circuit?: FakeCircuit;
}

export interface HeldRead {
  circuit: FakeCircuit;
  name: string;
  request: Extract<CaMessage, { type: "ReadNotifyRequest" }>;
}

export class FakeCaServer extends EventEmitter {
  readonly pvs = new Map<string, FakePv>();
  readonly received: Received[] = [];
  readonly circuits = new Set<FakeCircuit>();
  /** Names whose next N searches go unanswered. */
  readonly ignoreSearches = new Map<string, number>();
  /** Names whose CREATE_CHAN gets CREATE_CH_FAIL (N times; Infinity: always). */
  readonly refuseCreate = new Map<string, number>();
  /** Names whose CREATE_CHAN goes unanswered while they are here. */
  readonly holdCreates = new Set<string>();
  /** Names whose reads are held (not answered) until released. */
  readonly holdReads = new Set<string>();
  readonly heldReads: HeldRead[] = [];
  /** Names whose WRITE_NOTIFY replies are held until `completePuts`. */
  readonly holdPuts = new Set<string>();
  readonly heldPuts: {
    circuit: FakeCircuit;
    request: Extract<CaMessage, { type: "WriteNotifyRequest" }>;
  }[] = [];
  /** Answer searches at all (false: a server whose UDP is deaf). */
  answerSearches = true;
  /** Answer ECHO (false: a server that hangs). */
  answerEcho = true;
  /** The IP put in search replies (0 and 0xFFFFFFFF mean "the datagram's source"). */
  replyAddress = 0;
  /** The TCP port put in search replies (default: the real one). */
  replyPort: number | undefined;
  #udp!: UdpSocket;
  #tcp!: Server;
  #nextSid = 100;
  udpPort = 0;
  tcpPort = 0;

  /** Starts on 127.0.0.1, on ephemeral ports unless given (to restart on the same ones). */
  async start(ports: { udp?: number; tcp?: number } = {}): Promise<this> {
    this.#udp = createSocket({ type: "udp4" });
    this.#udp.on("message", (bytes, remote) =>
      this.#onDatagram(bytes, remote.address, remote.port),
    );
    await new Promise<void>((resolve) => this.#udp.bind(ports.udp ?? 0, "127.0.0.1", resolve));
    this.udpPort = this.#udp.address().port;
    this.#tcp = createServer((socket) => this.#onConnection(socket));
    await new Promise<void>((resolve) => this.#tcp.listen(ports.tcp ?? 0, "127.0.0.1", resolve));
    const address = this.#tcp.address();
    this.tcpPort = typeof address === "object" && address ? address.port : 0;
    return this;
  }

  /** The client environment that searches this server only. */
  get env(): Record<string, string> {
    return {
      EPICS_CA_ADDR_LIST: `127.0.0.1:${this.udpPort}`,
      EPICS_CA_AUTO_ADDR_LIST: "NO",
      EPICS_CA_MAX_ARRAY_BYTES: String(16 * 1024 * 1024),
      // Registrations with a repeater land here (and are ignored), not on a real one.
      EPICS_CA_REPEATER_PORT: String(this.udpPort),
    };
  }

  add(name: string, pv: FakePv): this {
    this.pvs.set(name, pv);
    return this;
  }

  /** Messages of `type` received so far. */
  messages<T extends CaMessage["type"]>(type: T): Extract<CaMessage, { type: T }>[] {
    return this.received
      .map((r) => r.message)
      .filter((m): m is Extract<CaMessage, { type: T }> => m.type === type);
  }

  /** Resolves once `count` messages of `type` (matching `where`) have been received. */
  waitFor<T extends CaMessage["type"]>(
    type: T,
    count = 1,
    where: (m: Extract<CaMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<CaMessage, { type: T }>[]> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        const found = this.messages(type).filter(where);
        if (found.length < count) return false;
        resolve(found);
        return true;
      };
      if (check()) return;
      const listener = (): void => {
        if (check()) this.off("message", listener);
      };
      this.on("message", listener);
    });
  }

  /** Resolves once `count` circuits are open. */
  waitForCircuits(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        if (this.circuits.size < count) return false;
        resolve();
        return true;
      };
      if (check()) return;
      const listener = (): void => {
        if (check()) this.off("circuit", listener);
      };
      this.on("circuit", listener);
    });
  }

  /** Changes a PV's value and posts it to its monitors. */
  post(name: string, value: DbrValueInput, changes: Partial<FakePv> = {}): void {
    const pv = this.pvs.get(name)!;
    Object.assign(pv, changes, { value, timestamp: epicsTimestampFromUnix(Date.now() / 1000) });
    for (const circuit of this.circuits) {
      for (const subscription of circuit.subscriptions.values()) {
        const channel = circuit.channels.get(subscription.sid);
        if (channel?.name === name) this.#update(circuit, subscription, pv);
      }
    }
  }

  /** Answers the held reads now. */
  releaseReads(): void {
    for (const held of this.heldReads.splice(0)) this.#answerRead(held.circuit, held.request);
  }

  /** Answers the held WRITE_NOTIFYs with `ecaStatus`. */
  completePuts(ecaStatus = ECA.NORMAL): void {
    for (const { circuit, request } of this.heldPuts.splice(0)) {
      circuit.send({
        type: "WriteNotifyResponse",
        dataType: request.dataType,
        dataCount: request.dataCount,
        ecaStatus,
        ioid: request.ioid,
      });
    }
  }

  /** Closes every circuit at once (a crash, a cable pulled). */
  dropCircuits(): void {
    for (const circuit of this.circuits) circuit.socket.destroy();
    this.circuits.clear();
  }

  /** Writes raw bytes to every circuit. */
  sendRaw(bytes: Uint8Array): void {
    for (const circuit of this.circuits) circuit.socket.write(bytes);
  }

  /** Sends a message to every circuit that has `name` open, with that channel's ids. */
  toChannel(name: string, make: (channel: Channel) => CaMessageInput): void {
    for (const circuit of this.circuits) {
      for (const channel of circuit.channels.values()) {
        if (channel.name === name) circuit.send(make(channel));
      }
    }
  }

  /** SERVER_DISCONN for `name`, forgetting its channels and monitors. */
  serverDisconnect(name: string): void {
    for (const circuit of this.circuits) {
      for (const [sid, channel] of circuit.channels) {
        if (channel.name !== name) continue;
        circuit.send({ type: "ServerDisconnResponse", cid: channel.cid });
        circuit.channels.delete(sid);
        for (const [id, s] of circuit.subscriptions)
          if (s.sid === sid) circuit.subscriptions.delete(id);
      }
    }
  }

  async close(): Promise<void> {
    this.dropCircuits();
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
    await new Promise<void>((resolve) => this.#tcp.close(() => resolve()));
  }

  #record(message: CaMessage, via: "udp" | "tcp", circuit?: FakeCircuit): void {
    this.received.push({ message, via, circuit });
    this.emit("message", message);
  }

  #onDatagram(bytes: Uint8Array, address: string, port: number): void {
    const messages = decodeDatagram(bytes, "client");
    const replies: CaMessageInput[] = [];
    let sequenceNumber = 0;
    for (const message of messages) {
      this.#record(message, "udp");
      if (message.type === "UdpVersionRequest") sequenceNumber = message.sequenceNumber;
      if (message.type !== "SearchRequest" || !this.answerSearches) continue;
      if (!this.pvs.has(message.name)) continue;
      const ignore = this.ignoreSearches.get(message.name) ?? 0;
      if (ignore > 0) {
        this.ignoreSearches.set(message.name, ignore - 1);
        continue;
      }
      replies.push({
        type: "SearchResponse",
        cid: message.cid,
        port: this.replyPort ?? this.tcpPort,
        serverAddress: this.replyAddress,
        minorVersion: CA_MINOR_VERSION,
      });
    }
    if (replies.length === 0) return;
    const datagram = encodeMessages([
      { type: "UdpVersionResponse", minorVersion: CA_MINOR_VERSION, sequenceNumber },
      ...replies,
    ]);
    this.#udp.send(datagram, port, address);
  }

  #onConnection(socket: Socket): void {
    socket.setNoDelay(true);
    const circuit = new FakeCircuit(socket);
    this.circuits.add(circuit);
    const reader = new CaStreamReader({ sender: "client" });
    socket.on("data", (chunk) => {
      for (const message of reader.push(chunk)) {
        this.#record(message, "tcp", circuit);
        this.#handle(circuit, message);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => this.circuits.delete(circuit));
    circuit.send({ type: "VersionResponse", priority: 0, minorVersion: CA_MINOR_VERSION });
    this.emit("circuit", circuit);
  }

  #handle(circuit: FakeCircuit, m: CaMessage): void {
    switch (m.type) {
      case "CreateChanRequest": {
        const pv = this.pvs.get(m.name);
        const refusals = this.refuseCreate.get(m.name) ?? 0;
        if (this.holdCreates.has(m.name)) return;
        if (!pv || refusals > 0) {
          this.refuseCreate.set(m.name, refusals - 1);
          circuit.send({ type: "CreateChFailResponse", cid: m.cid });
          return;
        }
        const sid = this.#nextSid++;
        circuit.channels.set(sid, { name: m.name, cid: m.cid, sid });
        circuit.send(
          {
            type: "AccessRightsResponse",
            cid: m.cid,
            accessRights: pv.access ?? AccessRights.READ | AccessRights.WRITE,
          },
          {
            type: "CreateChanResponse",
            cid: m.cid,
            sid,
            nativeType: pv.type,
            nativeCount: pv.count ?? lengthOf(pv.value),
          },
        );
        return;
      }
      case "ReadNotifyRequest": {
        const name = circuit.channels.get(m.sid)?.name ?? "";
        if (this.holdReads.has(name)) {
          this.heldReads.push({ circuit, name, request: m });
          this.emit("held");
          return;
        }
        this.#answerRead(circuit, m);
        return;
      }
      case "WriteRequest":
      case "WriteNotifyRequest": {
        const channel = circuit.channels.get(m.sid);
        const pv = channel && this.pvs.get(channel.name);
        if (!channel || !pv) return;
        const writable = ((pv.access ?? 3) & AccessRights.WRITE) !== 0;
        if (!writable && m.type === "WriteRequest") {
          const header = {
            command: 4,
            payloadSize: 8,
            dataType: m.dataType,
            dataCount: m.dataCount,
            parameter1: m.sid,
            parameter2: m.ioid,
          };
          circuit.send({
            type: "ErrorResponse",
            cid: channel.cid,
            ecaStatus: ECA.NOWTACCESS,
            offendingHeader: header,
            message: "write access denied",
          });
          return;
        }
        if (writable && m.data) this.post(channel.name, m.data.value);
        if (m.type === "WriteRequest") return;
        if (this.holdPuts.has(channel.name)) {
          this.heldPuts.push({ circuit, request: m });
          this.emit("held");
          return;
        }
        circuit.send({
          type: "WriteNotifyResponse",
          dataType: m.dataType,
          dataCount: m.dataCount,
          ecaStatus: writable ? ECA.NORMAL : ECA.NOWTACCESS,
          ioid: m.ioid,
        });
        return;
      }
      case "EventAddRequest": {
        const channel = circuit.channels.get(m.sid);
        if (!channel) return;
        const subscription = { ...m };
        circuit.subscriptions.set(m.subscriptionId, subscription);
        this.#update(circuit, subscription, this.pvs.get(channel.name)!);
        return;
      }
      case "EventCancelRequest":
        circuit.subscriptions.delete(m.subscriptionId);
        circuit.send({
          type: "EventCancelResponse",
          dataType: m.dataType,
          dataCount: m.dataCount,
          sid: m.sid,
          subscriptionId: m.subscriptionId,
        });
        return;
      case "ClearChannelRequest":
        circuit.channels.delete(m.sid);
        circuit.send({ type: "ClearChannelResponse", sid: m.sid, cid: m.cid });
        return;
      case "EchoRequest":
        if (this.answerEcho) circuit.send({ type: "EchoResponse" });
        return;
      default:
        return;
    }
  }

  #answerRead(circuit: FakeCircuit, m: Extract<CaMessage, { type: "ReadNotifyRequest" }>): void {
    const pv = this.pvs.get(circuit.channels.get(m.sid)?.name ?? "");
    if (!pv) return;
    const count = m.dataCount || lengthOf(pv.value);
    try {
      circuit.socket.write(
        encode({
          type: "ReadNotifyResponse",
          dataType: m.dataType,
          dataCount: count,
          ecaStatus: ECA.NORMAL,
          ioid: m.ioid,
          data: { ...pv, value: pv.value },
        }),
      );
    } catch {
      circuit.send({
        type: "ReadNotifyResponse",
        dataType: m.dataType,
        dataCount: count,
        ecaStatus: ECA.GETFAIL,
        ioid: m.ioid,
        data: null,
      });
    }
  }

  #update(circuit: FakeCircuit, s: Subscription, pv: FakePv): void {
    circuit.send({
      type: "EventAddResponse",
      dataType: s.dataType,
      dataCount: s.dataCount || lengthOf(pv.value),
      ecaStatus: ECA.NORMAL,
      subscriptionId: s.subscriptionId,
      data: { ...pv, value: pv.value },
    });
  }
}

function lengthOf(value: DbrValueInput): number {
  return typeof value === "string" || typeof value === "number" ? 1 : value.length;
}

/** A started server with `pvs`. */
export async function startFakeServer(pvs: Record<string, FakePv> = {}): Promise<FakeCaServer> {
  const server = await new FakeCaServer().start();
  for (const [name, pv] of Object.entries(pvs)) server.add(name, pv);
  return server;
}
