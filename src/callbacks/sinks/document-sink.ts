import type { NamedDocument } from "../../core/index.js";
import { HilError } from "../../core/index.js";
import type { DocumentSequence } from "./sequence.js";

/**
 * Where documents leave this process: a 0MQ publisher, a Kafka producer, a file spool.
 * `send` resolves once the transport has taken the document and rejects when the peer
 * cannot take it now (gone, refusing, too slow); what to do then is the caller's choice,
 * lossless (keep it and retry) or lossy (count it as dropped).
 *
 * `sequence`, when given, is the document's place in its run (see DocumentSequencer); a
 * transport that can carry it beside the document (Kafka headers) does, so a receiver can
 * detect a gap; one that cannot ignores it.
 */
export interface DocumentSink {
  /** Names the sink in errors and status, e.g. "zmq tcp://127.0.0.1:5577". */
  readonly name: string;
  send(document: NamedDocument, sequence?: DocumentSequence): Promise<void>;
  /**
   * Lets go of the transport. A send still in flight may be abandoned: a delivery closes its
   * sink only once it has kept (spooled) or counted (dropped) what it had not seen sent.
   */
  close(): Promise<void>;
}

/**
 * A sink refusing a document for good (it can never take it, e.g. too large): a lossless
 * delivery does not retry it but counts it as dropped and goes on with the next.
 */
export class DocumentRejectedError extends HilError {
  constructor(message: string, options?: ErrorOptions) {
    super("HIL_DOCUMENT_REJECTED", message, options);
  }
}
