/** What a sans-I/O circuit is given (a transport, settings) and what it reports. */
import type { CircuitSettings } from "./circuit-scope.js";
import type { CaClientIdentity } from "./provider.js";

/** The transport under a circuit. */
export interface CircuitIo {
  /**
   * Sends the buffers, in order, as one write; false when the transport's buffer is full
   * (`drained()` follows).
   */
  write(parts: readonly Uint8Array[]): boolean;
  /** Bytes written and still held by the transport. */
  bufferedBytes(): number;
  /** Stops delivering received bytes until `resumeReading`. */
  pauseReading(): void;
  resumeReading(): void;
  /** Runs `task` soon, after the current I/O callback has returned. */
  later(task: () => void): void;
  /** Ends the connection. */
  end(): void;
}

export interface CircuitCoreOptions extends CircuitSettings {
  /** Who is at the other end, for log lines. */
  peer: string;
  /** The peer's IP address, part of the client's identity. */
  address: string;
  onClosed?(): void;
}

/** A snapshot of a circuit, for diagnostics and tests. */
export interface CircuitStats {
  peer: string;
  identity: CaClientIdentity;
  channels: number;
  subscriptions: number;
  /** Bytes queued here and in the socket's buffer. */
  backlogBytes: number;
  /** Subscriptions holding an unsent latest update. */
  pendingMonitors: number;
  /** Updates replaced by a newer one before they could be sent. */
  droppedUpdates: number;
  eventsOff: boolean;
}
