/**
 * One client's TCP circuit: it frames the byte stream with the codec, answers each request
 * and owns the client's channels and subscriptions. Anything the client does wrong (a
 * damaged stream, an SID it was never given, a version we do not speak) closes this circuit
 * only, with one log line.
 */
import type { Socket } from "node:net";
import type { Clock, Timer } from "../../core/index.js";
import {
  AccessRights,
  CA_MINIMUM_MINOR_VERSION,
  CA_MINOR_VERSION,
  CaCommand,
  caCommandName,
  CaStreamReader,
  dbrLayout,
  dbrPayloadSize,
  ECA,
  encode,
  encodeMessages,
  padTo8,
  RemoteProtocolError,
  type CaHeader,
  type CaMessage,
  type CaMessageInput,
  type ClearChannelRequest,
  type CreateChanRequest,
  type EventAddRequest,
  type EventCancelRequest,
  type ReadNotifyRequest,
  type SearchRequest,
  type WriteNotifyRequest,
  type WriteRequest,
} from "../codec/index.js";
import { dbrReply, encodeReply, nativeWriteValue, type DbrReply } from "./dbr-reply.js";
import {
  CaPvError,
  type CaClientIdentity,
  type CaPv,
  type CaPvProvider,
  type CaPvState,
} from "./provider.js";
import { PutNotifyLine, type PutOutcome } from "./put-notify-line.js";
import { SendQueue, type MonitorSlot, type Outgoing } from "./send-queue.js";

/** What a circuit needs from its server. */
export interface CircuitContext {
  provider: CaPvProvider;
  clock: Clock;
  log: (line: string) => void;
  /** Largest reply payload for a count above a PV's own size. */
  maxArrayBytes: number;
  /** Largest request payload accepted before the circuit is closed. */
  maxPayloadSize: number;
  /** Seconds a client may leave its socket full before it is dropped. */
  stuckTimeout: number;
  /** Seconds a put-callback may hold up the next one on its channel. */
  putStallTimeout: number;
  /** Bytes waiting for a full socket before the client's requests stop being read. */
  maxBacklogBytes: number;
  /** The TCP port, for searches over TCP. */
  tcpPort(): number;
  onClosed(circuit: Circuit): void;
}

/** A snapshot of a circuit, for diagnostics and tests. */
export interface CircuitStats {
  peer: string;
  identity: CaClientIdentity;
  channels: number;
  subscriptions: number;
  /** Bytes queued here and in the socket's buffer. */
  backlogBytes: number;
  /** Subscriptions holding an unsent latest update. */
  pendingMonitors: number;
  /** Updates replaced by a newer one before they could be sent. */
  droppedUpdates: number;
  eventsOff: boolean;
}

interface Subscription extends MonitorSlot<CaPvState> {
  readonly id: number;
  readonly mask: number;
  /** False once cancelled: a provider may still call a listener it is removing. */
  active: boolean;
  unsubscribe(): void;
}

interface Channel {
  readonly sid: number;
  readonly cid: number;
  readonly name: string;
  readonly pv: CaPv;
  rights: number;
  readonly subscriptions: Map<number, Subscription>;
  /** Its put-callbacks, one at a time; made at the first. */
  puts?: PutNotifyLine<WriteNotifyRequest>;
}

/** A fault that ends the circuit. */
class CircuitFault extends Error {}

/**
 * Requests waiting behind a put-callback on their channel (puts, and the channel's requests
 * after them), over all of a circuit's channels, before the circuit's requests stop being
 * read. RSRV stops at the first.
 */
const MAX_HELD_REQUESTS = 64;

/** Server-disconnected SIDs remembered so a client's late request on one is not a fault. */
const MAX_TOMBSTONES = 4096;

export class Circuit {
  readonly peer: string;
  readonly identity: CaClientIdentity;
  readonly #socket: Socket;
  readonly #context: CircuitContext;
  readonly #reader: CaStreamReader;
  readonly #queue: SendQueue<CaPvState>;
  readonly #channels = new Map<number, Channel>();
  readonly #tombstones = new Set<number>();
  /** Requests received and not yet handled (only while replies back up). */
  #input: CaMessage[] = [];
  #inputHead = 0;
  #nextSid = 1;
  #clientMinorVersion = CA_MINOR_VERSION;
  #stuckTimer: Timer | undefined;
  #closed = false;
  /** Requests waiting behind a put-callback on their channel. */
  #heldRequests = 0;
  /** Reading stopped because too many requests wait behind put-callbacks. */
  #heldForPuts = false;

