/**
 * The Channel Access client: channels by name, one UDP search socket, one TCP circuit per
 * server and priority, and the routing of every reply to its channel, request or monitor.
 */
import { hostname, userInfo } from "node:os";
import { realClock, type Clock, type Timer } from "../../core/index.js";
import {
  CaCommand,
  UNREASONABLE_PV_NAME_SIZE,
  caCommandName,
  ecaName,
  ipv4FromU32,
  searchReplyHost,
  type CaMessage,
  type ErrorResponse,
  type RsrvIsUpResponse,
  type SearchResponse,
} from "../codec/index.js";
import { readClientEnvironment, type CaAddress, type CaClientEnvironment } from "../env.js";
import { BeaconWatcher } from "./beacon-watcher.js";
import { broadcastAddresses } from "../interfaces.js";
import { CaChannel, type CaChannelOptions, type ChannelHost } from "./channel.js";
import { Circuit } from "./circuit.js";
import { CaClosedError, CaDisconnectedError, CaStatusError } from "./errors.js";
import { RequestTable } from "./requests.js";
import { SearchScheduler } from "./search-scheduler.js";
import { SearchSocket } from "./search-socket.js";
import type { CaSubscription } from "./subscription.js";

export type CaLogLevel = "debug" | "info" | "warn" | "error";

export interface CaClientOptions {
  /** EPICS_CA_* variables (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Timers (search back-off, timeouts, ECHO); default the real clock. */
  clock?: Clock;
  /** CLIENT_NAME: the user name servers see (default: the OS user). */
  name?: string;
  /** HOST_NAME (default: the OS host name). */
  host?: string;
  /** Where the client reports what no caller waits for (default: nowhere). */
  log?: (level: CaLogLevel, message: string) => void;
  /** Default seconds to connect and to get a reply (default 5). */
  timeout?: number;
  /** Overrides EPICS_CA_MAX_ARRAY_BYTES. */
  maxArrayBytes?: number;
  /** Seconds between the first and second search of a name (default 0.03); later gaps double. */
  firstSearchPeriod?: number;
  /** Seconds to wait for the answer to an ECHO before the server is unresponsive (default 5). */
  echoTimeout?: number;
}

/** Seconds between registrations with the repeater until one is confirmed (libca: 5). */
const REGISTER_PERIOD = 5;
/** Room for the largest DBR metadata (CTRL_ENUM's 422 bytes) above the array itself. */
const METADATA_ROOM = 1024;

export class CaClient {
  /** The environment in force, after the options' overrides. */
  readonly environment: CaClientEnvironment;
  readonly #clock: Clock;
  readonly #options: CaClientOptions;
  readonly #log: (level: CaLogLevel, message: string) => void;
  readonly #userName: string;
  readonly #hostName: string;
  readonly #destinations: CaAddress[];
  readonly #requests: RequestTable;
  readonly #scheduler: SearchScheduler;
  readonly #socket: SearchSocket;
  readonly #channels = new Map<number, CaChannel>();
  readonly #circuits = new Map<string, Circuit>();
  readonly #subscriptions = new Map<number, CaSubscription>();
  readonly #host: ChannelHost;
  readonly #beacons = new BeaconWatcher();
  #registration: Timer | undefined;
  #nextCid = 0;
  #nextSubscriptionId = 0;
  #closed: Promise<void> | undefined;

