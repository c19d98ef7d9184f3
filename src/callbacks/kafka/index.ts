export type {
  KafkaConsumeOptions,
  KafkaMessage,
  KafkaRecord,
  KafkaSubscription,
  KafkaTransport,
} from "./transport.js";
export { KafkaMessageTooLargeError, KafkaUnavailableError } from "./transport.js";
export type { InMemoryKafkaBrokerOptions } from "./memory-broker.js";
export { InMemoryKafkaBroker } from "./memory-broker.js";
export type { KafkaJsTransportOptions } from "./kafkajs-transport.js";
export { KafkaJsTransport } from "./kafkajs-transport.js";
export {
  ALL_BEAMLINES,
  RUN_HEADER,
  SEQ_HEADER,
  decodeDocument,
  encodeDocument,
  kafkaTopic,
  sliceEventPage,
} from "./codec.js";
export type { KafkaPublisherOptions } from "./publisher.js";
export { KafkaPublisher } from "./publisher.js";
export type { KafkaDispatcherOptions, KafkaDispatcherStats } from "./dispatcher.js";
export { BLUESKY_DOCUMENT_NAMES, KafkaDispatcher } from "./dispatcher.js";
