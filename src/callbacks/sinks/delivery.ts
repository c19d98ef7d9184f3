import Queue from "yocto-queue";
import type { Clock, DocumentCallback, NamedDocument } from "../../core/index.js";
import { HilError } from "../../core/index.js";
import { DocumentRejectedError } from "./document-sink.js";
import type { DocumentSink } from "./document-sink.js";
import { DocumentSequencer } from "./sequence.js";
import type { PendingDocument, SpoolSync } from "./spool.js";
import { Spool } from "./spool.js";

/** What a delivery has done so far, for a status page. */
export interface DeliveryStats {
  /** Documents the sink took. */
  sent: number;
  /** Documents written to the spool on disk (lossless only). */
  spooled: number;
  /** Documents given up: the oldest pushed out of a full buffer (lossy), or refused for good. */
  dropped: number;
  /** Documents waiting: in memory, in the spool, and the one being sent. */
  pending: number;
  /** Failed send attempts. */
  failures: number;
  /** The last send failure's message, until a send succeeds again. */
  lastError: string | undefined;
}

/** Waits between retries: first `initial` seconds, doubling up to `max`. */
export interface Backoff {
  initial: number;
  max: number;
}

const DEFAULT_BACKOFF: Backoff = { initial: 0.1, max: 5 };
/** Real milliseconds a closing delivery waits for its sink to close. */
const SINK_CLOSE_MS = 5000;

/** How a document is handed to a sink in a delivery: lossless or lossy. */
export interface Delivery {
  readonly sink: DocumentSink;
  readonly lossless: boolean;
  /** The RunEngine subscriber: it only enqueues and returns at once. */
  readonly callback: DocumentCallback;
  stats(): DeliveryStats;
  /** Resolves when nothing is pending (every document sent or given up). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** The queue and the one send loop that lossless and lossy deliveries share. */
abstract class DeliveryBase implements Delivery {
  abstract readonly lossless: boolean;
  readonly sink: DocumentSink;
  readonly callback: DocumentCallback = (...document) => this.enqueue(document);
  protected readonly clock: Clock;
  protected counts = { sent: 0, spooled: 0, dropped: 0, failures: 0 };
  protected lastError: string | undefined;
  private readonly sequencer = new DocumentSequencer();
  private readonly backoff: Backoff;
  private pumping = false;
  private closed = false;
  private readonly waitAbort = new AbortController();
  private idleWaiters: Array<() => void> = [];

  constructor(sink: DocumentSink, clock: Clock, backoff: Backoff = DEFAULT_BACKOFF) {
    this.sink = sink;
    this.clock = clock;
    this.backoff = backoff;
  }

  stats(): DeliveryStats {
    return { ...this.counts, pending: this.pendingCount(), lastError: this.lastError };
  }

  idle(): Promise<void> {
    if (this.pendingCount() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops sending (what is pending stays: on disk for a lossless delivery) and closes the sink. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.waitAbort.abort();
    this.release();
    this.wakeIdleWaiters();
    // What is pending is safe (spooled) or counted (dropped): a sink slow to close is not awaited for ever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.sink.close(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, SINK_CLOSE_MS).unref())),
    ]);
    clearTimeout(timer);
  }

  private enqueue(document: NamedDocument): void {
    if (this.closed) {
      throw new HilError("HIL_DELIVERY_CLOSED", `${this.sink.name}: delivery is closed`);
    }
    try {
      this.push({ document, sequence: this.sequencer.next(...document) });
    } catch (error) {
      // The spool cannot take it (disk full): the document is lost, which is counted; the run goes on.
      this.counts.dropped += 1;
      this.lastError = error instanceof Error ? error.message : String(error);
    }
    this.kick();
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  protected kick(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      await this.sendAll();
    } finally {
      this.pumping = false;
    }
    if (this.closed) return;
    if (this.pendingCount() > 0) {
      this.kick(); // came while the loop was ending
    } else {
      this.wakeIdleWaiters();
    }
  }

  private async sendAll(): Promise<void> {
    let attempt = 0;
    for (let next = this.peek(); next && !this.closed; next = this.peek()) {
      try {
        await this.sink.send(next.document, next.sequence);
        if (this.closed) return; // released already: it stays pending
        this.counts.sent += 1;
        this.lastError = undefined;
        attempt = 0;
        this.taken(next);
      } catch (error) {
        if (this.closed) return;
        this.counts.failures += 1;
        this.lastError = error instanceof Error ? error.message : String(error);
        if (error instanceof DocumentRejectedError) {
          this.counts.dropped += 1;
          this.taken(next);
          continue;
        }
        this.failed(next);
        const delay = Math.min(this.backoff.initial * 2 ** attempt, this.backoff.max);
        attempt += 1;
        try {
          await this.clock.sleep(delay, { signal: this.waitAbort.signal });
        } catch {
          return; // closed while waiting
        }
      }
    }
  }

