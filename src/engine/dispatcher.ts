import Queue from "yocto-queue";
import type { DocumentCallback, DocumentName, Event, NamedDocument } from "../core/index.js";
import { packEventPage } from "../core/index.js";
import { SubscriberError } from "./errors.js";

export interface SubscribeOptions {
  /** Only documents of this name (default "all"). */
  name?: DocumentName | "all";
  /**
   * A lossy subscriber never slows the engine: documents wait in a bounded queue, events
   * that find it full are skipped (and counted), and its errors are logged, not raised.
   * A lossless one (the default) gets every document in order, awaited, and an error from
   * it ends the run.
   */
  lossy?: boolean;
  /** Capacity of a lossy subscriber's queue (default 1000). */
  queueSize?: number;
  /** Deliver events packed into event_page documents of up to this many events. */
  eventPage?: number;
  /** Names the subscriber in errors and logs. */
  label?: string;
}

interface Subscriber {
  readonly callback: DocumentCallback;
  readonly name: DocumentName | "all";
  readonly label: string;
  readonly lossy: boolean;
  readonly queueSize: number;
  readonly pageSize: number;
  readonly queue: Queue<NamedDocument>;
  /** Events held back to be packed into a page. */
  pending: Event[];
  draining: Promise<void> | undefined;
  skipped: number;
}

/** One document on its way to the subscribers, and the first failure among them. */
interface Delivery {
  readonly document: NamedDocument;
  failure: SubscriberError | undefined;
}

/** The others still get the document; the first failure ends the run. */
function noteFailure(
  delivery: Delivery,
  subscriber: Subscriber,
  doc: NamedDocument,
  error: unknown,
): void {
  delivery.failure ??= new SubscriberError(subscriber.label, doc[0], error);
}

export type Logger = (message: string, error?: unknown) => void;

/** Fans documents out to subscribers, each lossless or lossy. */
export class Dispatcher {
  private readonly subscribers = new Map<number, Subscriber>();
  /** The subscribers in order, made again after each change. */
  private subscriberList: readonly Subscriber[] | undefined;
  private nextToken = 1;
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  subscribe(callback: DocumentCallback, options: SubscribeOptions = {}): number {
    const token = this.nextToken++;
    this.subscriberList = undefined;
    this.subscribers.set(token, {
      callback,
      name: options.name ?? "all",
      label: options.label ?? (callback.name || `#${token}`),
      lossy: options.lossy ?? false,
      queueSize: options.queueSize ?? 1000,
      pageSize: options.eventPage ?? 0,
      queue: new Queue(),
      pending: [],
      draining: undefined,
      skipped: 0,
    });
    return token;
  }

  unsubscribe(token: number): void {
    this.subscriberList = undefined;
    this.subscribers.delete(token);
  }

  /** Events a lossy subscriber has skipped because its queue was full. */
  skipped(token: number): number {
    return this.subscribers.get(token)?.skipped ?? 0;
  }

  /** Resolves once every lossy queue is empty. */
  async idle(): Promise<void> {
    for (const subscriber of this.subscribers.values()) await subscriber.draining;
  }

  /**
   * Delivers one document; fails with a SubscriberError if a lossless subscriber fails.
   * Stays synchronous, giving undefined, until a subscriber returns a promise; from then on
   * each subscriber waits for the one before.
   */
  emit(...document: NamedDocument): Promise<void> | undefined {
    if (this.subscribers.size === 0) return undefined;
    const delivery: Delivery = { document, failure: undefined };
    const subscribers = this.snapshot();
    for (let i = 0; i < subscribers.length; i++) {
      const subscriber = subscribers[i]!;
      if (subscriber.pageSize > 0) {
        return this.deliverInTurn(subscribers, i, delivery, undefined);
      }
      const pending = this.deliver(subscriber, document, delivery);
      if (pending) return this.deliverInTurn(subscribers, i + 1, delivery, pending);
    }
    if (delivery.failure) throw delivery.failure;
    return undefined;
  }

  /** The subscribers as they were when a document came: one may unsubscribe meanwhile. */
  private snapshot(): readonly Subscriber[] {
    return (this.subscriberList ??= [...this.subscribers.values()]);
  }

  /** The rest of emit(), from subscriber `from` on, each after the one before. */
  private async deliverInTurn(
    subscribers: readonly Subscriber[],
    from: number,
    delivery: Delivery,
    pending: Promise<void> | undefined,
  ): Promise<void> {
    await pending;
    for (let i = from; i < subscribers.length; i++) {
      const subscriber = subscribers[i]!;
      for (const doc of this.shape(subscriber, delivery.document)) {
        await this.deliver(subscriber, doc, delivery);
      }
    }
    if (delivery.failure) throw delivery.failure;
  }

  /** Hands one document to one subscriber; a promise when a lossless one is still at it. */
  private deliver(
    subscriber: Subscriber,
    doc: NamedDocument,
    delivery: Delivery,
  ): Promise<void> | undefined {
    if (subscriber.name !== "all" && subscriber.name !== doc[0]) return undefined;
    if (subscriber.lossy) {
      this.enqueue(subscriber, doc);
      return undefined;
    }
    try {
      const result: unknown = subscriber.callback(...doc);
      if (result) {
        return Promise.resolve(result).then(undefined, (error: unknown) =>
          noteFailure(delivery, subscriber, doc, error),
        );
      }
    } catch (error) {
      noteFailure(delivery, subscriber, doc, error);
    }
    return undefined;
  }

  /** Packs events into pages for subscribers that asked for them. */
  private shape(subscriber: Subscriber, document: NamedDocument): NamedDocument[] {
    if (subscriber.pageSize === 0) return [document];
    const out: NamedDocument[] = [];
    const flush = (): void => {
      if (subscriber.pending.length > 0)
        out.push(["event_page", packEventPage(subscriber.pending)]);
      subscriber.pending = [];
    };
    if (document[0] === "event") {
      if (subscriber.pending[0] && subscriber.pending[0].descriptor !== document[1].descriptor)
        flush();
      subscriber.pending.push(document[1]);
      if (subscriber.pending.length >= subscriber.pageSize) flush();
      return out;
    }
    flush();
    out.push(document);
    return out;
  }

  private enqueue(subscriber: Subscriber, document: NamedDocument): void {
    const isEvent = document[0] === "event" || document[0] === "event_page";
    if (isEvent && subscriber.queue.size >= subscriber.queueSize) {
      subscriber.skipped++;
      return;
    }
    subscriber.queue.enqueue(document);
    subscriber.draining ??= this.drain(subscriber);
  }

  private async drain(subscriber: Subscriber): Promise<void> {
    // Start on a later turn, so the engine's current step is never held up.
    await new Promise((resolve) => setImmediate(resolve));
    for (let doc = subscriber.queue.dequeue(); doc; doc = subscriber.queue.dequeue()) {
      try {
        await subscriber.callback(...doc);
      } catch (error) {
        this.log(`lossy subscriber ${subscriber.label} failed on a ${doc[0]} document`, error);
      }
    }
    subscriber.draining = undefined;
  }
}
