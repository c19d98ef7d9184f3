import Queue from "yocto-queue";

/**
 * A first-come first-served lock. Unlocking hands the lock straight to the next waiter, so a
 * caller arriving in between queues behind it instead of overtaking it.
 */
export class FifoMutex {
  private locked = false;
  private readonly waiting = new Queue<() => void>();

  get isLocked(): boolean {
    return this.locked;
  }

  /** Resolves when the caller holds the lock; undefined (no promise) if it was free. */
  lock(): Promise<void> | undefined {
    if (!this.locked) {
      this.locked = true;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.enqueue(resolve));
  }

  unlock(): void {
    const next = this.waiting.dequeue();
    if (next) next();
    else this.locked = false;
  }
}
