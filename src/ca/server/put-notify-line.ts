/**
 * The WRITE_NOTIFY requests of one channel, carried out one at a time and in order, as RSRV
 * does: a second put-callback to a moving motor starts once the first has completed, not on
 * top of it. A put that holds up what follows for `stallTimeout` seconds is given up on and
 * answered ECA_PUTCBINPROG, again as RSRV does after 60 s, and the next one starts.
 *
 * RSRV stops reading the whole circuit while a put-callback waits, so nothing the client sent
 * after it overtakes it. Here only the channel's own later requests (reads, writes, monitors,
 * the clear) wait behind it, in order, and the circuit bounds how many wait in all.
 */
import Queue from "yocto-queue";
import type { Clock, Timer } from "../../core/index.js";
import { ECA } from "../codec/index.js";

/** How a put ended: the ECA status of its answer, and what to log or tell the client. */
export interface PutOutcome {
  readonly eca: number;
  readonly message: string;
}

export interface PutNotifyLineOptions<R> {
  clock: Clock;
  /** Seconds a put may hold up what follows before it is given up on (RSRV: 60). */
  stallTimeout: number;
  /** Carries out one put; the outcome comes once it has completed. Never rejects. */
  run(request: R): PutOutcome | Promise<PutOutcome>;
  /** Sends the answer to a put: its own outcome, or ECA_PUTCBINPROG if given up on. */
  answer(request: R, outcome: PutOutcome): void;
  /** A waiting entry has started (or been dropped): one fewer waits. */
  leftQueue(): void;
}

/** A put-callback waiting for the one before it, or another request waiting behind it. */
type Entry<R> = { readonly put: R } | { readonly task: () => void };

export class PutNotifyLine<R> {
  readonly #options: PutNotifyLineOptions<R>;
  readonly #waiting = new Queue<Entry<R>>();
  /** The put in progress; a fresh object per put, so a late outcome knows it is stale. */
  #current: { readonly request: R } | undefined;
  #stallTimer: Timer | undefined;
  #advancing = false;
  #closed = false;

  constructor(options: PutNotifyLineOptions<R>) {
    this.#options = options;
  }

  /** Entries waiting: puts behind the one in progress, and the requests behind them. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Starts `request` now, or queues it behind what is ahead of it; true if it was queued. */
  submit(request: R): boolean {
    if (this.#closed) return false;
    if (!this.#current && this.#waiting.size === 0) {
      this.#start(request);
      return false;
    }
    this.#waiting.enqueue({ put: request });
    this.#armStallTimer();
    return true;
  }

  /** Queues another request of the channel behind the waiting puts; false if none wait. */
  defer(task: () => void): boolean {
    if (this.#closed || this.#waiting.size === 0) return false;
    this.#waiting.enqueue({ task });
    return true;
  }

  /**
   * The channel is gone: nothing more is answered or started. Returns the requests that
   * waited behind its puts (the puts themselves are dropped).
   */
  close(): Array<() => void> {
    this.#closed = true;
    this.#current = undefined;
    this.#stallTimer?.cancel();
    this.#stallTimer = undefined;
    const held: Array<() => void> = [];
    for (const entry of this.#waiting.drain()) {
      this.#options.leftQueue();
      if ("task" in entry) held.push(entry.task);
    }
    return held;
  }

  #start(request: R): void {
    const current = { request };
    this.#current = current;
    let outcome: PutOutcome | Promise<PutOutcome>;
    try {
      outcome = this.#options.run(request);
    } catch (error) {
      outcome = {
        eca: ECA.PUTFAIL,
        message: error instanceof Error ? error.message : String(error),
      };
    }
    if (outcome instanceof Promise) {
      // #finished never throws (see #advance); the catch keeps a slip from ending the process.
      outcome.then((done) => this.#finished(current, done)).catch(() => undefined);
    } else {
      this.#finished(current, outcome);
    }
  }

  #finished(put: { readonly request: R }, outcome: PutOutcome): void {
    if (this.#current !== put) return; // given up on, or the channel went away
    this.#current = undefined;
    this.#options.answer(put.request, outcome);
    this.#advance();
  }

  /** Runs what waits, in order, up to the next put that must wait for the current one. */
  #advance(): void {
    if (this.#advancing) return; // a put completing at once lands here: the loop goes on
    this.#advancing = true;
    try {
      for (let head = this.#waiting.peek(); head && !this.#closed; head = this.#waiting.peek()) {
        if ("put" in head && this.#current) break;
        this.#waiting.dequeue();
        this.#options.leftQueue();
        if ("put" in head) this.#start(head.put);
        else runTask(head.task);
      }
    } finally {
      this.#advancing = false;
    }
    this.#stallTimer?.cancel();
    this.#stallTimer = undefined;
    this.#armStallTimer();
  }

  #armStallTimer(): void {
    if (this.#stallTimer || !this.#current || this.#waiting.size === 0 || this.#closed) return;
    this.#stallTimer = this.#options.clock.schedule(this.#options.stallTimeout, () => {
      this.#stallTimer = undefined;
      const stalled = this.#current;
      if (!stalled) return;
      this.#current = undefined;
      const message = `put callback still in progress after ${this.#options.stallTimeout} s`;
      this.#options.answer(stalled.request, { eca: ECA.PUTCBINPROG, message });
      this.#advance();
    });
  }
}

/** Runs a held request; one that throws must not stop the line behind it. */
function runTask(task: () => void): void {
  try {
    task();
  } catch {
    // The circuit's tasks report their own failures (they close the circuit).
  }
}
