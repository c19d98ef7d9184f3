/**
 * The frames owed to one connection, in order. At most `window` frames are handed to the
 * socket before it reports them written, so a slow client's backlog stays here where it
 * can be counted; past `limit` queued frames the client is too far behind to catch up.
 * Nothing is ever dropped or merged: status events are lossless.
 */
export class Outbox {
  #frames: string[] = [];
  #head = 0;
  #inFlight = 0;

  constructor(
    readonly window: number,
    readonly limit: number,
  ) {
    if (!(window >= 1)) throw new RangeError(`window must be at least 1, got ${window}`);
    if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  }

  /** Frames waiting for room in the window. */
  get queued(): number {
    return this.#frames.length - this.#head;
  }

  /** Frames handed out and not yet reported written. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Queues a frame; false when the queue is already full. */
  push(frame: string): boolean {
    if (this.queued >= this.limit) return false;
    this.#frames.push(frame);
    return true;
  }

  /** The socket wrote `count` frames: room for as many more. */
  written(count: number): void {
    this.#inFlight = Math.max(0, this.#inFlight - count);
  }

  /** Takes the frames the window has room for, oldest first. */
  take(): string[] {
    const room = this.window - this.#inFlight;
    const end = Math.min(this.#frames.length, this.#head + Math.max(0, room));
    const taken = this.#frames.slice(this.#head, end);
    this.#head = end;
    this.#inFlight += taken.length;
    // Compact now and then, so a long-lived subscriber does not keep every frame it was sent.
    if (this.#head > 1024 && this.#head * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
    return taken;
  }

  clear(): void {
    this.#frames = [];
    this.#head = 0;
  }
}
