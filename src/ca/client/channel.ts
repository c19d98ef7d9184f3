/**
 * A named process variable seen through the client: searched, connected on a circuit,
 * re-searched when the circuit or the PV goes away. Requests wait for the connection (up
 * to their timeout) so callers need not order them after `connected()`.
 */
import type { Clock } from "../../core/index.js";
import {
  AccessRights,
  CA_MINOR_VERSION,
  ECA,
  caVersionSupports,
  dbrTypeName,
  type CreateChanResponse,
  type DbrData,
  type DbrType,
  type DbrValueInput,
  type DbrValueType,
} from "../codec/index.js";
import type { Circuit } from "./circuit.js";
import { Emitter } from "./emitter.js";
import { CaClosedError, CaDisconnectedError, CaStatusError, CaTimeoutError } from "./errors.js";
import type { RequestTable } from "./requests.js";
import {
  payloadBytes,
  putCount,
  putRequestType,
  resolveRequestType,
  type CaRequestType,
} from "./request-type.js";
import {
  CaSubscription,
  type CaMonitorListener,
  type CaMonitorOptions,
  type SubscriptionTarget,
} from "./subscription.js";

/**
 * searching → connecting (CREATE_CHAN sent) → connected; closed is final. A connected
 * channel whose server stops answering ECHOes is `unresponsive` (disconnected for requests,
 * which wait or time out) until the server is heard from again, as in libca.
 */
export type CaChannelState = "searching" | "connecting" | "connected" | "unresponsive" | "closed";

export interface CaAccessRights {
  read: boolean;
  write: boolean;
}

export interface CaConnectionInfo {
  /** "host:port" of the server. */
  server: string;
  /** The native (DBF) type: DBR.STRING ... DBR.DOUBLE. */
  nativeType: DbrValueType;
  nativeCount: number;
  accessRights: CaAccessRights;
}

/** The events of a channel, with their listeners' arguments. */
export interface CaChannelEvents {
  connect: [info: CaConnectionInfo];
  /** The server or the circuit went away; the channel is searched again. */
  disconnect: [reason: string];
  accessRights: [rights: CaAccessRights];
  /** Failures no request waits for: an ERROR about a WRITE, a failed monitor update. */
  error: [error: Error];
}

export interface CaChannelOptions {
  /** Circuit priority, 0–99 (default 0); channels of one priority share a circuit. */
  priority?: number;
}

export interface CaGetOptions {
  /** A DBR type or a form of the native type (default "native", the plain value). */
  type?: CaRequestType;
  /** Elements (default: the current length, or the native count before V4.13). */
  count?: number;
  /** Seconds for the connection and the reply together (default: the client's timeout). */
  timeout?: number;
}

export interface CaPutOptions {
  /** WRITE_NOTIFY: resolve when the server reports the put complete (default false). */
  wait?: boolean;
  /** Seconds (default: the client's timeout to connect; 300 for the completion of a wait). */
  timeout?: number;
  /** The DBR type to send (default: DBR_STRING for text, else the native type). */
  type?: DbrType;
  /** Elements to send (default: the value's length). */
  count?: number;
}

/** How a channel reaches its client. */
export interface ChannelHost {
  readonly clock: Clock;
  readonly defaultTimeout: number;
  readonly maxArrayBytes: number;
  readonly requests: RequestTable;
  search(channel: CaChannel, startAttempt: number): void;
  stopSearch(channel: CaChannel): void;
  searchDetail(channel: CaChannel): string;
  newSubscriptionId(subscription: (id: number) => CaSubscription): CaSubscription;
  dropSubscription(subscription: CaSubscription): void;
  forget(channel: CaChannel): void;
  reportListenerError(error: unknown): void;
}

const NO_RIGHTS: CaAccessRights = { read: false, write: false };
/** pyepics' default for put(wait=True): a motor move may take minutes. */
const PUT_WAIT_TIMEOUT = 300;

