/**
 * A small typed emitter. Listeners are copied on write, so one that removes itself while
 * being called does not upset the loop; one that throws is reported, not propagated, so a
 * faulty listener cannot break the circuit that delivered the event.
 */
type Listener<A extends unknown[]> = (...args: A) => void;

export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  #listeners: { [K in keyof Events]?: ReadonlyArray<Listener<Events[K]>> } = {};

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    this.#listeners[event] = [...(this.#listeners[event] ?? []), listener];
    return () => this.off(event, listener);
  }

  /** Calls `listener` once, at the next `event`. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (...args) => {
      off();
      listener(...args);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners[event];
    if (list) this.#listeners[event] = list.filter((l) => l !== listener);
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners[event]?.length ?? 0;
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const list = this.#listeners[event];
    if (!list) return;
    for (const listener of list) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.#listeners = {};
  }
}