  constructor(options: CaClientOptions = {}) {
    this.#options = options;
    const env = readClientEnvironment(options.env ?? process.env);
    this.environment = { ...env, maxArrayBytes: options.maxArrayBytes ?? env.maxArrayBytes };
    this.#clock = options.clock ?? realClock;
    this.#log = options.log ?? (() => undefined);
    this.#userName = options.name ?? safeUserName();
    this.#hostName = options.host ?? hostname();
    const broadcasts = env.autoAddressList
      ? broadcastAddresses().map((host) => ({ host, port: env.serverPort }))
      : [];
    this.#destinations = [...env.addressList, ...broadcasts];
    if (this.#destinations.length === 0) {
      this.#log("warn", "no search destinations: EPICS_CA_ADDR_LIST is empty and auto is off");
    }
    this.#requests = new RequestTable(this.#clock);
    this.#socket = new SearchSocket({
      destinations: this.#destinations,
      // The address list may name broadcast addresses too; allowing them costs nothing.
      broadcast: true,
      onReply: (reply, source) => this.#onSearchReply(reply, source),
      onBeacon: (beacon, source) => this.#onBeacon(beacon, source),
      log: this.#log,
    });
    this.#scheduler = new SearchScheduler({
      clock: this.#clock,
      maxPeriod: env.maxSearchPeriod,
      firstPeriod: options.firstSearchPeriod,
      send: (datagram) => this.#socket.send(datagram),
    });
    this.#host = this.#makeHost();
    this.#register();
  }

  /** The destinations searches go to: the address list, then interface broadcasts. */
  get searchDestinations(): readonly CaAddress[] {
    return this.#destinations;
  }

  /** Circuits open now ("host:port" of each server). */
  get circuits(): string[] {
    return [...new Set([...this.#circuits.values()].map((c) => c.address))];
  }

  /** A channel to the PV `name`; its search starts at once. Close it with `channel.close()`. */
  channel(name: string, options: CaChannelOptions = {}): CaChannel {
    if (this.#closed) throw new CaClosedError(name, "channel", "client");
    if (name.length === 0 || name.length > UNREASONABLE_PV_NAME_SIZE) {
      throw new RangeError(`PV name of ${name.length} characters (1–500 allowed)`);
    }
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority) || priority < 0 || priority > 99) {
      throw new RangeError(`${name}: priority ${priority} is not an integer in [0, 99]`);
    }
    let cid: number;
    do cid = this.#nextCid = (this.#nextCid + 1) >>> 0;
    while (this.#channels.has(cid));
    const channel = new CaChannel(this.#host, name, cid, options);
    return channel;
  }

  /** Searches every unresolved name again from the start of the back-off. */
  resetSearch(): void {
    this.#scheduler.reset();
  }

  /** Closes every channel, circuit and socket; pending requests fail with CaClosedError. */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    for (const channel of [...this.#channels.values()]) channel.shutDown();
    this.#scheduler.close();
    this.#registration?.cancel();
    const circuits = [...this.#circuits.values()].map((circuit) => circuit.close());
    this.#circuits.clear();
    this.#closed = Promise.all([this.#socket.close(), ...circuits]).then(() => undefined);
    return this.#closed;
  }

  #makeHost(): ChannelHost {
    return {
      clock: this.#clock,
      defaultTimeout: this.#options.timeout ?? 5,
      maxArrayBytes: this.environment.maxArrayBytes,
      requests: this.#requests,
      search: (channel, startAttempt) => {
        this.#channels.set(channel.cid, channel);
        this.#scheduler.add(channel.cid, channel.name, startAttempt);
      },
      stopSearch: (channel) => {
        this.#scheduler.remove(channel.cid);
      },
      searchDetail: (channel) => {
        const sent = this.#scheduler.attempts(channel.cid);
        const where = this.#destinations.map((d) => `${d.host}:${d.port}`).join(" ");
        return `${sent} search${sent === 1 ? "" : "es"} to ${where || "no address"} unanswered`;
      },
      newSubscriptionId: (make) => {
        let id: number;
        do id = this.#nextSubscriptionId = (this.#nextSubscriptionId + 1) >>> 0;
        while (this.#subscriptions.has(id));
        const subscription = make(id);
        this.#subscriptions.set(id, subscription);
        return subscription;
      },
      dropSubscription: (subscription) => {
        this.#subscriptions.delete(subscription.id);
      },
      forget: (channel) => {
        this.#channels.delete(channel.cid);
      },
      reportListenerError: (error) => {
        this.#log("error", error instanceof Error ? error.message : String(error));
      },
    };
  }

  /** Registers with the repeater, again every REGISTER_PERIOD until it confirms. */
  #register(): void {
    if (this.#closed || this.#socket.registered) return;
    this.#socket.registerWithRepeater(this.environment.repeaterPort);
    this.#registration = this.#clock.schedule(REGISTER_PERIOD, () => this.#register());
  }

  #onBeacon(beacon: RsrvIsUpResponse, source: string): void {
    const address = beacon.serverAddress === 0 ? source : ipv4FromU32(beacon.serverAddress);
    const anomaly = this.#beacons.onBeacon(
      `${address}:${beacon.port}`,
      beacon.beaconId,
      this.#clock.now(),
    );
    if (anomaly === undefined) return;
    this.#log("info", `beacon anomaly (${anomaly}): searching again`);
    this.#scheduler.reset();
  }

  #onSearchReply(reply: SearchResponse, source: string): void {
    const channel = this.#channels.get(reply.cid);
    if (!channel) return;
    const host = searchReplyHost(reply, source);
    if (channel.state !== "searching") {
      if (channel.circuit && channel.circuit.address !== `${host}:${reply.port}`) {
        this.#log(
          "warn",
          `${channel.name} is on ${channel.circuit.address} and also on ${host}:${reply.port}; using the first`,
        );
      }
      return;
    }
    const circuit = this.#circuitFor(host, reply.port, channel.priority, reply.minorVersion);
    // A circuit whose server has gone silent would hold the channel in "connecting": it
    // keeps searching, and attaches once the circuit answers again (or to a new one).
    if (circuit.unresponsive) return;
    channel.attach(circuit);
  }

  #circuitFor(host: string, port: number, priority: number, minorVersion: number): Circuit {
    const key = `${host}:${port}/${priority}`;
    const existing = this.#circuits.get(key);
    if (existing && !existing.closed) return existing;
    const circuit = new Circuit(
      {
        host,
        port,
        priority,
        userName: this.#userName,
        hostName: this.#hostName,
        clock: this.#clock,
        connectionTimeout: this.environment.connectionTimeout,
        echoTimeout: this.#options.echoTimeout ?? 5,
        maxPayloadSize: this.environment.maxArrayBytes + METADATA_ROOM,
        onMessage: this.#route,
        onClose: (closed, reason) => this.#onCircuitClosed(key, closed, reason),
        onUnresponsive: (silent, reason) => this.#onUnresponsive(silent, reason),
        onResponsive: (heard) => this.#onResponsive(heard),
      },
      minorVersion,
    );
    this.#circuits.set(key, circuit);
    return circuit;
  }

  #onCircuitClosed(key: string, circuit: Circuit, reason: string | undefined): void {
    if (this.#circuits.get(key) === circuit) this.#circuits.delete(key);
    if (reason === undefined) return;
    this.#log("warn", `circuit lost: ${reason}`);
    this.#requests.failWhere(
      (_owner, on) => on === circuit,
      (owner, operation) => new CaDisconnectedError(owner.name, operation, reason),
    );
    for (const channel of [...this.#channels.values()]) {
      if (channel.circuit === circuit) channel.onCircuitLost(reason);
    }
  }

  /** As libca: requests in flight fail, channels disconnect, monitors stay subscribed. */
  #onUnresponsive(circuit: Circuit, reason: string): void {
    this.#log("warn", `server unresponsive: ${reason}`);
    this.#requests.failWhere(
      (_owner, on) => on === circuit,
      (owner, operation) => new CaDisconnectedError(owner.name, operation, reason),
    );
    for (const channel of [...this.#channels.values()]) {
      if (channel.circuit === circuit) channel.onUnresponsive(reason);
    }
  }

  #onResponsive(circuit: Circuit): void {
    this.#log("info", `server responsive again: ${circuit.address}`);
    for (const channel of [...this.#channels.values()]) {
      if (channel.circuit === circuit) channel.onResponsive();
    }
  }

  /** The channel `cid` if it lives on `circuit` (a stale or forged CID finds nothing). */
  #channelOn(circuit: Circuit, cid: number): CaChannel | undefined {
    const channel = this.#channels.get(cid);
    return channel?.circuit === circuit ? channel : undefined;
  }

  readonly #route = (circuit: Circuit, message: CaMessage): void => {
    try {
      this.#dispatch(circuit, message);
    } catch (error) {
      // A listener threw: report it and keep the circuit going.
      this.#log(
        "error",
        `a listener threw: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  #dispatch(circuit: Circuit, m: CaMessage): void {
    switch (m.type) {
      case "ReadNotifyResponse":
        return this.#requests.settle(circuit, m.ioid, m.ecaStatus, m.data, m.dataStatus);
      case "WriteNotifyResponse":
        return this.#requests.settle(circuit, m.ioid, m.ecaStatus, undefined);
      case "EventAddResponse": {
        const subscription = this.#subscriptions.get(m.subscriptionId);
        return subscription?.deliver(circuit, m);
      }
      case "AccessRightsResponse":
        return this.#channelOn(circuit, m.cid)?.onAccessRights(m.accessRights);
      case "CreateChanResponse": {
        const channel = this.#channelOn(circuit, m.cid);
        // Closed while it was being created: the server's channel is let go at once.
        if (!channel) return circuit.send({ type: "ClearChannelRequest", sid: m.sid, cid: m.cid });
        return channel.onCreated(m);
      }
      case "CreateChFailResponse":
        return this.#channelOn(circuit, m.cid)?.onCreateFailed("CREATE_CH_FAIL");
      case "ServerDisconnResponse":
        return this.#channelOn(circuit, m.cid)?.onServerDisconnect();
      case "ErrorResponse":
        return this.#onError(circuit, m);
      default:
        // VERSION, ECHO, the echo of CLEAR_CHANNEL, a cancel's confirmation: nothing to do.
        return;
    }
  }

  #onError(circuit: Circuit, m: ErrorResponse): void {
    const h = m.offendingHeader;
    const text = m.message;
    switch (h.command) {
      case CaCommand.READ_NOTIFY:
      case CaCommand.WRITE_NOTIFY:
        return this.#requests.fail(circuit, h.parameter2, m.ecaStatus, text);
      case CaCommand.EVENT_ADD:
        return this.#subscriptions.get(h.parameter2)?.refused(circuit, m.ecaStatus, text);
      case CaCommand.CREATE_CHAN:
        return this.#channelOn(circuit, h.parameter1)?.onCreateFailed(
          `${ecaName(m.ecaStatus)}${text ? `: ${text}` : ""}`,
        );
      default: {
        const channel = this.#channelOn(circuit, m.cid);
        const operation = h.command === CaCommand.WRITE ? "put" : caCommandName(h.command);
        if (channel)
          channel.reportError(new CaStatusError(channel.name, operation, m.ecaStatus, text));
        else {
          this.#log(
            "warn",
            `${circuit.address}: ERROR ${ecaName(m.ecaStatus)} about ${operation}: ${text}`,
          );
        }
      }
    }
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}
