/**
 * The listeners of one event. Adding or removing replaces the array (copy on write), so a
 * listener that unsubscribes while being called does not upset the loop calling it.
 */
export class ListenerSet<Args extends unknown[]> {
  private listeners: ReadonlyArray<(...args: Args) => void> = [];

  get size(): number {
    return this.listeners.length;
  }

  /** Adds a listener; returns the function that removes it. */
  add(listener: (...args: Args) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Calls every listener; one that throws does not stop the others, and is rethrown after. */
  emit(...args: Args): void {
    const listeners = this.listeners;
    if (listeners.length === 1) {
      listeners[0]!(...args);
      return;
    }
    let failure: { error: unknown } | undefined;
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