  constructor(socket: Socket, context: CircuitContext) {
    this.#socket = socket;
    this.#context = context;
    this.peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
    this.identity = { user: "", host: "", address: socket.remoteAddress ?? "" };
    this.#reader = new CaStreamReader({ sender: "client", maxPayloadSize: context.maxPayloadSize });
    this.#queue = new SendQueue<CaPvState>({ write: (bytes) => this.#write(bytes) });
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    socket.on("drain", () => this.#drained());
    socket.on("error", () => {
      // A vanished client (ECONNRESET, EPIPE) is normal; "close" follows and cleans up.
    });
    socket.on("close", () => this.#cleanUp());
    // V4.11+: the server speaks first.
    this.#send({ type: "VersionResponse", priority: 0, minorVersion: CA_MINOR_VERSION });
  }

  stats(): CircuitStats {
    let subscriptions = 0;
    for (const channel of this.#channels.values()) subscriptions += channel.subscriptions.size;
    return {
      peer: this.peer,
      identity: { ...this.identity },
      channels: this.#channels.size,
      subscriptions,
      backlogBytes: this.#queue.queuedBytes + this.#socket.writableLength,
      pendingMonitors: this.#queue.pendingMonitors,
      droppedUpdates: this.#queue.dropped,
      eventsOff: this.#queue.paused,
    };
  }

  /** Drops every channel to `name` with SERVER_DISCONN; returns how many. */
  disconnectChannels(name: string): number {
    let count = 0;
    for (const channel of [...this.#channels.values()]) {
      if (channel.name !== name) continue;
      this.#freeChannel(channel);
      this.#rememberGone(channel.sid);
      this.#send({ type: "ServerDisconnResponse", cid: channel.cid });
      count++;
    }
    return count;
  }

  /** Closes the circuit at once. */
  close(): void {
    this.#socket.destroy();
    this.#cleanUp();
  }

  // ---- input ----

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      for (const message of this.#reader.push(chunk)) this.#input.push(message);
    } catch (error) {
      this.#fault(error instanceof Error ? error.message : String(error));
      return;
    }
    this.#process();
  }

  /**
   * Handles the requests received so far. One TCP chunk can hold thousands of reads, each
   * answered with a large array, so handling stops while too many reply bytes wait and the
   * socket is no longer read; it goes on once they are written.
   */
  #process(): void {
    try {
      while (this.#inputHead < this.#input.length && !this.#closed) {
        if (this.#backlog() > this.#context.maxBacklogBytes) {
          this.#socket.pause();
          if (!this.#queue.blocked) setImmediate(() => this.#process());
          return;
        }
        if (this.#mustWaitForPuts(this.#input[this.#inputHead]!)) {
          this.#socket.pause();
          this.#heldForPuts = true; // a request leaving its line goes on with the rest
          return;
        }
        this.#handle(this.#input[this.#inputHead++]!);
      }
      this.#input = [];
      this.#inputHead = 0;
    } catch (error) {
      this.#faultFor(error);
      return;
    }
    if (this.#socket.isPaused() && !this.#closed) this.#socket.resume();
  }

  #faultFor(error: unknown): void {
    if (error instanceof RemoteProtocolError || error instanceof CircuitFault) {
      this.#fault(error.message);
    } else {
      this.#fault(`internal error: ${describe(error)}`);
    }
  }

  /**
   * Handles one request, unless its channel has put-callbacks waiting: then it waits behind
   * them, so that nothing the client sent later overtakes them (RSRV stops reading instead).
   */
  #handle(message: CaMessage): void {
    const line = this.#lineOf(message);
    if (line?.defer(() => this.#handleHeld(message))) {
      this.#heldRequests++;
      return;
    }
    this.#dispatch(message);
  }

  #handleHeld(message: CaMessage): void {
    if (this.#closed) return;
    try {
      this.#dispatch(message);
    } catch (error) {
      this.#faultFor(error);
    }
  }

  /** The put-callback line of the channel a request is about (put-callbacks go into it). */
  #lineOf(message: CaMessage): PutNotifyLine<WriteNotifyRequest> | undefined {
    switch (message.type) {
      case "ReadNotifyRequest":
      case "WriteRequest":
      case "EventAddRequest":
      case "EventCancelRequest":
      case "ClearChannelRequest":
        return this.#channels.get(message.sid)?.puts;
      default:
        return undefined;
    }
  }

  #dispatch(message: CaMessage): void {
    switch (message.type) {
      case "VersionRequest":
        if (message.minorVersion < CA_MINIMUM_MINOR_VERSION) {
          throw new CircuitFault(`protocol version 4.${message.minorVersion} is not supported`);
        }
        this.#clientMinorVersion = message.minorVersion;
        return;
      case "HostNameRequest":
        this.identity.host = message.name;
        return this.#recomputeRights();
      case "ClientNameRequest":
        this.identity.user = message.name;
        return this.#recomputeRights();
      case "CreateChanRequest":
        return this.#createChannel(message);
      case "ReadNotifyRequest":
        return this.#read(message);
      case "WriteRequest":
      case "WriteNotifyRequest":
        return this.#writeRequest(message);
      case "EventAddRequest":
        return this.#subscribe(message);
      case "EventCancelRequest":
        return this.#unsubscribe(message);
      case "ClearChannelRequest":
        return this.#clearChannel(message);
      case "EchoRequest":
        return this.#send({ type: "EchoResponse" });
      case "EventsOffRequest":
        this.#queue.paused = true;
        return;
      case "EventsOnRequest":
        this.#queue.paused = false;
        return;
      case "SearchRequest":
        return this.#search(message);
      default:
        // READ_SYNC and the repeater's REGISTER: accepted, nothing to do.
        return;
    }
  }

  // ---- channels ----

  #createChannel(request: CreateChanRequest): void {
    if (request.minorVersion >= CA_MINIMUM_MINOR_VERSION) {
      this.#clientMinorVersion = request.minorVersion;
    }
    const pv = this.#resolve(request.name);
    if (!pv) {
      this.#send({ type: "CreateChFailResponse", cid: request.cid });
      return;
    }
    const channel: Channel = {
      sid: this.#allocateSid(),
      cid: request.cid,
      name: request.name,
      pv,
      rights: this.#rightsOf(pv),
      subscriptions: new Map(),
    };
    this.#channels.set(channel.sid, channel);
    this.#sendAll([
      { type: "AccessRightsResponse", cid: channel.cid, accessRights: channel.rights },
      {
        type: "CreateChanResponse",
        cid: channel.cid,
        sid: channel.sid,
        nativeType: pv.nativeType,
        nativeCount: pv.maxCount,
      },
    ]);
  }

  #clearChannel(request: ClearChannelRequest): void {
    const channel = this.#channels.get(request.sid);
    if (channel) {
      this.#freeChannel(channel);
      this.#rememberGone(request.sid); // requests already on their way are ignored
    } else if (!this.#tombstones.has(request.sid)) {
      this.#channel(request.sid, requestHeader(CaCommand.CLEAR_CHANNEL, request.sid, request.cid));
      return;
    }
    this.#send({ type: "ClearChannelResponse", sid: request.sid, cid: request.cid });
  }

  #freeChannel(channel: Channel): void {
    // Requests held behind its puts are handled once the channel is gone, as any request on
    // a dropped SID: a CLEAR_CHANNEL among them is still answered.
    const held = channel.puts?.close() ?? [];
    if (held.length > 0) queueMicrotask(() => held.forEach((task) => task()));
    for (const subscription of channel.subscriptions.values()) this.#endSubscription(subscription);
    channel.subscriptions.clear();
    this.#channels.delete(channel.sid);
  }

  #rememberGone(sid: number): void {
    if (this.#tombstones.size >= MAX_TOMBSTONES) {
      this.#tombstones.delete(this.#tombstones.values().next().value!);
    }
    this.#tombstones.add(sid);
  }

  /**
   * The channel of `sid`. A SID the server dropped is answered by nothing (the client has
   * been told); any other unknown SID by ERROR ECA_BADCHID, as RSRV does, keeping the
   * circuit: a client's late request on a channel it cleared is no reason to drop the rest.
   */
  #channel(sid: number, offending: CaHeader): Channel | undefined {
    const channel = this.#channels.get(sid);
    if (channel || this.#tombstones.has(sid)) return channel;
    const command = caCommandName(offending.command);
    this.#send({
      type: "ErrorResponse",
      cid: 0,
      ecaStatus: ECA.BADCHID,
      offendingHeader: offending,
      message: `${command} on SID ${sid}, which this circuit does not have`,
    });
    return undefined;
  }

  #allocateSid(): number {
    while (this.#channels.has(this.#nextSid) || this.#tombstones.has(this.#nextSid)) {
      this.#nextSid = (this.#nextSid + 1) >>> 0;
    }
    const sid = this.#nextSid;
    this.#nextSid = (this.#nextSid + 1) >>> 0;
    return sid;
  }

  #resolve(name: string): CaPv | undefined {
    try {
      return this.#context.provider.resolve(name);
    } catch (error) {
      this.#context.log(`CA server: resolving "${name}" failed: ${describe(error)}`);
      return undefined;
    }
  }

  #rightsOf(pv: CaPv): number {
    try {
      if (pv.accessRights) return pv.accessRights({ ...this.identity }) & AccessRights.READ_WRITE;
    } catch {
      return AccessRights.NONE;
    }
    return pv.write ? AccessRights.READ_WRITE : AccessRights.READ;
  }

  /** Asks every channel's PV for this client's rights again; sends those that changed. */
  refreshAccessRights(): void {
    this.#recomputeRights();
  }

  #recomputeRights(): void {
    for (const channel of this.#channels.values()) {
      const rights = this.#rightsOf(channel.pv);
      if (rights === channel.rights) continue;
      channel.rights = rights;
      this.#send({ type: "AccessRightsResponse", cid: channel.cid, accessRights: rights });
    }
  }

  // ---- reads and monitors ----

  #replyFor(
    channel: Channel,
    state: CaPvState | undefined,
    dataType: number,
    count: number,
  ): DbrReply {
    if (!(channel.rights & AccessRights.READ)) {
      return { ecaStatus: ECA.NORDACCESS, dataCount: 0, data: null };
    }
    if (state === undefined) return { ecaStatus: ECA.GETFAIL, dataCount: 0, data: null };
    return dbrReply(channel.pv, state, dataType, count, {
      maxArrayBytes: this.#context.maxArrayBytes,
      clientMinorVersion: this.#clientMinorVersion,
    });
  }

  #read(request: ReadNotifyRequest): void {
    const channel = this.#channel(
      request.sid,
      requestHeader(CaCommand.READ_NOTIFY, request.sid, request.ioid, request),
    );
    if (!channel) return;
    const reply = this.#replyFor(
      channel,
      this.#readPv(channel),
      request.dataType,
      request.dataCount,
    );
    this.#queue.reply(
      encodeReply(reply, (r) => ({
        type: "ReadNotifyResponse",
        dataType: request.dataType,
        dataCount: r.dataCount,
        ecaStatus: r.ecaStatus,
        ioid: request.ioid,
        data: r.data,
      })),
    );
  }

  #readPv(channel: Channel): CaPvState | undefined {
    try {
      return channel.pv.read();
    } catch (error) {
      this.#context.log(`CA server: reading "${channel.name}" failed: ${describe(error)}`);
      return undefined;
    }
  }

  #subscribe(request: EventAddRequest): void {
    const channel = this.#channel(
      request.sid,
      requestHeader(CaCommand.EVENT_ADD, request.sid, request.subscriptionId, request, 16),
    );
    if (!channel) return;
    const { dataType, dataCount, subscriptionId: id } = request;
    const encodeUpdate = (r: DbrReply): Outgoing =>
      encodeReply(r, (x) => ({
        type: "EventAddResponse",
        dataType,
        dataCount: x.dataCount,
        ecaStatus: x.ecaStatus,
        subscriptionId: id,
        data: x.data,
      }));
    if ((request.mask & 0xf) === 0) {
      this.#queue.reply(encodeUpdate({ ecaStatus: ECA.BADMASK, dataCount: 0, data: null }));
      return;
    }
    const previous = channel.subscriptions.get(id);
    if (previous) this.#endSubscription(previous);
    const subscription: Subscription = {
      id,
      mask: request.mask,
      active: true,
      pending: undefined,
      // Runs in the deferred flush: a provider's state that cannot be encoded at all (not
      // just converted) must fail this update, not the process.
      encode: (state) => {
        try {
          return encodeUpdate(this.#replyFor(channel, state, dataType, dataCount));
        } catch (error) {
          this.#context.log(`CA server: an update of "${channel.name}" failed: ${describe(error)}`);
          return encodeUpdate({ ecaStatus: ECA.GETFAIL, dataCount: 0, data: null });
        }
      },
      unsubscribe: () => {},
    };
    channel.subscriptions.set(id, subscription);
    try {
      subscription.unsubscribe = channel.pv.subscribe((update) => {
        if (subscription.active && update.events & subscription.mask) {
          this.#queue.monitor(subscription, update.state);
        }
      });
    } catch (error) {
      channel.subscriptions.delete(id);
      this.#context.log(`CA server: subscribing to "${channel.name}" failed: ${describe(error)}`);
      this.#queue.reply(encodeUpdate({ ecaStatus: ECA.ADDFAIL, dataCount: 0, data: null }));
      return;
    }
    const state = this.#readPv(channel);
    // The first update goes out at once, a failed one included: clients wait for it.
    if (state !== undefined) this.#queue.monitor(subscription, state);
    else this.#queue.reply(encodeUpdate({ ecaStatus: ECA.GETFAIL, dataCount: 0, data: null }));
  }

  #unsubscribe(request: EventCancelRequest): void {
    // A cancel of a subscription that is gone has nothing left to do.
    const channel = this.#channels.get(request.sid);
    const subscription = channel?.subscriptions.get(request.subscriptionId);
    if (!channel || !subscription) return;
    this.#endSubscription(subscription);
    channel.subscriptions.delete(subscription.id);
    this.#send({
      type: "EventCancelResponse",
      dataType: request.dataType,
      dataCount: request.dataCount,
      sid: request.sid,
      subscriptionId: request.subscriptionId,
    });
  }

  #endSubscription(subscription: Subscription): void {
    subscription.active = false;
    this.#queue.discard(subscription);
    try {
      subscription.unsubscribe();
    } catch {
      // The provider's cleanup failing must not keep the channel alive.
    }
  }

  // ---- writes ----

  #writeRequest(request: WriteRequest | WriteNotifyRequest): void {
    const channel = this.#channel(request.sid, offendingHeader(request));
    if (!channel) return;
    if (request.type === "WriteRequest") {
      const outcome = this.#applyWrite(channel, request);
      if (outcome instanceof Promise)
        void outcome.then((done) => this.#writeFailed(channel, request, done));
      else this.#writeFailed(channel, request, outcome);
      return;
    }
    if (!this.#mayWrite(channel)) {
      // Refused at once, but not before the requests the client sent ahead of it.
      const refuse = (): void => this.#answerPut(channel, request, this.#noWriteAccess(channel));
      if (channel.puts?.defer(refuse)) this.#heldRequests++;
      else refuse();
      return;
    }
    channel.puts ??= new PutNotifyLine({
      clock: this.#context.clock,
      stallTimeout: this.#context.putStallTimeout,
      // Its rights were checked as it arrived, as RSRV checks them before a put waits.
      run: (put) => this.#applyWrite(channel, put, true),
      answer: (put, outcome) => this.#answerPut(channel, put, outcome),
      leftQueue: () => this.#putLeftQueue(),
    });
    if (channel.puts.submit(request)) this.#heldRequests++;
  }

  #mayWrite(channel: Channel): boolean {
    return (channel.rights & AccessRights.WRITE) !== 0 && channel.pv.write !== undefined;
  }

  #noWriteAccess(channel: Channel): PutOutcome {
    return { eca: ECA.NOWTACCESS, message: `no write access to ${channel.name}` };
  }

  /** Writes the request's value to the PV; the outcome comes when the write has completed. */
  #applyWrite(
    channel: Channel,
    request: WriteRequest | WriteNotifyRequest,
    rightsChecked = false,
  ): PutOutcome | Promise<PutOutcome> {
    const { pv } = channel;
    const allowed = rightsChecked || (channel.rights & AccessRights.WRITE) !== 0;
    if (!pv.write || !allowed) return this.#noWriteAccess(channel);
    let completion: Promise<void> | void;
    try {
      const state = pv.read();
      const value = nativeWriteValue(pv, state, request.dataType, request.data, request.dataStatus);
      completion = pv.write(value, { ...this.identity });
    } catch (error) {
      return { eca: ecaOf(error), message: describe(error) };
    }
    if (completion === undefined) return DONE;
    return Promise.resolve(completion).then(
      () => DONE,
      (error: unknown) => ({ eca: ecaOf(error), message: describe(error) }),
    );
  }

  /** A plain WRITE has no answer unless it failed: then an ERROR. */
  #writeFailed(channel: Channel, request: WriteRequest, outcome: PutOutcome): void {
    if (outcome.eca === ECA.NORMAL || this.#closed || !this.#channels.has(channel.sid)) return;
    this.#send({
      type: "ErrorResponse",
      cid: channel.cid,
      ecaStatus: outcome.eca,
      offendingHeader: offendingHeader(request),
      message: outcome.message,
    });
  }

  #answerPut(channel: Channel, request: WriteNotifyRequest, outcome: PutOutcome): void {
    if (this.#closed || !this.#channels.has(channel.sid)) return;
    this.#send({
      type: "WriteNotifyResponse",
      dataType: request.dataType,
      dataCount: request.dataCount,
      ecaStatus: outcome.eca,
      ioid: request.ioid,
    });
  }

  /**
   * Too many requests wait behind put-callbacks; or the client renames itself, which may
   * change its rights, while requests it sent before still wait to be checked against them.
   */
  #mustWaitForPuts(next: CaMessage): boolean {
    if (this.#heldRequests >= MAX_HELD_REQUESTS) return true;
    const renames = next.type === "HostNameRequest" || next.type === "ClientNameRequest";
    return renames && this.#heldRequests > 0;
  }

  #putLeftQueue(): void {
    this.#heldRequests--;
    if (!this.#heldForPuts || this.#closed) return;
    this.#heldForPuts = false;
    setImmediate(() => this.#process()); // not from inside a request being handled
  }

  // ---- searches over TCP (V4.12 name servers) ----

  #search(request: SearchRequest): void {
    if (this.#resolve(request.name)) {
      this.#send({
        type: "SearchResponse",
        cid: request.cid,
        port: this.#context.tcpPort(),
        serverAddress: 0xffffffff,
        minorVersion: CA_MINOR_VERSION,
      });
    } else if (request.replyIfNotFound) {
      this.#send({
        type: "NotFoundResponse",
        cid: request.cid,
        minorVersion: request.minorVersion,
      });
    }
  }

  // ---- output ----

  #send(message: CaMessageInput): void {
    this.#queue.reply(encode(message));
  }

  #sendAll(messages: CaMessageInput[]): void {
    this.#queue.reply(encodeMessages(messages));
  }

  #write(bytes: Uint8Array): boolean {
    if (this.#closed || this.#socket.destroyed) return true;
    const ok = this.#socket.write(bytes);
    if (!ok && !this.#stuckTimer) {
      this.#stuckTimer = this.#context.clock.schedule(this.#context.stuckTimeout, () => {
        this.#stuckTimer = undefined;
        this.#fault(
          `the client has not read for ${this.#context.stuckTimeout} s ` +
            `(${this.#backlog()} bytes waiting)`,
        );
      });
    }
    return ok;
  }

  #drained(): void {
    this.#stuckTimer?.cancel();
    this.#stuckTimer = undefined;
    this.#queue.drained();
    this.#process();
  }

  #backlog(): number {
    return this.#queue.queuedBytes + this.#socket.writableLength;
  }

  // ---- end ----

  #fault(reason: string): void {
    if (this.#closed) return;
    this.#context.log(`CA server: closing the circuit of ${this.peer}: ${reason}`);
    this.#socket.destroy();
    this.#cleanUp();
  }

  #cleanUp(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stuckTimer?.cancel();
    this.#stuckTimer = undefined;
    for (const channel of [...this.#channels.values()]) this.#freeChannel(channel);
    this.#tombstones.clear();
    this.#input = [];
    this.#queue.close();
    this.#context.onClosed(this);
  }
}

const DONE: PutOutcome = { eca: ECA.NORMAL, message: "" };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function ecaOf(error: unknown): number {
  return error instanceof CaPvError && error.eca !== undefined ? error.eca : ECA.PUTFAIL;
}

/** The header of a write as the client sent it, for the ERROR that answers it. */
/** The header of a request without payload, for an ERROR about it. */
function requestHeader(
  command: number,
  parameter1: number,
  parameter2: number,
  typed: { dataType: number; dataCount: number } = { dataType: 0, dataCount: 0 },
  payloadSize = 0,
): CaHeader {
  return { command, payloadSize, ...typed, parameter1, parameter2 };
}

function offendingHeader(request: WriteRequest | WriteNotifyRequest): CaHeader {
  const layout = dbrLayout(request.dataType);
  return {
    command: request.type === "WriteRequest" ? CaCommand.WRITE : CaCommand.WRITE_NOTIFY,
    payloadSize: layout
      ? Math.min(padTo8(dbrPayloadSize(layout, request.dataCount)), 0xfffffff8)
      : 0,
    dataType: request.dataType,
    dataCount: request.dataCount,
    parameter1: request.sid,
    parameter2: request.ioid,
  };
}
