/**
 * The Channel Access server: the UDP search responder, the beacons and the TCP circuits
 * around one provider. Settings come from the options, else from the EPICS_CAS_* / EPICS_CA_*
 * environment as RSRV reads it.
 */
import { createServer, type Server, type Socket } from "node:net";
import { realClock, type Clock } from "../../core/index.js";
import { ipv4ToU32 } from "../codec/index.js";
import { readServerEnvironment, type CaAddress } from "../env.js";
import { broadcastAddresses } from "../interfaces.js";
import { Beacons } from "./beacons.js";
import { Circuit, type CircuitStats } from "./circuit.js";
import type { CaPvProvider } from "./provider.js";
import { SearchResponder } from "./search-responder.js";

export interface CaServerOptions {
  provider: CaPvProvider;
  /** The environment to read EPICS_CAS_* / EPICS_CA_* from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** IPv4 addresses to bind (default EPICS_CAS_INTF_ADDR_LIST, else every interface). */
  interfaces?: readonly string[];
  /**
   * The server port for UDP and TCP (default EPICS_CAS_SERVER_PORT, 5064). TCP falls back to
   * any free port when it is taken. 0: any port (tests), the same for UDP and TCP if free.
   */
  port?: number;
  /** Beacon destinations (default EPICS_CAS_BEACON_ADDR_LIST). */
  beaconAddresses?: readonly CaAddress[];
  /** Also beacon to every interface's broadcast address (default EPICS_CAS_AUTO_BEACON_ADDR_LIST). */
  autoBeaconAddresses?: boolean;
  /** Longest gap between beacons, in seconds (default EPICS_CAS_BEACON_PERIOD, 15). */
  beaconPeriod?: number;
  /** Hosts whose searches are ignored (default EPICS_CAS_IGNORE_ADDR_LIST). */
  ignoreAddresses?: readonly string[];
  /** Beacons and the stuck-client timer run on it (default the real clock). */
  clock?: Clock;
  /** Where the server's few log lines go (default: nowhere). */
  log?: (line: string) => void;
  /**
   * Largest payload sent for a count above a PV's own size, and (plus 1 KiB) the largest
   * request accepted (default 16 MiB).
   */
  maxArrayBytes?: number;
  /** Seconds a client may leave its socket full before it is dropped (default 10). */
  stuckTimeout?: number;
  /**
   * Seconds a put-callback may hold up the next one on its channel before it is answered
   * ECA_PUTCBINPROG and the next one starts (default 60, as RSRV).
   */
  putCallbackStallTimeout?: number;
}

