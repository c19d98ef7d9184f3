import type { NamedDocument } from "../../core/index.js";

/**
 * Where documents leave this process: a 0MQ publisher, a Kafka producer, a file spool.
 * `send` resolves once the transport has taken the document and rejects when the peer
 * cannot take it now (gone, refusing, too slow); what to do then is the caller's choice,
 * lossless (keep it and retry) or lossy (count it as dropped).
 */
export interface DocumentSink {
  /** Names the sink in errors and status, e.g. "zmq tcp://127.0.0.1:5577". */
  readonly name: string;
  send(document: NamedDocument): Promise<void>;
  /** Sends what is pending and lets go of the transport. */
  close(): Promise<void>;
}
