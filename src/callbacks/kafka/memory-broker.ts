import type {
  KafkaConsumeOptions,
  KafkaMessage,
  KafkaRecord,
  KafkaSubscription,
  KafkaTransport,
} from "./transport.js";
import { KafkaMessageTooLargeError, KafkaUnavailableError, topicMatches } from "./transport.js";

export interface InMemoryKafkaBrokerOptions {
  /** Partitions of each topic (default 3); a key always lands in the same one. */
  partitions?: number;
  /** The largest message value + key in bytes (default 1,048,588, Kafka's message.max.bytes). */
  maxMessageBytes?: number;
}

/** Java's String.hashCode over the key's UTF-16 units: stable, enough to spread keys. */
function keyHash(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return hash >>> 0;
}

class Subscription implements KafkaSubscription {
  stopped = false;
  private pumping = false;

  constructor(
    private readonly broker: InMemoryKafkaBroker,
    readonly options: KafkaConsumeOptions,
    private readonly onMessage: (message: KafkaMessage) => Promise<void>,
  ) {}

  kick(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.broker.nextFor(this)) this.kick(); // came while the loop was ending
    });
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.broker.forget(this);
    return Promise.resolve();
  }

  private async pump(): Promise<void> {
    for (let next = this.broker.nextFor(this); next && !this.stopped;) {
      await this.onMessage(next);
      if (this.stopped) return; // killed mid-message: not committed, delivered again later
      this.broker.commit(this.options.groupId, next);
      next = this.broker.nextFor(this);
    }
  }
}

/**
 * A Kafka broker in this process, for tests where no broker can run: topics of partitioned
 * logs, keys hashed to partitions, a size limit answered with MESSAGE_TOO_LARGE, consumer
 * groups with committed offsets, and `down()`/`up()` to take it away from producers and
 * consumers. `connect()` gives a client (a KafkaTransport) of it.
 */
export class InMemoryKafkaBroker {
  readonly partitions: number;
  readonly maxMessageBytes: number;
  private readonly logs = new Map<string, KafkaMessage[][]>();
  private readonly offsets = new Map<string, Map<string, number>>();
  private readonly subscriptions = new Set<Subscription>();
  private roundRobin = 0;
  private available = true;

  constructor({ partitions = 3, maxMessageBytes = 1_048_588 }: InMemoryKafkaBrokerOptions = {}) {
    this.partitions = partitions;
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Refuses every request until up(). */
  down(): void {
    this.available = false;
  }

  up(): void {
    this.available = true;
    for (const subscription of this.subscriptions) subscription.kick();
  }

  /** Every message of a topic, partition by partition. */
  messages(topic: string): KafkaMessage[][] {
    return (this.logs.get(topic) ?? []).map((log) => [...log]);
  }

  topics(): string[] {
    return [...this.logs.keys()];
  }

  connect(): KafkaTransport {
    const subscriptions: KafkaSubscription[] = [];
    return {
      send: (topic, records) => this.append(topic, records),
      flush: () =>
        this.available
          ? Promise.resolve()
          : Promise.reject(new KafkaUnavailableError("in-memory broker is down")),
      consume: (options, onMessage) => {
        const subscription = new Subscription(this, options, onMessage);
        this.subscriptions.add(subscription);
        subscriptions.push(subscription);
        subscription.kick();
        return Promise.resolve(subscription);
      },
      close: async () => {
        for (const subscription of subscriptions.splice(0)) await subscription.stop();
      },
    };
  }

  /** @internal The next message a subscription has not handled, or undefined. */
  nextFor(subscription: Subscription): KafkaMessage | undefined {
    if (!this.available) return undefined;
    const { topics, groupId, fromBeginning = false } = subscription.options;
    const committed = this.groupOffsets(groupId);
    for (const [topic, logs] of this.logs) {
      if (!topicMatches(topic, topics)) continue;
      for (const [partition, log] of logs.entries()) {
        const key = `${topic}/${partition}`;
        if (!committed.has(key)) committed.set(key, fromBeginning ? 0 : log.length);
        const offset = committed.get(key)!;
        if (offset < log.length) return log[offset];
      }
    }
    return undefined;
  }

  /** @internal */
  commit(groupId: string, message: KafkaMessage): void {
    this.groupOffsets(groupId).set(`${message.topic}/${message.partition}`, message.offset + 1);
  }

  /** @internal */
  forget(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
  }

  private groupOffsets(groupId: string): Map<string, number> {
    let offsets = this.offsets.get(groupId);
    if (!offsets) {
      offsets = new Map();
      this.offsets.set(groupId, offsets);
    }
    return offsets;
  }

  private append(topic: string, records: readonly KafkaRecord[]): Promise<void> {
    if (!this.available) {
      return Promise.reject(new KafkaUnavailableError("in-memory broker is down"));
    }
    for (const record of records) {
      const bytes = record.value.byteLength + (record.key ? Buffer.byteLength(record.key) : 0);
      if (bytes > this.maxMessageBytes) {
        return Promise.reject(new KafkaMessageTooLargeError(topic, bytes));
      }
    }
    let logs = this.logs.get(topic);
    if (!logs) {
      logs = Array.from({ length: this.partitions }, () => []);
      this.logs.set(topic, logs);
    }
    // A subscription that has not seen this topic yet takes it from here on (or from 0).
    for (const subscription of this.subscriptions) {
      const { topics, groupId, fromBeginning = false } = subscription.options;
      if (!topicMatches(topic, topics)) continue;
      const committed = this.groupOffsets(groupId);
      for (const [partition, log] of logs.entries()) {
        const key = `${topic}/${partition}`;
        if (!committed.has(key)) committed.set(key, fromBeginning ? 0 : log.length);
      }
    }
    for (const record of records) {
      const partition =
        record.key === null
          ? this.roundRobin++ % this.partitions
          : keyHash(record.key) % this.partitions;
      const log = logs[partition]!;
      log.push({ ...record, topic, partition, offset: log.length });
    }
    for (const subscription of this.subscriptions) subscription.kick();
    return Promise.resolve();
  }
}
