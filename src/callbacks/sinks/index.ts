export type { DocumentSink } from "./document-sink.js";
export { DocumentRejectedError } from "./document-sink.js";
export type { DocumentSequence, SequenceVerdict } from "./sequence.js";
export { DocumentSequencer, SequenceChecker } from "./sequence.js";
export type { PendingDocument, SpoolSync } from "./spool.js";
export { Spool } from "./spool.js";
export type {
  Backoff,
  Delivery,
  DeliveryStats,
  LosslessDeliveryOptions,
  LossyDeliveryOptions,
} from "./delivery.js";
export { LosslessDelivery, LossyDelivery } from "./delivery.js";
