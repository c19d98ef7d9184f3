import { Kafka, logLevel } from "kafkajs";
import type { Consumer, IHeaders, KafkaConfig, Producer, ProducerConfig } from "kafkajs";
import type {
  KafkaConsumeOptions,
  KafkaMessage,
  KafkaRecord,
  KafkaSubscription,
  KafkaTransport,
} from "./transport.js";
import { KafkaMessageTooLargeError, KafkaUnavailableError } from "./transport.js";

export interface KafkaJsTransportOptions {
  /** Bootstrap servers, `host:port`, as a list or bluesky's comma-separated string. */
  brokers: string | readonly string[];
  clientId?: string;
  /** Passed to kafkajs as they are (ssl, sasl, timeouts, retry). */
  kafka?: Omit<KafkaConfig, "brokers" | "clientId">;
  /** Default idempotent, as bluesky-kafka recommends for production. */
  producer?: ProducerConfig;
  /** -1 (all in-sync replicas, the default), 1 or 0. */
  acks?: number;
}

/** Whether kafkajs failed with the broker's MESSAGE_TOO_LARGE, directly or as a cause. */
function tooLarge(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined; e;) {
    if (e.type === "MESSAGE_TOO_LARGE") return true;
    e = e.cause as typeof e;
  }
  return false;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const one = Array.isArray(value) ? value[0] : value;
    if (one !== undefined) out[key] = one.toString();
  }
  return out;
}

/** KafkaTransport over kafkajs, the maintained pure-JavaScript Kafka client. */
export class KafkaJsTransport implements KafkaTransport {
  private readonly kafka: Kafka;
  private readonly options: KafkaJsTransportOptions;
  private readonly producer: Producer;
  private connection: Promise<Producer> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly consumers = new Set<Consumer>();

  constructor(options: KafkaJsTransportOptions) {
    const brokers =
      typeof options.brokers === "string" ? options.brokers.split(",") : [...options.brokers];
    this.kafka = new Kafka({
      logLevel: logLevel.ERROR,
      ...options.kafka,
      clientId: options.clientId ?? "hil",
      brokers: brokers.map((b) => b.trim()),
    });
    this.options = options;
    this.producer = this.kafka.producer(
      options.producer ?? { idempotent: true, maxInFlightRequests: 1 },
    );
  }

  async send(topic: string, records: readonly KafkaRecord[]): Promise<void> {
    const sent = this.connected().then((producer) =>
      producer.send({
        topic,
        acks: this.options.acks ?? -1,
        messages: records.map((r) => ({
          key: r.key,
          value: Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
          headers: { ...r.headers },
        })),
      }),
    );
    this.inFlight.add(sent);
    try {
      await sent;
    } catch (error) {
      if (tooLarge(error)) {
        const bytes = Math.max(...records.map((r) => r.value.byteLength));
        throw new KafkaMessageTooLargeError(topic, bytes, { cause: error });
      }
      const why = error instanceof Error ? error.message : String(error);
      throw new KafkaUnavailableError(`kafka ${topic}: ${why}`, { cause: error });
    } finally {
      this.inFlight.delete(sent);
    }
  }

  async flush(): Promise<void> {
    // kafkajs sends at once (no linger): flushing is waiting for what is in flight.
    await Promise.allSettled([...this.inFlight]);
  }

  async consume(
    { topics, groupId, fromBeginning = false }: KafkaConsumeOptions,
    onMessage: (message: KafkaMessage) => Promise<void>,
  ): Promise<KafkaSubscription> {
    const consumer = this.kafka.consumer({ groupId });
    await consumer.connect();
    this.consumers.add(consumer);
    await consumer.subscribe({ topics: [...topics], fromBeginning });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ topic, partition, message }) => {
        await onMessage({
          topic,
          partition,
          offset: Number(message.offset),
          key: message.key === null ? null : message.key.toString(),
          value: message.value ?? new Uint8Array(),
          headers: headerText(message.headers),
        });
      },
    });
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    for (const consumer of this.consumers) await consumer.disconnect();
    this.consumers.clear();
    if (this.connection) {
      this.connection = undefined;
      await this.producer.disconnect();
    }
  }

  private connected(): Promise<Producer> {
    if (!this.connection) {
      const connection = this.producer.connect().then(() => this.producer);
      this.connection = connection;
      connection.catch(() => {
        if (this.connection === connection) this.connection = undefined; // again next send
      });
    }
    return this.connection;
  }
}