export class CaChannel {
  readonly name: string;
  readonly cid: number;
  readonly priority: number;
  readonly #host: ChannelHost;
  readonly #events: Emitter<CaChannelEvents>;
  readonly #subscriptions = new Set<CaSubscription>();
  /** Rejects the `connected()` waiters when the channel is closed. */
  readonly #closeWaiters = new Set<() => void>();
  #state: CaChannelState = "searching";
  #circuit: Circuit | undefined;
  #sid = 0;
  #nativeType: DbrValueType = 0;
  #nativeCount = 0;
  #rights: CaAccessRights = NO_RIGHTS;
  #failedConnects = 0;
  /** The last thing that went wrong while connecting, for the timeout message. */
  #problem: string | undefined;

  /** @internal Made by CaClient.channel. */
  constructor(host: ChannelHost, name: string, cid: number, options: CaChannelOptions) {
    this.#host = host;
    this.name = name;
    this.cid = cid;
    this.priority = options.priority ?? 0;
    this.#events = new Emitter((error) => host.reportListenerError(error));
    host.search(this, 0);
  }

  get state(): CaChannelState {
    return this.#state;
  }

  get isConnected(): boolean {
    return this.#state === "connected";
  }

  /** The native type while connected (DBR.STRING ... DBR.DOUBLE). */
  get nativeType(): DbrValueType | undefined {
    return this.isConnected ? this.#nativeType : undefined;
  }

  get nativeCount(): number | undefined {
    return this.isConnected ? this.#nativeCount : undefined;
  }

  get accessRights(): CaAccessRights {
    return this.#rights;
  }

  /** "host:port" of the server while connected. */
  get server(): string | undefined {
    return this.isConnected ? this.#circuit?.address : undefined;
  }

  /** @internal The circuit while connecting or connected. */
  get circuit(): Circuit | undefined {
    return this.#circuit;
  }

  on<K extends keyof CaChannelEvents>(
    event: K,
    listener: (...args: CaChannelEvents[K]) => void,
  ): () => void {
    return this.#events.on(event, listener);
  }

  off<K extends keyof CaChannelEvents>(
    event: K,
    listener: (...args: CaChannelEvents[K]) => void,
  ): void {
    this.#events.off(event, listener);
  }

  /** Resolves once connected; CaTimeoutError after `timeout` seconds (default: the client's). */
  connected(timeout = this.#host.defaultTimeout): Promise<void> {
    if (this.#state === "connected") return Promise.resolve();
    if (this.#state === "closed") return Promise.reject(new CaClosedError(this.name, "connect"));
    return new Promise((resolve, reject) => {
      const offConnect = this.#events.once("connect", () => {
        timer?.cancel();
        offClosed();
        resolve();
      });
      const onClosed = (): void => {
        timer?.cancel();
        offConnect();
        reject(new CaClosedError(this.name, "connect"));
      };
      this.#closeWaiters.add(onClosed);
      const offClosed = (): boolean => this.#closeWaiters.delete(onClosed);
      const timer = Number.isFinite(timeout)
        ? this.#host.clock.schedule(timeout, () => {
            offConnect();
            offClosed();
            reject(new CaTimeoutError(this.name, "connection", timeout, this.#waitDetail()));
          })
        : undefined;
    });
  }

  /** Reads the value: decoded DbrData, arrays as typed-array views. */
  get(options: CaGetOptions = {}): Promise<DbrData> {
    if (this.#state !== "connected") {
      return this.#afterConnect("get", options.timeout, (left) =>
        this.get({ ...options, timeout: left }),
      );
    }
    const circuit = this.#circuit!;
    if (!this.#rights.read) return this.#refuse("get", ECA.NORDACCESS);
    const type = resolveRequestType(options.type, "native", this.#nativeType);
    const count = options.count ?? this.#defaultCount(circuit);
    const tooLarge = this.#checkSize("get", type, count);
    if (tooLarge) return tooLarge;
    const timeout = options.timeout ?? this.#host.defaultTimeout;
    const { ioid, promise } = this.#host.requests.open<DbrData>(
      this,
      circuit,
      "get",
      timeout,
      `reply to a get (${dbrTypeName(type)})`,
    );
    try {
      circuit.send({
        type: "ReadNotifyRequest",
        dataType: type,
        dataCount: count,
        sid: this.#sid,
        ioid,
      });
    } catch (error) {
      // A type or count the protocol cannot carry.
      this.#host.requests.cancel(ioid);
      return Promise.reject(error as Error);
    }
    return promise;
  }

