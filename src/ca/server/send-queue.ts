/**
 * The outgoing side of one circuit. Replies and monitor updates are gathered into one
 * buffer and written at once: at the end of a `hold` (the answers to what the client just
 * sent), else at a deferred flush (updates a PV posts, which come in bursts). While the
 * socket keeps up, every monitor update is sent. When the socket pushes back (write
 * returned false) or the client asked EVENTS_OFF, each subscription keeps only its latest
 * update in a slot and the others are dropped, so a slow client costs at most one update
 * per subscription, never a backlog; the slots go out, newest values only, once the socket
 * drains or EVENTS_ON arrives. Small pieces are copied into one buffer; a large one (a
 * waveform's payload shared by many replies) is written as it is, in its place.
 */

/** Where the bytes go: a socket's write, returning false when its buffer is full. */
export interface SendSink {
  write(bytes: Uint8Array): boolean;
  /**
   * Writes several buffers in order as one (a header and the large payload after it, in
   * one system call); without it each goes to `write`.
   */
  writeMany?(parts: readonly Uint8Array[]): boolean;
}

/** What is queued: one buffer, or pieces sent one after the other (a header, a payload). */
export type Outgoing = Uint8Array | readonly Uint8Array[];

/** One subscription's coalescing slot. */
export interface MonitorSlot<S> {
  /** The latest update not yet sent, if any. */
  pending: S | undefined;
  /** Encodes an update of this subscription. */
  encode(state: S): Outgoing;
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
/** A piece at least this large is written on its own rather than copied into the batch. */
const SEPARATE_WRITE_BYTES = 1 << 16;

export class SendQueue<S> {
  readonly #sink: SendSink;
  readonly #maxBatchBytes: number;
  readonly #defer: (flush: () => void) => void;
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  readonly #dirty = new Set<MonitorSlot<S>>();
  #flushScheduled = false;
  /** Inside `now()`: its end flushes, so nothing is deferred. */
  #holding = 0;
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

  /** Runs `work`, then writes what it queued at once instead of at the deferred flush. */
  now(work: () => void): void {
    this.hold();
    try {
      work();
    } finally {
      this.release();
    }
  }

  /** Until the matching `release`, queued bytes wait for it rather than a deferred flush. */
  hold(): void {
    this.#holding++;
  }

  /** Ends a `hold`; the last one writes what was queued. */
  release(): void {
    if (--this.#holding === 0) this.flush();
  }

  /** Queues a reply; replies are never dropped. */
  reply(bytes: Outgoing): void {
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
    const parts = this.#take();
    if (parts.length > 1 && this.#sink.writeMany) {
      if (!this.#sink.writeMany(parts)) this.#blocked = true;
    } else {
      for (const bytes of parts) if (!this.#sink.write(bytes)) this.#blocked = true;
    }
    if (!this.#blocked && !this.#paused && this.#dirty.size > 0) this.#schedule();
  }

  #append(bytes: Outgoing): void {
    if (bytes instanceof Uint8Array) {
      this.#batch.push(bytes);
      this.#batchBytes += bytes.length;
    } else {
      for (const part of bytes) {
        this.#batch.push(part);
        this.#batchBytes += part.length;
      }
    }
  }

  /** The batch as buffers to write: runs of small pieces joined, large pieces as they are. */
  #take(): Uint8Array[] {
    const parts = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    if (parts.length === 1) return parts;
    const out: Uint8Array[] = [];
    let start = 0;
    const join = (end: number): void => {
      if (end - start === 1) out.push(parts[start]!);
      else if (end > start) out.push(concatenate(parts, start, end));
    };
    for (let i = 0; i < parts.length; i++) {
      if (parts[i]!.length < SEPARATE_WRITE_BYTES) continue;
      join(i);
      out.push(parts[i]!);
      start = i + 1;
    }
    join(parts.length);
    return out;
  }

  #schedule(): void {
    if (this.#flushScheduled || this.#holding > 0 || this.#closed || this.#blocked) return;
    this.#flushScheduled = true;
    this.#defer(() => this.flush());
  }
}

function concatenate(parts: readonly Uint8Array[], start: number, end: number): Uint8Array {
  let total = 0;
  for (let i = start; i < end; i++) total += parts[i]!.length;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = start; i < end; i++) {
    out.set(parts[i]!, offset);
    offset += parts[i]!.length;
  }
  return out;
}
