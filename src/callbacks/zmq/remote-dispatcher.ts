import { Subscriber } from "zeromq";
import type { DocumentCallback } from "../../core/index.js";
import type { Serializer, SerializerName } from "./wire.js";
import { checkPrefix, decodeFrame, parseAddress, serializerNamed } from "./wire.js";

export interface ZmqRemoteDispatcherOptions {
  /** Take only frames with this prefix; default: every frame. */
  prefix?: string | Uint8Array;
  /** How the payloads were written; default "msgpack". */
  deserializer?: SerializerName | Serializer;
  /** Told of each frame that is skipped (unreadable, or a document we do not take). */
  onSkip?: (reason: string) => void;
}

/**
 * Receives documents from a 0MQ proxy's out-port, from our Publisher or bluesky's, and
 * hands them to its callbacks in the order they came, each awaited before the next.
 */
export class ZmqRemoteDispatcher {
  readonly address: string;
  private readonly socket: Subscriber;
  private readonly serializer: Serializer;
  private readonly prefix: Uint8Array;
  private readonly onSkip: (reason: string) => void;
  private readonly callbacks = new Set<DocumentCallback>();
  private loop: Promise<void> | undefined;
  /** Frames skipped so far. */
  skipped = 0;

  constructor(
    address: string | { host: string; port: number },
    options: ZmqRemoteDispatcherOptions = {},
  ) {
    const { host, port } = typeof address === "string" ? parseAddress(address) : address;
    this.address = `tcp://${host}:${port}`;
    const deserializer = options.deserializer ?? "msgpack";
    this.serializer =
      typeof deserializer === "string" ? serializerNamed(deserializer) : deserializer;
    this.prefix = checkPrefix(options.prefix ?? "");
    this.onSkip =
      options.onSkip ?? ((reason) => console.warn(`${this.address}: skipped ${reason}`));
    this.socket = new Subscriber({ linger: 0, receiveHighWaterMark: 100_000 });
  }

  /** Adds a callback; returns what removes it. */
  subscribe(callback: DocumentCallback): () => void {
    this.callbacks.add(callback);
    return () => void this.callbacks.delete(callback);
  }

  /** Connects and subscribes; documents flow to the callbacks until `close()`. */
  start(): void {
    if (this.loop) return;
    this.socket.connect(this.address);
    this.socket.subscribe();
    this.loop = this.receive();
  }

  private async receive(): Promise<void> {
    try {
      for await (const [frame] of this.socket) {
        if (!frame) continue;
        const decoded = decodeFrame(frame, this.serializer, this.prefix);
        if (decoded.kind === "skipped") {
          this.skipped++;
          this.onSkip(decoded.reason);
        }
        if (decoded.kind !== "document") continue;
        for (const callback of [...this.callbacks]) {
          try {
            await callback(...decoded.document);
          } catch (error) {
            console.warn(`${this.address}: a callback failed on ${decoded.document[0]}:`, error);
          }
        }
      }
    } catch {
      // closed
    }
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.loop;
  }
}
