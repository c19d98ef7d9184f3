/**
 * The WRITE_NOTIFY requests of one channel, carried out one at a time and in order, as RSRV
 * does: a second put-callback to a moving motor starts once the first has completed, not on
 * top of it. A put that holds the next one up for `stallTimeout` seconds is given up on and
 * answered ECA_PUTCBINPROG, again as RSRV does after 60 s, and the next one starts.
 *
 * Unlike RSRV, which stops reading the whole circuit while a put waits, only this channel's
 * puts wait here; the circuit bounds how many wait in all.
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
  /** Seconds a put may hold up the next before it is given up on (RSRV: 60). */
  stallTimeout: number;
  /** Carries out one put; the outcome comes once it has completed. Never rejects. */
  run(request: R): PutOutcome | Promise<PutOutcome>;
  /** Sends the answer to a put: its own outcome, or ECA_PUTCBINPROG if given up on. */
  answer(request: R, outcome: PutOutcome): void;
  /** A put that waited has started (or been dropped): one fewer waits. */
  leftQueue(): void;
}

export class PutNotifyLine<R> {
  readonly #options: PutNotifyLineOptions<R>;
  readonly #waiting = new Queue<R>();
  /** The put in progress; a fresh object per put, so a late outcome knows it is stale. */
  #current: { readonly request: R } | undefined;
  #stallTimer: Timer | undefined;
  #closed = false;

  constructor(options: PutNotifyLineOptions<R>) {
    this.#options = options;
  }

  /** Puts waiting behind the one in progress. */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Starts `request` now, or queues it behind the put in progress; true if it was queued. */
  submit(request: R): boolean {
    if (this.#closed) return false;
    if (!this.#current) {
      this.#start(request);
      return false;
    }
    this.#waiting.enqueue(request);
    this.#armStallTimer();
    return true;
  }

  /** The channel is gone: nothing more is answered or started. */
  close(): void {
    this.#closed = true;
    this.#current = undefined;
    this.#stallTimer?.cancel();
    this.#stallTimer = undefined;
    const dropped = this.#waiting.size;
    this.#waiting.clear();
    for (let i = 0; i < dropped; i++) this.#options.leftQueue();
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
    if (outcome instanceof Promise) outcome.then((done) => this.#finished(current, done));
    else this.#finished(current, outcome);
  }

  #finished(put: { readonly request: R }, outcome: PutOutcome): void {
    if (this.#current !== put) return; // given up on, or the channel went away
    this.#current = undefined;
    this.#options.answer(put.request, outcome);
    this.#next();
  }

  #next(): void {
    this.#stallTimer?.cancel();
    this.#stallTimer = undefined;
    if (this.#closed || this.#current) return;
    const next = this.#waiting.dequeue();
    if (next === undefined) return;
    this.#options.leftQueue();
    this.#start(next);
    if (this.#waiting.size > 0) this.#armStallTimer();
  }

  #armStallTimer(): void {
    if (this.#stallTimer) return;
    this.#stallTimer = this.#options.clock.schedule(this.#options.stallTimeout, () => {
      this.#stallTimer = undefined;
      const stalled = this.#current;
      if (!stalled) return;
      this.#current = undefined;
      const message = `put callback still in progress after ${this.#options.stallTimeout} s`;
      this.#options.answer(stalled.request, { eca: ECA.PUTCBINPROG, message });
      this.#next();
    });
  }
}