  /**
   * Writes `value`: a WRITE (resolved once queued) or, with `wait`, a WRITE_NOTIFY resolved
   * when the server reports the put complete. Failures of a plain WRITE come back later
   * as an "error" event.
   */
  put(value: DbrValueInput, options: CaPutOptions = {}): Promise<void> {
    if (this.#state !== "connected") {
      return this.#afterConnect("put", options.timeout, (left) =>
        this.put(value, { ...options, timeout: left }),
      );
    }
    const circuit = this.#circuit!;
    if (!this.#rights.write) return this.#refuse("put", ECA.NOWTACCESS);
    const type = options.type ?? putRequestType(value, this.#nativeType);
    const count = options.count ?? putCount(value);
    const tooLarge = this.#checkSize("put", type, count);
    if (tooLarge) return tooLarge;
    const requests = this.#host.requests;
    const message = { dataType: type, dataCount: count, sid: this.#sid, data: { value } };
    if (!options.wait) {
      try {
        circuit.send({ type: "WriteRequest", ioid: requests.nextIoid(), ...message });
      } catch (error) {
        return Promise.reject(this.#unsendable(error));
      }
      return Promise.resolve();
    }
    const timeout = options.timeout ?? PUT_WAIT_TIMEOUT;
    const { ioid, promise } = requests.open<undefined>(
      this,
      circuit,
      "put",
      timeout,
      "completion of a put",
    );
    try {
      circuit.send({ type: "WriteNotifyRequest", ioid, ...message });
    } catch (error) {
      requests.cancel(ioid);
      return Promise.reject(this.#unsendable(error));
    }
    return promise.then(() => undefined);
  }

  /**
   * Subscribes to updates (EVENT_ADD); the first arrives at once. The subscription lasts
   * until cancelled or the channel is closed, across reconnections.
   */
  monitor(listener: CaMonitorListener): CaSubscription;
  monitor(options: CaMonitorOptions, listener: CaMonitorListener): CaSubscription;
  monitor(
    optionsOrListener: CaMonitorOptions | CaMonitorListener,
    maybeListener?: CaMonitorListener,
  ): CaSubscription {
    const [options, listener] =
      typeof optionsOrListener === "function"
        ? [{}, optionsOrListener]
        : [optionsOrListener, maybeListener!];
    if (this.#state === "closed") throw new CaClosedError(this.name, "monitor");
    const subscription = this.#host.newSubscriptionId(
      (id) =>
        new CaSubscription(
          id,
          this.name,
          options,
          listener,
          (s) => {
            this.#subscriptions.delete(s);
            this.#host.dropSubscription(s);
          },
          (error) => (options.onError ? options.onError(error) : this.#events.emit("error", error)),
        ),
    );
    this.#subscriptions.add(subscription);
    // Unresponsive: the EVENT_ADD waits on the circuit like the subscriptions already there.
    if (this.#state === "connected" || this.#state === "unresponsive") {
      subscription.start(this.#target());
    }
    return subscription;
  }

  /** Clears the channel on its server and ends its monitors and requests. */
  close(): void {
    if (this.#state === "closed") return;
    const circuit = this.#circuit;
    const created = this.#state === "connected" || this.#state === "unresponsive";
    if (created && circuit && !circuit.closed) {
      circuit.send({ type: "ClearChannelRequest", sid: this.#sid, cid: this.cid });
    }
    this.#shutDown();
  }

  /** @internal The client is closing: no CLEAR_CHANNEL, the circuits go anyway. */
  shutDown(): void {
    if (this.#state !== "closed") this.#shutDown("client");
  }

  #shutDown(closed: "channel" | "client" = "channel"): void {
    this.#state = "closed";
    this.#circuit = undefined;
    this.#host.stopSearch(this);
    // CLEAR_CHANNEL ends the subscriptions on the server too: no EVENT_CANCEL after it,
    // which would name a SID the server has just freed.
    for (const subscription of [...this.#subscriptions]) {
      subscription.stop();
      subscription.cancel();
    }
    this.#host.requests.failWhere(
      (owner) => owner === this,
      (_owner, operation) => new CaClosedError(this.name, operation, closed),
    );
    for (const waiter of [...this.#closeWaiters]) waiter();
    this.#host.forget(this);
    this.#events.clear();
  }

  /** @internal A server answered the search: create the channel on its circuit. */
  attach(circuit: Circuit): void {
    if (this.#state !== "searching") return;
    this.#host.stopSearch(this);
    this.#state = "connecting";
    this.#circuit = circuit;
    circuit.send({
      type: "CreateChanRequest",
      name: this.name,
      cid: this.cid,
      minorVersion: CA_MINOR_VERSION,
    });
  }

  /** @internal */
  onAccessRights(bits: number): void {
    const rights = {
      read: (bits & AccessRights.READ) !== 0,
      write: (bits & AccessRights.WRITE) !== 0,
    };
    const changed = rights.read !== this.#rights.read || rights.write !== this.#rights.write;
    this.#rights = rights;
    if (changed && this.#state === "connected") this.#events.emit("accessRights", rights);
  }

  /** @internal */
  onCreated(reply: CreateChanResponse): void {
    if (this.#state !== "connecting") return;
    this.#state = "connected";
    this.#sid = reply.sid;
    this.#nativeType = (reply.nativeType <= 6 ? reply.nativeType : 0) as DbrValueType;
    this.#nativeCount = reply.nativeCount;
    this.#failedConnects = 0;
    this.#problem = undefined;
    const target = this.#target();
    for (const subscription of this.#subscriptions) subscription.start(target);
    this.#events.emit("connect", {
      server: target.circuit.address,
      nativeType: this.#nativeType,
      nativeCount: this.#nativeCount,
      accessRights: this.#rights,
    });
  }

  /** @internal CREATE_CH_FAIL, or an ERROR about the CREATE_CHAN: search again, backing off. */
  onCreateFailed(why: string): void {
    if (this.#state !== "connecting") return;
    this.#problem = `${this.#circuit?.address} refused to create it (${why})`;
    this.#lose(undefined, true);
  }

  /**
   * @internal The server did not answer an ECHO: a connected channel waits on the same
   * circuit; one still waiting for CREATE_CHAN searches again.
   */
  onUnresponsive(reason: string): void {
    if (this.#state === "connecting") {
      this.#problem = reason;
      this.#lose(reason, true);
      return;
    }
    if (this.#state !== "connected") return;
    this.#state = "unresponsive";
    this.#problem = reason;
    this.#events.emit("disconnect", reason);
  }

  /** @internal The server is heard from again: connected as before, monitors and all. */
  onResponsive(): void {
    if (this.#state !== "unresponsive") return;
    this.#state = "connected";
    this.#problem = undefined;
    this.#events.emit("connect", {
      server: this.#circuit!.address,
      nativeType: this.#nativeType,
      nativeCount: this.#nativeCount,
      accessRights: this.#rights,
    });
  }

  /** @internal SERVER_DISCONN: the PV went away from its server. */
  onServerDisconnect(): void {
    if (!this.#onServer()) return;
    const reason = `${this.#circuit?.address} dropped the channel (SERVER_DISCONN)`;
    this.#lose(reason, false);
  }

  /** @internal The circuit ended. */
  onCircuitLost(reason: string): void {
    if (!this.#onServer()) return;
    this.#problem = reason;
    this.#lose(reason, this.#state === "connecting");
  }

  /** @internal Errors no request waits for. */
  reportError(error: Error): void {
    if (this.#events.listenerCount("error") > 0) this.#events.emit("error", error);
    else this.#host.reportListenerError(error);
  }

  /** Created or being created on a circuit. */
  #onServer(): boolean {
    const state = this.#state;
    return state === "connected" || state === "connecting" || state === "unresponsive";
  }

  #lose(reason: string | undefined, failedToConnect: boolean): void {
    const wasConnected = this.#state === "connected";
    const circuit = this.#circuit;
    this.#state = "searching";
    this.#circuit = undefined;
    this.#rights = NO_RIGHTS;
    for (const subscription of this.#subscriptions) subscription.stop();
    const why = reason ?? this.#problem ?? "disconnected";
    this.#host.requests.failWhere(
      (owner, on) => owner === this && on === circuit,
      (_owner, operation) => new CaDisconnectedError(this.name, operation, why),
    );
    this.#failedConnects = failedToConnect ? this.#failedConnects + 1 : 0;
    this.#host.search(this, this.#failedConnects);
    if (wasConnected) this.#events.emit("disconnect", why);
  }

  #target(): SubscriptionTarget {
    return {
      name: this.name,
      circuit: this.#circuit!,
      sid: this.#sid,
      nativeType: this.#nativeType,
      nativeCount: this.#nativeCount,
      maxArrayBytes: this.#host.maxArrayBytes,
    };
  }

  #defaultCount(circuit: Circuit): number {
    return caVersionSupports.zeroCountRequests(circuit.minorVersion) ? 0 : this.#nativeCount;
  }

  #checkSize(operation: string, type: DbrType, count: number): Promise<never> | undefined {
    const elements = count || this.#nativeCount;
    if (payloadBytes(type, elements) <= this.#host.maxArrayBytes) return undefined;
    return Promise.reject(
      new CaStatusError(
        this.name,
        operation,
        ECA.TOLARGE,
        `${elements} elements of ${dbrTypeName(type)} exceed EPICS_CA_MAX_ARRAY_BYTES=${this.#host.maxArrayBytes}`,
      ),
    );
  }

  /** A value the codec cannot put in a message of the chosen type. */
  #unsendable(error: unknown): CaStatusError {
    return new CaStatusError(
      this.name,
      "put",
      ECA.NOCONVERT,
      error instanceof Error ? error.message : String(error),
    );
  }

  #refuse(operation: string, ecaStatus: number): Promise<never> {
    return Promise.reject(new CaStatusError(this.name, operation, ecaStatus));
  }

  /** Waits for the connection, then runs `request` with the time left. */
  #afterConnect<T>(
    operation: string,
    timeout: number | undefined,
    request: (left: number | undefined) => Promise<T>,
  ): Promise<T> {
    if (this.#state === "closed") return Promise.reject(new CaClosedError(this.name, operation));
    const total = timeout ?? this.#host.defaultTimeout;
    const start = this.#host.clock.now();
    return this.connected(total).then(
      // A caller's own timeout covers both waits (and is the one reported); the default
      // applies to each.
      () => {
        if (timeout === undefined) return request(undefined);
        const left = Math.max(0, total - (this.#host.clock.now() - start));
        return request(left).catch((error: unknown) => {
          if (!(error instanceof CaTimeoutError)) throw error;
          throw new CaTimeoutError(this.name, error.waitedFor, total);
        });
      },
      (error: unknown) => {
        if (error instanceof CaTimeoutError) {
          throw new CaTimeoutError(
            this.name,
            `connection for a ${operation}`,
            total,
            this.#waitDetail(),
          );
        }
        throw error;
      },
    );
  }

  #waitDetail(): string {
    if (this.#state === "unresponsive") return this.#problem!;
    if (this.#state === "connecting") {
      return `${this.#circuit?.address} answered the search but not CREATE_CHAN`;
    }
    const searched = this.#host.searchDetail(this);
    return this.#problem ? `${this.#problem}; ${searched}` : searched;
  }
}