const WILDCARD = "0.0.0.0";
const DEFAULT_MAX_ARRAY_BYTES = 16 * 1024 * 1024;
const DEFAULT_STUCK_TIMEOUT = 10;
const DEFAULT_PUT_CALLBACK_STALL_TIMEOUT = 60;
/** Replies waiting for a full socket before a client's requests stop being read. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
}

export class CaServer {
  readonly #options: CaServerOptions;
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  readonly #circuits = new Set<Circuit>();
  readonly #tcpServers: Server[] = [];
  #search: SearchResponder | undefined;
  #beacons: Beacons | undefined;
  #tcpPort = 0;
  #udpPort = 0;
  #state: "new" | "starting" | "running" | "closed" = "new";

  constructor(options: CaServerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#log = options.log ?? (() => {});
  }

  /** The TCP port circuits connect to (known after start). */
  get tcpPort(): number {
    return this.#tcpPort;
  }

  /** The UDP port searches arrive on (known after start). */
  get udpPort(): number {
    return this.#udpPort;
  }

  /** Beacons sent so far. */
  get beaconsSent(): number {
    return this.#beacons?.sent ?? 0;
  }

  /** One entry per connected client. */
  circuits(): CircuitStats[] {
    return [...this.#circuits].map((circuit) => circuit.stats());
  }

  /** Binds UDP and TCP and starts the beacons. Throws CaEnvironmentError for a bad variable. */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new Error(`CaServer: start() called when ${this.#state}`);
    this.#state = "starting";
    try {
      await this.#start();
      this.#state = "running";
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async #start(): Promise<void> {
    const options = this.#options;
    const env = readServerEnvironment(options.env ?? process.env);
    const listed = options.interfaces ?? env.interfaces;
    const interfaces = listed.length > 0 ? [...listed] : [WILDCARD];
    const port = options.port ?? env.serverPort;

    this.#tcpPort = await this.#listen(interfaces, port);
    const ignore = new Set(
      (options.ignoreAddresses ?? env.ignoreAddressList).map((entry) => entry.split(":")[0]!),
    );
    this.#search = new SearchResponder({
      provider: options.provider,
      tcpPort: () => this.#tcpPort,
      ignore,
      log: this.#log,
    });
    // Port 0: take the TCP port for UDP too when it is free, so one number names the server.
    this.#udpPort =
      port === 0
        ? await this.#search.bind(interfaces, this.#tcpPort).catch((error: unknown) => {
            if (!isAddressInUse(error)) throw error;
            return this.#search!.bind(interfaces, 0);
          })
        : await this.#search.bind(interfaces, port);

    const destinations = [...(options.beaconAddresses ?? env.beaconAddressList)];
    if (options.autoBeaconAddresses ?? env.autoBeaconAddressList) {
      for (const host of broadcastAddresses()) destinations.push({ host, port: env.beaconPort });
    }
    const single = interfaces.length === 1 && interfaces[0] !== WILDCARD;
    this.#beacons = new Beacons({
      clock: this.#clock,
      destinations,
      period: options.beaconPeriod ?? env.beaconPeriod,
      tcpPort: this.#tcpPort,
      serverAddress: single ? ipv4ToU32(interfaces[0]!) : 0,
      log: this.#log,
    });
    await this.#beacons.start();
  }

  /** Listens on every interface on `port`, or on any free port when it is taken. */
  async #listen(interfaces: readonly string[], port: number): Promise<number> {
    let bound = port;
    for (const [i, address] of interfaces.entries()) {
      try {
        bound = await this.#listenOne(address, bound);
      } catch (error) {
        if (i > 0 || bound === 0 || !isAddressInUse(error)) throw error;
        this.#log(`CA server: TCP port ${bound} is taken, using a free one`);
        bound = await this.#listenOne(address, 0);
      }
    }
    return bound;
  }

  #listenOne(address: string, port: number): Promise<number> {
    // Keep-alive as RSRV: the circuit of a client host that vanished without a word ends.
    const options = { noDelay: true, keepAlive: true };
    const server = createServer(options, (socket) => this.#accept(socket));
    return new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: address, port, exclusive: true }, () => {
        server.off("error", reject);
        server.on("error", (error) => this.#log(`CA server: TCP ${address}: ${error.message}`));
        this.#tcpServers.push(server);
        const bound = server.address();
        resolve(typeof bound === "object" && bound ? bound.port : port);
      });
    });
  }

  #accept(socket: Socket): void {
    if (this.#state === "closed") {
      socket.destroy();
      return;
    }
    const options = this.#options;
    const maxArrayBytes = options.maxArrayBytes ?? DEFAULT_MAX_ARRAY_BYTES;
    const circuit = new Circuit(socket, {
      provider: options.provider,
      clock: this.#clock,
      log: this.#log,
      maxArrayBytes,
      maxPayloadSize: maxArrayBytes + 1024,
      stuckTimeout: options.stuckTimeout ?? DEFAULT_STUCK_TIMEOUT,
      putStallTimeout: options.putCallbackStallTimeout ?? DEFAULT_PUT_CALLBACK_STALL_TIMEOUT,
      maxBacklogBytes: MAX_BACKLOG_BYTES,
      tcpPort: () => this.#tcpPort,
      onClosed: (closed) => this.#circuits.delete(closed),
    });
    this.#circuits.add(circuit);
  }

  /**
   * Tells every client with a channel to `name` that it is gone (SERVER_DISCONN) and frees
   * those channels; clients search for it again. Returns the number of channels dropped.
   */
  disconnectChannels(name: string): number {
    let count = 0;
    for (const circuit of this.#circuits) count += circuit.disconnectChannels(name);
    return count;
  }

  /**
   * Asks every open channel's PV for its client's rights again (after an access-security
   * change) and sends ACCESS_RIGHTS where they changed.
   */
  refreshAccessRights(): void {
    for (const circuit of this.#circuits) circuit.refreshAccessRights();
  }

  /** Stops the beacons, closes every circuit and socket. */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#beacons?.close();
    this.#search?.close();
    for (const circuit of [...this.#circuits]) circuit.close();
    await Promise.all(
      this.#tcpServers
        .splice(0)
        .map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}
