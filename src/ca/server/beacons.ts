/**
 * Beacons (RSRV_IS_UP): the server's heartbeat to the repeaters. They start about 20 ms
 * apart and the gap doubles up to the beacon period, so clients notice a new server
 * quickly; each carries the next beacon id.
 */
import { createSocket, type Socket } from "node:dgram";
import type { Clock, Timer } from "../../core/index.js";
import { CA_MINOR_VERSION, encode } from "../codec/index.js";
import type { CaAddress } from "../env.js";

export interface BeaconOptions {
  clock: Clock;
  destinations: readonly CaAddress[];
  /** The longest gap between beacons, in seconds. */
  period: number;
  tcpPort: number;
  /** The server's address as a u32, or 0 ("the source of the datagram"). */
  serverAddress: number;
  log: (line: string) => void;
}

const FIRST_GAP_SECONDS = 0.02;

export class Beacons {
  readonly #options: BeaconOptions;
  #socket: Socket | undefined;
  #timer: Timer | undefined;
  #gap = FIRST_GAP_SECONDS;
  #beaconId = 0;
  readonly #failed = new Set<string>();

  constructor(options: BeaconOptions) {
    this.#options = options;
  }

  /** Beacons sent so far. */
  get sent(): number {
    return this.#beaconId;
  }

  async start(): Promise<void> {
    if (this.#options.destinations.length === 0) return;
    const socket = createSocket({ type: "udp4" });
    socket.on("error", (error) => this.#options.log(`CA server: beacons: ${error.message}`));
    await new Promise<void>((resolve) => socket.bind(0, resolve));
    socket.setBroadcast(true);
    this.#socket = socket;
    this.#beat();
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    try {
      this.#socket?.close();
    } catch {
      // Already closed.
    }
    this.#socket = undefined;
  }

  #beat(): void {
    const socket = this.#socket;
    if (!socket) return;
    const bytes = encode({
      type: "RsrvIsUpResponse",
      minorVersion: CA_MINOR_VERSION,
      port: this.#options.tcpPort,
      beaconId: this.#beaconId,
      serverAddress: this.#options.serverAddress,
    });
    this.#beaconId = (this.#beaconId + 1) >>> 0;
    for (const { host, port } of this.#options.destinations) {
      socket.send(bytes, port, host, (error) => {
        // One line per destination, not one per beacon.
        const key = `${host}:${port}`;
        if (!error || this.#failed.has(key)) return;
        this.#failed.add(key);
        this.#options.log(`CA server: beacon to ${key}: ${error.message}`);
      });
    }
    this.#timer = this.#options.clock.schedule(this.#gap, () => this.#beat());
    this.#gap = Math.min(this.#gap * 2, this.#options.period);
  }
}
