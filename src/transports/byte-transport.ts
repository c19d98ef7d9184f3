/**
 * Bytes in and out of one port or socket. Serial ports, TCP streams, in-memory pairs and
 * cassette players all look like this, so drivers hold no I/O plumbing of their own.
 */
export interface ByteTransport {
  /** Names the port in errors: "serial:/dev/ttyUSB0", "tcp:10.0.0.5:4001", "memory:a". */
  readonly name: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  /**
   * Resolves once the bytes have been handed to the port. A port that takes them at once
   * returns `WRITTEN`, which callers may recognise to skip waiting on it.
   */
  write(data: Uint8Array): Promise<void>;
  /** Every chunk that arrives, in order; returns a function that stops listening. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Called when the port closes or drops, with the error when it dropped. */
  onClose(listener: (error?: Error) => void): () => void;
}

/** The promise of every write a port took at once (see ByteTransport.write). */
export const WRITTEN: Promise<void> = Promise.resolve();
