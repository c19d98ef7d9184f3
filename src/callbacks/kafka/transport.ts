import { HilError } from "../../core/index.js";

/** One Kafka message as produced: bluesky-kafka sets a fixed key and no headers. */
export interface KafkaRecord {
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** A message as consumed, with where it sits in the log. */
export interface KafkaMessage extends KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface KafkaConsumeOptions {
  /** Topic names or patterns (a pattern also takes topics created later). */
  readonly topics: ReadonlyArray<string | RegExp>;
  /** Consumers of one group share the committed offsets: a restarted one resumes. */
  readonly groupId: string;
  /** A group with no committed offset starts at the oldest message instead of the next one. */
  readonly fromBeginning?: boolean;
}

export interface KafkaSubscription {
  /** Stops consuming; offsets of messages already handled stay committed. */
  stop(): Promise<void>;
}

/**
 * The little of Kafka that document streams need. `send` resolves once the broker has
 * acknowledged the records; `consume` hands messages to `onMessage` one at a time, in log
 * order per partition, and commits each after `onMessage` resolves (at least once: a
 * consumer stopped mid-message gets that message again). Implemented over kafkajs
 * (KafkaJsTransport) and by an in-memory broker for tests (InMemoryKafkaBroker).
 */
export interface KafkaTransport {
  send(topic: string, records: readonly KafkaRecord[]): Promise<void>;
  /** Resolves when every send so far has been acknowledged. */
  flush(): Promise<void>;
  consume(
    options: KafkaConsumeOptions,
    onMessage: (message: KafkaMessage) => Promise<void>,
  ): Promise<KafkaSubscription>;
  /** Lets go of the connections at once: a send still in flight rejects (flush first to wait). */
  close(): Promise<void>;
}

/** The broker refused a message over its size limit (Kafka's MESSAGE_TOO_LARGE). */
export class KafkaMessageTooLargeError extends HilError {
  constructor(topic: string, bytes: number, options?: ErrorOptions) {
    super(
      "HIL_KAFKA_MESSAGE_TOO_LARGE",
      `${topic}: a message of ${bytes} bytes is too large for the broker`,
      options,
    );
  }
}

/** The broker cannot be reached or refused the request. */
export class KafkaUnavailableError extends HilError {
  constructor(message: string, options?: ErrorOptions) {
    super("HIL_KAFKA_UNAVAILABLE", message, options);
  }
}

/** Whether a topic name is taken by one of the consume options' topics. */
export function topicMatches(topic: string, topics: ReadonlyArray<string | RegExp>): boolean {
  return topics.some((t) => (typeof t === "string" ? t === topic : t.test(topic)));
}
