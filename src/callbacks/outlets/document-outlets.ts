import { hostname } from "node:os";
import { logLevel } from "kafkajs";
import { join } from "node:path";
import type { Clock, DocumentCallback } from "../../core/index.js";
import { realClock } from "../../core/index.js";
import { KafkaJsTransport, KafkaPublisher } from "../kafka/index.js";
import type { Delivery, DeliveryStats } from "../sinks/index.js";
import { LosslessDelivery, LossyDelivery } from "../sinks/index.js";
import type { ZmqSerializerName } from "../zmq/index.js";
import { ZmqPublisher } from "../zmq/index.js";

/** Where a run's documents go besides the files: chosen on the command line or by a server. */
export interface OutletsConfig {
  /** A 0MQ proxy's in-port. Lossy, as bluesky's Publisher is: 0MQ drops for a peer that is away. */
  zmq?: { address: string; serializer: ZmqSerializerName };
  /** A Kafka topic. Lossless: what the brokers cannot take waits in a spool on disk. */
  kafka?: { brokers: string; topic: string };
}

export interface OutletsOptions {
  /** Spools live in `<spoolRoot>/<outlet>/`; a spool left there by an earlier process is sent first. */
  spoolRoot: string;
  /** The clock of retries and waits: a peer's absence is real time, so real by default. */
  clock?: Clock;
  /** Documents held in memory per outlet (then the oldest are dropped, or spooled). Default 10,000. */
  capacity?: number;
}

/** One outlet's state for a status page or the end of a run. */
export interface OutletStatus extends DeliveryStats {
  name: string;
  lossless: boolean;
}

/**
 * The documents' ways out of this process, each behind its own delivery, so the engine only
 * enqueues: a peer that is slow or away costs it nothing.
 */
export class DocumentOutlets {
  readonly deliveries: readonly Delivery[];
  private readonly clock: Clock;
  private closed = false;

  constructor(deliveries: readonly Delivery[], clock: Clock = realClock) {
    this.deliveries = deliveries;
    this.clock = clock;
  }

  /** Opens the outlets `config` names; none when it names none. */
  static open(config: OutletsConfig, options: OutletsOptions): DocumentOutlets {
    const clock = options.clock ?? realClock;
    const capacity = options.capacity ?? 10_000;
    const deliveries: Delivery[] = [];
    if (config.zmq) {
      const publisher = new ZmqPublisher(config.zmq.address, {
        serializer: config.zmq.serializer,
        onError: () => undefined, // counted as dropped in the delivery's status
      });
      deliveries.push(new LossyDelivery(publisher, { capacity, clock }));
    }
    if (config.kafka) {
      const transport = new KafkaJsTransport({
        brokers: config.kafka.brokers,
        // The delivery retries with its own backoff and spools meanwhile.
        // Its log would repeat each failure; the outlet's status reports the last one.
        kafka: { retry: { retries: 1 }, connectionTimeout: 3000, logLevel: logLevel.NOTHING },
      });
      // One key per publisher, the same after a restart, so a run replayed from the spool
      // stays in its partition, in order.
      const key = `hil@${hostname()}`;
      const publisher = new KafkaPublisher({ transport, topic: config.kafka.topic, key });
      const spoolDir = join(options.spoolRoot, `kafka-${safeName(config.kafka.topic)}`);
      deliveries.push(new LosslessDelivery(publisher, { spoolDir, capacity, clock }));
    }
    return new DocumentOutlets(deliveries, clock);
  }

  get empty(): boolean {
    return this.deliveries.length === 0;
  }

  /** For the RunEngine or a document feed: hands each document to every delivery (none once closed). */
  readonly callback: DocumentCallback = (...document) => {
    if (this.closed) return;
    for (const delivery of this.deliveries) void delivery.callback(...document);
  };

  status(): OutletStatus[] {
    return this.deliveries.map((delivery) => ({
      name: delivery.sink.name,
      lossless: delivery.lossless,
      ...delivery.stats(),
    }));
  }

  /**
   * Waits up to `seconds` for the outlets to send what they hold, then closes them: what a
   * lossless outlet still holds stays in its spool, what a lossy one holds is dropped. A
   * lossless outlet whose peer is away (its last send failed) is not waited for: its
   * documents are on disk already. `close()` meanwhile (Ctrl-C) ends the wait. Returns each
   * outlet's final status.
   */
  async finish(seconds: number): Promise<OutletStatus[]> {
    const deadline = this.clock.now() + seconds;
    while (!this.closed && this.clock.now() < deadline && this.deliveries.some(worthWaitingFor)) {
      await this.clock.sleep(Math.min(FINISH_POLL_SECONDS, deadline - this.clock.now()));
    }
    await this.close();
    return this.status();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.deliveries.map((delivery) => delivery.close()));
  }
}

const FINISH_POLL_SECONDS = 0.05;

/** Holds documents it may still send now: pending, and not a lossless one with its peer away. */
function worthWaitingFor(delivery: Delivery): boolean {
  const { pending, lastError } = delivery.stats();
  return pending > 0 && !(delivery.lossless && lastError !== undefined);
}

/** A topic or address as a directory name. */
function safeName(text: string): string {
  return text.replace(/[^\w.-]+/g, "_");
}
