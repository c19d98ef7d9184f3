/**
 * When to search for which names. Each unresolved channel has its own back-off: the first
 * search goes out on the next tick, then the gaps double from `firstPeriod` up to
 * `maxPeriod` (EPICS_CA_MAX_SEARCH_PERIOD) and stay there, so a name that appears late is
 * still found without beacons. Names due together share datagrams: a VERSION with a
 * sequence number, then as many SEARCHes as fit in one Ethernet frame.
 */
import { Buffer } from "node:buffer";
import type { Clock, Timer } from "../../core/index.js";
import {
  CA_MINOR_VERSION,
  ETHERNET_MAX_UDP,
  HEADER_SIZE,
  encodeMessages,
  padTo8,
  type CaMessageInput,
} from "../codec/index.js";

export interface SearchSchedulerOptions {
  clock: Clock;
  /** Sends one datagram to every search destination. */
  send: (datagram: Uint8Array) => void;
  /** The ceiling of the back-off, in seconds. */
  maxPeriod: number;
  /** The gap after the first search, in seconds (default 0.03, about libca's). */
  firstPeriod?: number;
}

interface Entry {
  cid: number;
  name: string;
  /** Searches sent so far in this round. */
  attempt: number;
  due: number;
}

/** The gap before search number `attempt + 1` (attempt 0 is the first search). */
export function searchDelay(attempt: number, firstPeriod: number, maxPeriod: number): number {
  if (attempt <= 0) return 0;
  return Math.min(firstPeriod * 2 ** (attempt - 1), maxPeriod);
}

export class SearchScheduler {
  readonly #clock: Clock;
  readonly #send: (datagram: Uint8Array) => void;
  readonly #maxPeriod: number;
  readonly #firstPeriod: number;
  readonly #entries = new Map<number, Entry>();
  #timer: Timer | undefined;
  #timerDue = Infinity;
  #sequence = 0;
  #closed = false;

  constructor(options: SearchSchedulerOptions) {
    this.#clock = options.clock;
    this.#send = options.send;
    this.#maxPeriod = options.maxPeriod;
    this.#firstPeriod = options.firstPeriod ?? 0.03;
  }

  /** Names waiting for an answer. */
  get size(): number {
    return this.#entries.size;
  }

  has(cid: number): boolean {
    return this.#entries.has(cid);
  }

  /** Searches sent for `cid` in its current round. */
  attempts(cid: number): number {
    return this.#entries.get(cid)?.attempt ?? 0;
  }

  /**
   * Starts searching for `name`. `startAttempt` > 0 continues a back-off (a server that
   * answered the search but whose circuit failed) instead of searching at once.
   */
  add(cid: number, name: string, startAttempt = 0): void {
    if (this.#closed) return;
    const due = this.#clock.now() + searchDelay(startAttempt, this.#firstPeriod, this.#maxPeriod);
    this.#entries.set(cid, { cid, name, attempt: startAttempt, due });
    this.#arm(due);
  }

  remove(cid: number): void {
    this.#entries.delete(cid);
  }

  /** Searches every waiting name again from the start (a beacon anomaly, a new server). */
  reset(): void {
    const now = this.#clock.now();
    for (const entry of this.#entries.values()) {
      entry.attempt = 0;
      entry.due = now;
    }
    if (this.#entries.size > 0) this.#arm(now);
  }

  close(): void {
    this.#closed = true;
    this.#entries.clear();
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #arm(due: number): void {
    if (this.#timer && this.#timerDue <= due) return;
    this.#timer?.cancel();
    this.#timerDue = due;
    this.#timer = this.#clock.schedule(due - this.#clock.now(), this.#fire);
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = this.#clock.now();
    const due: Entry[] = [];
    let next = Infinity;
    for (const entry of this.#entries.values()) {
      if (entry.due <= now + 1e-9) due.push(entry);
      else next = Math.min(next, entry.due);
    }
    for (const entry of due) {
      entry.attempt += 1;
      entry.due = now + searchDelay(entry.attempt, this.#firstPeriod, this.#maxPeriod);
      next = Math.min(next, entry.due);
    }
    if (next < Infinity) this.#arm(next);
    for (const datagram of this.#datagrams(due)) this.#send(datagram);
  };

  /** Packs the searches into as few datagrams as fit under ETHERNET_MAX_UDP. */
  *#datagrams(entries: readonly Entry[]): Generator<Uint8Array> {
    let batch: CaMessageInput[] = [];
    let size = HEADER_SIZE;
    const version = (): CaMessageInput => ({
      type: "UdpVersionRequest",
      minorVersion: CA_MINOR_VERSION,
      sequenceNumber: (this.#sequence = (this.#sequence + 1) >>> 0),
    });
    for (const { cid, name } of entries) {
      const bytes = HEADER_SIZE + padTo8(Buffer.byteLength(name) + 1);
      if (batch.length > 0 && size + bytes > ETHERNET_MAX_UDP) {
        yield encodeMessages([version(), ...batch]);
        batch = [];
        size = HEADER_SIZE;
      }
      batch.push({
        type: "SearchRequest",
        name,
        cid,
        minorVersion: CA_MINOR_VERSION,
        replyIfNotFound: false,
      });
      size += bytes;
    }
    if (batch.length > 0) yield encodeMessages([version(), ...batch]);
  }
}
