/** How a subscriber that cannot keep up is treated. */
export type Delivery =
  /** Every message or none: a subscriber whose queue overflows is cut off. */
  | "lossless"
  /** The oldest queued messages make room; the next message taken says how many were lost. */
  | "lossy";

/** A message as a subscriber takes it: numbered, with what was lost just before it. */
export interface Numbered<T> {
  readonly seq: number;
  readonly payload: T;
  /** Messages dropped since the previous one taken (lossy subscribers only). */
  readonly dropped?: number;
}

export interface SubscriberOptions {
  delivery: Delivery;
  /** At most this many messages wait in the queue. */
  capacity: number;
  /** The queue went from empty to holding a message. */
  ready: () => void;
  /** A lossless subscriber fell `capacity` messages behind and was cut off. */
  overflow: () => void;
}

/** One subscriber's bounded queue. */
export class Subscriber<T> {
  readonly #options: SubscriberOptions;
  readonly #detach: () => void;
  #queue: Array<Numbered<T>> = [];
  #head = 0;
  #dropped = 0;
  #closed = false;

  constructor(options: SubscriberOptions, detach: () => void) {
    if (!(options.capacity >= 1)) {
      throw new RangeError(`capacity must be at least 1, got ${options.capacity}`);
    }
    this.#options = options;
    this.#detach = detach;
  }

  get size(): number {
    return this.#queue.length - this.#head;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Messages dropped and not yet reported with a taken message. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues a message; never blocks and never throws. */
  offer(seq: number, payload: T): void {
    if (this.#closed) return;
    if (this.size >= this.#options.capacity) {
      if (this.#options.delivery === "lossless") {
        this.close();
        this.#options.overflow();
        return;
      }
      this.#head += 1;
      this.#dropped += 1;
    }
    const wasEmpty = this.size === 0;
    this.#queue.push({ seq, payload });
    if (wasEmpty) this.#options.ready();
  }

  /** The oldest queued message, carrying the count of messages dropped before it. */
  take(): Numbered<T> | undefined {
    if (this.size === 0) return undefined;
    const next = this.#queue[this.#head]!;
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#dropped === 0) return next;
    const dropped = this.#dropped;
    this.#dropped = 0;
    return { ...next, dropped };
  }

  /** Stops receiving and forgets what was queued. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#detach();
  }
}

/**
 * Fans one stream of messages out to subscribers, numbering them in order. Publishing only
 * queues, so a stalled subscriber never holds up the publisher.
 */
export class FanOut<T> {
  readonly #subscribers = new Set<Subscriber<T>>();
  #seq = 0;

  /** The number of the last message published (0 before the first). */
  get seq(): number {
    return this.#seq;
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  publish(payload: T): number {
    this.#seq += 1;
    for (const subscriber of [...this.#subscribers]) subscriber.offer(this.#seq, payload);
    return this.#seq;
  }

  subscribe(options: SubscriberOptions): Subscriber<T> {
    const subscriber: Subscriber<T> = new Subscriber(options, () =>
      this.#subscribers.delete(subscriber),
    );
    this.#subscribers.add(subscriber);
    return subscriber;
  }

  closeAll(): void {
    for (const subscriber of [...this.#subscribers]) subscriber.close();
  }
}
