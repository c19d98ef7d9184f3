// Two ByteTransports joined in memory, for unit tests of drivers and emulators: what one end
// writes, the other receives, on a later microtask (as a real port delivers it later), with
// ways to drop an end and to make it unavailable for a while, as an unplugged adapter is.
import type { ByteTransport } from "./byte-transport.js";
import { WRITTEN } from "./byte-transport.js";
import { TransportClosedError, TransportDroppedError, TransportOpenError } from "./errors.js";
import { ListenerSet } from "./listener-set.js";

/** One end of a memoryPair. Ends start closed; bytes written to a closed peer are lost. */
export class MemoryTransport implements ByteTransport {
  readonly name: string;
  private peer: MemoryTransport | undefined;
  private opened = false;
  /** Set while the end has "vanished": open() fails with it. */
  private unavailable: Error | undefined;
  private readonly dataListeners = new ListenerSet<[Uint8Array]>();
  private readonly closeListeners = new ListenerSet<[Error?]>();

  constructor(name: string) {
    this.name = name;
  }

  /** Joins two ends; memoryPair does it for you. */
  static join(a: MemoryTransport, b: MemoryTransport): void {
    a.peer = b;
    b.peer = a;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  async open(): Promise<void> {
    if (this.unavailable) throw new TransportOpenError(this.name, this.unavailable);
    this.opened = true;
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    this.closeListeners.emit();
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.opened) {
      const error = new TransportClosedError(this.name, "cannot write: the port is not open");
      return Promise.reject(error);
    }
    const peer = this.peer;
    if (!peer) return WRITTEN;
    // A copy (Uint8Array.from, as Buffer#slice would share memory): the writer may reuse its buffer.
    const copy = Uint8Array.from(data);
    queueMicrotask(() => {
      if (peer.opened) peer.dataListeners.emit(copy);
    });
    return WRITTEN;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.closeListeners.add(listener);
  }

  /** Simulates a drop of this end: it closes and reports `error` to onClose; open() works again. */
  drop(error: Error = new TransportDroppedError(this.name, "simulated drop")): void {
    if (!this.opened) return;
    this.opened = false;
    this.closeListeners.emit(error);
  }

  /** Simulates the port disappearing: it drops, and open() fails until restore(). */
  vanish(cause: Error = new Error("the port vanished")): void {
    this.unavailable = cause;
    this.drop(new TransportDroppedError(this.name, cause));
  }

  /** Brings a vanished end back: open() works again (it does not reopen by itself). */
  restore(): void {
    this.unavailable = undefined;
  }
}

/** Two joined in-memory ends named "memory:<nameA>" and "memory:<nameB>", both closed. */
export function memoryPair(nameA = "a", nameB = "b"): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport(`memory:${nameA}`);
  const b = new MemoryTransport(`memory:${nameB}`);
  MemoryTransport.join(a, b);
  return [a, b];
}