  protected abstract push(pending: PendingDocument): void;
  protected abstract peek(): PendingDocument | undefined;
  /** The document from peek() has been sent or given up. */
  protected abstract taken(pending: PendingDocument): void;
  /** The document from peek() could not be sent now. */
  protected abstract failed(pending: PendingDocument): void;
  protected abstract pendingCount(): number;
  protected abstract release(): void;
}

export interface LosslessDeliveryOptions {
  /** Where the spool file lives; one delivery per directory. */
  spoolDir: string;
  /** Documents held in memory before new ones go to the spool. */
  capacity: number;
  clock: Clock;
  backoff?: Backoff;
  /** When spool writes are forced to the disk; default "stop" (see Spool). */
  sync?: SpoolSync;
}

/**
 * Every document reaches the sink, in order, however long the peer is away. Documents wait
 * in memory up to `capacity`; beyond that, or from the moment a send fails, they go to an
 * append-only JSONL spool on disk (the documents in memory are written there first, so the
 * spool keeps their order), and keep going there until the spool has been replayed to the
 * sink, oldest first. A failed send is retried after a backoff on the clock. A spool left by
 * an earlier process is replayed before anything new. A receiver may see a document twice
 * (sent, but the ack was lost): the sequence numbers tell.
 */
export class LosslessDelivery extends DeliveryBase {
  readonly lossless = true;
  readonly spool: Spool;
  private readonly memory = new Queue<PendingDocument>();
  private readonly capacity: number;

  constructor(sink: DocumentSink, options: LosslessDeliveryOptions) {
    super(sink, options.clock, options.backoff);
    this.capacity = options.capacity;
    this.spool = new Spool(options.spoolDir, {
      sync: options.sync ?? "stop",
      onSkip: (message) => {
        this.counts.dropped += 1;
        this.lastError = message;
      },
    });
    if (this.spool.size > 0) this.kick();
  }

  // Memory holds documents only while the spool is empty: the spool is never older than memory.
  protected push(pending: PendingDocument): void {
    if (this.spool.size === 0 && this.memory.size < this.capacity) {
      this.memory.enqueue(pending);
    } else {
      this.toSpool([...this.memory.drain(), pending]);
    }
  }

  protected peek(): PendingDocument | undefined {
    return this.memory.peek() ?? this.spool.peek();
  }

  /** `pending` is the oldest: at memory's head, or moved to the spool's head while it was sent. */
  protected taken(pending: PendingDocument): void {
    if (this.memory.peek() === pending) this.memory.dequeue();
    else this.spool.take();
  }

  protected failed(): void {
    this.toSpool([...this.memory.drain()]); // the peer is away: nothing waits in memory only
  }

  protected pendingCount(): number {
    return this.memory.size + this.spool.size;
  }

  protected release(): void {
    this.toSpool([...this.memory.drain()]);
    this.spool.close();
  }

  private toSpool(pendings: readonly PendingDocument[]): void {
    this.spool.appendAll(pendings);
    this.counts.spooled += pendings.length;
  }
}

export interface LossyDeliveryOptions {
  /** Documents held in memory; when full the oldest is dropped. */
  capacity: number;
  clock: Clock;
  backoff?: Backoff;
}

/**
 * Documents go to the sink while it keeps up; when `capacity` are waiting the oldest is
 * dropped, and a document whose send fails is dropped too (after which the delivery waits a
 * backoff before trying the next). Every drop is counted in `stats().dropped`, and the
 * sequence numbers sent beside the documents show the receiver where the gaps are.
 */
export class LossyDelivery extends DeliveryBase {
  readonly lossless = false;
  private readonly memory = new Queue<PendingDocument>();
  private readonly capacity: number;
  private inFlight: PendingDocument | undefined;

  constructor(sink: DocumentSink, options: LossyDeliveryOptions) {
    super(sink, options.clock, options.backoff);
    this.capacity = options.capacity;
  }

  protected push(pending: PendingDocument): void {
    if (this.memory.size >= this.capacity) {
      this.memory.dequeue();
      this.counts.dropped += 1;
    }
    this.memory.enqueue(pending);
  }

  protected peek(): PendingDocument | undefined {
    if (!this.inFlight) this.inFlight = this.memory.dequeue();
    return this.inFlight;
  }

  protected taken(): void {
    this.inFlight = undefined;
  }

  protected failed(): void {
    this.inFlight = undefined;
    this.counts.dropped += 1;
  }

  protected pendingCount(): number {
    return this.memory.size + (this.inFlight ? 1 : 0);
  }

  protected release(): void {
    this.counts.dropped += this.pendingCount();
    this.memory.clear();
    this.inFlight = undefined;
  }
}
