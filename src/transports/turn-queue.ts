import Queue from "yocto-queue";

/**
 * Items that take turns at one resource (a port, a link): each starts when the one before
 * has finished, first come first served. The owner says when the current one is done.
 */
export class TurnQueue<T> {
  readonly #start: (item: T) => void;
  readonly #waiting = new Queue<T>();
  #current: T | undefined;
  #starting = false;

  /** `start` begins an item's turn; it may end it at once with done(). */
  constructor(start: (item: T) => void) {
    this.#start = start;
  }

  /** The item whose turn it is. */
  get current(): T | undefined {
    return this.#current;
  }

  /** Queues `item`; it starts at once if nothing else has the turn. */
  push(item: T): void {
    this.#waiting.enqueue(item);
    this.#next();
  }

  /** Ends `item`'s turn (if it has it) and starts the next one. */
  done(item: T): void {
    if (this.#current === item) this.#current = undefined;
    this.#next();
  }

  /** Removes and returns the items still waiting, oldest first. */
  drain(): T[] {
    return [...this.#waiting.drain()];
  }

  #next(): void {
    // An item that ends within its start lands back here: the loop goes on with the queue
    // instead of the stack growing with it.
    if (this.#starting) return;
    this.#starting = true;
    try {
      while (this.#current === undefined) {
        const next = this.#waiting.dequeue();
        if (next === undefined) return;
        this.#current = next;
        this.#start(next);
      }
    } finally {
      this.#starting = false;
    }
  }
}
