import { XPublisher, XSubscriber } from "zeromq";
import { HilError } from "../../core/index.js";

export interface ZmqProxyOptions {
  /** Port publishers connect to; 0 (default) picks a free one. */
  inPort?: number;
  /** Port subscribers connect to; 0 (default) picks a free one. */
  outPort?: number;
  /** Interface both ports bind: "127.0.0.1" (default), "*" for every interface. */
  host?: string;
  /** Frames queued per peer before more are dropped (0MQ's high water mark). Default 100,000. */
  highWaterMark?: number;
}

function portOf(endpoint: string | null): number {
  const port = Number(endpoint?.slice(endpoint.lastIndexOf(":") + 1));
  if (!Number.isInteger(port)) throw new Error(`0MQ bound no TCP port (${endpoint})`);
  return port;
}

/**
 * bluesky's 0MQ proxy: publishers connect to the in-port, where it subscribes to every
 * frame, and it forwards each frame unchanged to the subscribers on the out-port. It also
 * counts the subscriptions arriving there, so a caller can wait for a subscriber.
 */
export class ZmqProxy {
  readonly host: string;
  private front: XSubscriber | undefined;
  private back: XPublisher | undefined;
  private ports: { in: number; out: number } | undefined;
  /** Subscriptions that have reached the out-port so far (one or more per subscriber). */
  subscriptionCount = 0;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private loops: Promise<void>[] = [];
  private readonly options: ZmqProxyOptions;
  /** Frames forwarded so far. */
  forwarded = 0;

  constructor(options: ZmqProxyOptions = {}) {
    this.options = options;
    this.host = options.host ?? "127.0.0.1";
  }

  get inPort(): number {
    return this.bound().in;
  }

  get outPort(): number {
    return this.bound().out;
  }

  private bound(): { in: number; out: number } {
    if (!this.ports) throw new HilError("HIL_ZMQ_PROXY", "the 0MQ proxy is not started");
    return this.ports;
  }

  /** Binds both ports and forwards until `close()`. */
  async start(): Promise<void> {
    if (this.front) throw new HilError("HIL_ZMQ_PROXY", "the 0MQ proxy is already started");
    const hwm = this.options.highWaterMark ?? 100_000;
    const front = new XSubscriber({ linger: 0, receiveHighWaterMark: hwm });
    const back = new XPublisher({ linger: 0, sendHighWaterMark: hwm });
    back.verbosity = "allSubs";
    this.front = front;
    this.back = back;
    const bind = async (socket: XSubscriber | XPublisher, port: number): Promise<number> => {
      const endpoint = `tcp://${this.host}:${port === 0 ? "*" : port}`;
      try {
        await socket.bind(endpoint);
      } catch (error) {
        front.close();
        back.close();
        throw new HilError(
          "HIL_ZMQ_BIND",
          `0MQ proxy cannot listen on ${endpoint}: ${(error as Error).message}`,
        );
      }
      return portOf(socket.lastEndpoint);
    };
    const inPort = await bind(front, this.options.inPort ?? 0);
    const outPort = await bind(back, this.options.outPort ?? 0);
    this.ports = { in: inPort, out: outPort };
    await front.send(Buffer.from([1])); // every frame, as bluesky's proxy subscribes to ""
    this.loops = [this.forward(front, back), this.watch(back)];
  }

  private async forward(front: XSubscriber, back: XPublisher): Promise<void> {
    try {
      for await (const message of front) {
        await back.send(message);
        this.forwarded++;
      }
    } catch {
      // closed
    }
  }

  private async watch(back: XPublisher): Promise<void> {
    try {
      for await (const [message] of back) {
        if (message?.[0] !== 1) continue;
        this.subscriptionCount++;
        for (const waiter of this.waiters.splice(0)) {
          if (this.subscriptionCount >= waiter.count) waiter.resolve();
          else this.waiters.push(waiter);
        }
      }
    } catch {
      // closed
    }
  }

  /** Resolves once `count` subscriptions in all have reached the out-port. */
  subscribers(count = 1): Promise<void> {
    if (this.subscriptionCount >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async close(): Promise<void> {
    this.front?.close();
    this.back?.close();
    await Promise.all(this.loops);
  }

  toString(): string {
    return this.ports
      ? `Proxy(in_port=${this.ports.in}, out_port=${this.ports.out})`
      : "Proxy(not started)";
  }
}
