/**
 * The outgoing side of one circuit. Replies and monitor updates are gathered into one
 * buffer per tick and written at once. While the socket keeps up, every monitor update is
 * sent. When the socket pushes back (write returned false) or the client asked EVENTS_OFF,
 * each subscription keeps only its latest update in a slot and the others are dropped, so
 * a slow client costs at most one update per subscription, never a backlog; the slots go
 * out, newest values only, once the socket drains or EVENTS_ON arrives.
 */

/** Where the bytes go: a socket's write, returning false when its buffer is full. */
export interface SendSink {
  write(bytes: Uint8Array): boolean;
}

/** One subscription's coalescing slot. */
export interface MonitorSlot<S> {
  /** The latest update not yet sent, if any. */
  pending: S | undefined;
  /** Encodes an update of this subscription. */
  encode(state: S): Uint8Array;
}

export interface SendQueueOptions {
  /**
   * Bytes gathered in one tick before monitor updates start to coalesce even though the
   * socket is keeping up (a producer posting in a tight loop).
   */
  maxBatchBytes?: number;
  /** Runs the flush later in this tick's turn (default setImmediate). */
  defer?: (flush: () => void) => void;
}

const DEFAULT_MAX_BATCH_BYTES = 1 << 20;

export class SendQueue<S> {
  readonly #sink: SendSink;
  readonly #maxBatchBytes: number;
  readonly #defer: (flush: () => void) => void;
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  readonly #dirty = new Set<MonitorSlot<S>>();
  #flushScheduled = false;
  #blocked = false;
  #paused = false;
  #closed = false;
  /** Monitor updates replaced in a slot before being sent. */
  dropped = 0;

  constructor(sink: SendSink, options: SendQueueOptions = {}) {
    this.#sink = sink;
    this.#maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.#defer = options.defer ?? ((flush) => setImmediate(flush));
  }

  /** The socket refused more (waiting for drain). */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** Bytes waiting here (not counting the socket's own buffer). */
  get queuedBytes(): number {
    return this.#batchBytes;
  }

  /** Subscriptions holding an unsent update. */
  get pendingMonitors(): number {
    return this.#dirty.size;
  }

  /** Queues a reply; replies are never dropped. */
  reply(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#append(bytes);
    this.#schedule();
  }

  /** Offers a monitor update of `slot`: sent at the next flush, or coalesced. */
  monitor(slot: MonitorSlot<S>, state: S): void {
    if (this.#closed) return;
    const direct =
      !this.#blocked &&
      !this.#paused &&
      slot.pending === undefined &&
      this.#batchBytes < this.#maxBatchBytes;
    if (direct) {
      this.#append(slot.encode(state));
    } else {
      if (slot.pending !== undefined) this.dropped++;
      slot.pending = state;
      this.#dirty.add(slot);
    }
    this.#schedule();
  }

  /** Forgets a slot's unsent update (the subscription ended). */
  discard(slot: MonitorSlot<S>): void {
    slot.pending = undefined;
    this.#dirty.delete(slot);
  }

  /** EVENTS_OFF (true) and EVENTS_ON (false). */
  set paused(paused: boolean) {
    this.#paused = paused;
    if (!paused) this.#schedule();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** The socket drained: send what waited. */
  drained(): void {
    this.#blocked = false;
    this.#schedule();
  }

  /** Drops everything; later calls do nothing. */
  close(): void {
    this.#closed = true;
    this.#batch = [];
    this.#batchBytes = 0;
    for (const slot of this.#dirty) slot.pending = undefined;
    this.#dirty.clear();
  }

  /** Writes what is gathered now (normally run by the deferred flush). */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#closed || this.#blocked) return;
    if (!this.#paused) {
      for (const slot of this.#dirty) {
        if (this.#batchBytes >= this.#maxBatchBytes) break;
        const state = slot.pending;
        this.#dirty.delete(slot);
        slot.pending = undefined;
        if (state !== undefined) this.#append(slot.encode(state));
      }
    }
    if (this.#batchBytes === 0) return;
    const bytes = this.#take();
    if (!this.#sink.write(bytes)) this.#blocked = true;
    if (!this.#blocked && !this.#paused && this.#dirty.size > 0) this.#schedule();
  }

  #append(bytes: Uint8Array): void {
    this.#batch.push(bytes);
    this.#batchBytes += bytes.length;
  }

  #take(): Uint8Array {
    const parts = this.#batch;
    const total = this.#batchBytes;
    this.#batch = [];
    this.#batchBytes = 0;
    if (parts.length === 1) return parts[0]!;
    const out = Buffer.allocUnsafe(total);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  #schedule(): void {
    if (this.#flushScheduled || this.#closed || this.#blocked) return;
    this.#flushScheduled = true;
    this.#defer(() => this.flush());
  }
}
