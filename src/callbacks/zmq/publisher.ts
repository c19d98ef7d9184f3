import { XPublisher } from "zeromq";
import { HilError } from "../../core/index.js";
import type { DocumentCallback, NamedDocument } from "../../core/index.js";
import type { DocumentSink } from "../sinks/index.js";
import type { Serializer, SerializerName } from "./wire.js";
import { checkPrefix, encodeFrame, parseAddress, serializerNamed } from "./wire.js";

export interface ZmqPublisherOptions {
  /** Put before every frame; no spaces. Default: none (the frame starts with a space). */
  prefix?: string | Uint8Array;
  /** Default "msgpack". */
  serializer?: SerializerName | Serializer;
  /** Seconds `send` waits for the proxy to subscribe before it rejects. Default 5. */
  subscribeTimeout?: number;
  /** Frames 0MQ holds for a proxy that is slow or away (its high water mark); more are refused. Default 100,000. */
  highWaterMark?: number;
  /** Told when `callback` could not send a document; by default it warns once. */
  onError?: (error: Error, document: NamedDocument) => void;
}

/**
 * Sends documents to a 0MQ proxy's in-port as bluesky's Publisher does: it connects and
 * sends one frame `prefix␠name␠payload` per document. It waits until the proxy has
 * subscribed before sending, so the first documents of a run are not lost to 0MQ's
 * slow-joiner drop. A proxy that goes away has its frames held by 0MQ (sent when it is
 * back) up to `highWaterMark`; past that `send` rejects, where 0MQ alone would drop in
 * silence, so a delivery counts each lost document.
 */
export class ZmqPublisher implements DocumentSink {
  readonly name: string;
  readonly serializer: Serializer;
  /** Documents `callback` could not send. */
  dropped = 0;
  private readonly socket: XPublisher;
  private readonly prefix: Uint8Array;
  private readonly timeout: number;
  private readonly highWaterMark: number;
  private readonly onError: (error: Error, document: NamedDocument) => void;
  private subscribed = false;
  private readonly subscription: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private firstWait: Promise<void> | undefined;
  private closed = false;

  constructor(address: string | { host: string; port: number }, options: ZmqPublisherOptions = {}) {
    const { host, port } = typeof address === "string" ? parseAddress(address) : address;
    const serializer = options.serializer ?? "msgpack";
    this.serializer = typeof serializer === "string" ? serializerNamed(serializer) : serializer;
    this.prefix = checkPrefix(options.prefix ?? "");
    this.timeout = options.subscribeTimeout ?? 5;
    let warned = false;
    this.onError =
      options.onError ??
      ((error) => {
        if (!warned) console.warn(`${this.name}: ${error.message}; documents are being dropped`);
        warned = true;
      });
    const endpoint = `tcp://${host}:${port}`;
    this.name = `zmq ${endpoint}`;
    this.highWaterMark = options.highWaterMark ?? 100_000;
    this.socket = new XPublisher({
      linger: 2000,
      sendHighWaterMark: this.highWaterMark,
      noDrop: true, // a full queue is an error we count, not a silent drop
      sendTimeout: 0,
    });
    this.socket.connect(endpoint);
    this.subscription = this.watchSubscriptions();
  }

  private async watchSubscriptions(): Promise<void> {
    try {
      for await (const [message] of this.socket) {
        if (message?.[0] === 1) {
          this.subscribed = true;
          return;
        }
      }
    } catch {
      // closed before anyone subscribed
    }
  }

  /** Resolves once the proxy has subscribed, rejects after `subscribeTimeout` seconds. */
  private ready(): Promise<void> {
    if (this.subscribed) return Promise.resolve();
    if (this.firstWait) {
      return this.firstWait.then(() => {
        if (!this.subscribed) throw this.noSubscriber();
      });
    }
    this.firstWait = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.timeout * 1000);
      void this.subscription.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.ready();
  }

  private noSubscriber(): HilError {
    return new HilError(
      "HIL_ZMQ_NO_SUBSCRIBER",
      `${this.name}: no proxy subscribed within ${this.timeout} s (is one listening there?)`,
    );
  }

  /** Sends one document; rejects if no proxy has subscribed (documents would be dropped). */
  send(document: NamedDocument): Promise<void> {
    if (this.closed) return Promise.reject(new HilError("HIL_ZMQ_CLOSED", `${this.name}: closed`));
    const frame = encodeFrame(document, this.serializer, this.prefix);
    const sent = this.queue.then(async () => {
      await this.ready();
      try {
        await this.socket.send(frame);
      } catch (error) {
        if ((error as { code?: unknown }).code !== "EAGAIN") throw error;
        throw new HilError(
          "HIL_ZMQ_FULL",
          `${this.name}: ${this.highWaterMark} frames already wait for the proxy (is it gone?); document not sent`,
          { cause: error },
        );
      }
    });
    this.queue = sent.catch(() => undefined);
    return sent;
  }

  /** For the RunEngine: sends each document; one it cannot send is counted in `dropped`. */
  readonly callback: DocumentCallback = async (...document) => {
    try {
      await this.send(document);
    } catch (error) {
      this.dropped++;
      this.onError(error as Error, document);
    }
  };

  /** Sends what is queued (waiting up to a couple of seconds for the peer) and closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    this.socket.close();
    await this.subscription;
  }
}
