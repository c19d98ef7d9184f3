// The public entry of the transports layer: bytes in and out of ports and sockets, the line
// framer, and the request/response helper every ASCII driver talks through.
export type { ByteTransport } from "./byte-transport.js";
export type { SerialParity, SerialTransportOptions } from "./serial-transport.js";
export { SerialTransport } from "./serial-transport.js";
export { hangupGuardedBinding } from "./hangup-guard.js";
export type { TcpTransportOptions } from "./tcp-transport.js";
export { TcpTransport } from "./tcp-transport.js";
export { MemoryTransport, memoryPair } from "./memory-transport.js";
export type { LineFramerOptions, LineTerminator } from "./line-framer.js";
export { LineFramer } from "./line-framer.js";
export type {
  ChannelState,
  QueryLinesOptions,
  QueryOptions,
  ReplyVerdict,
  RequestChannelOptions,
  RequestOptions,
} from "./request-options.js";
export type { ReconnectOptions } from "./reopener.js";
export { RequestChannel } from "./request-channel.js";
export { FifoMutex } from "./fifo-mutex.js";
export {
  LineTooLongError,
  ReplyTimeoutError,
  TransportClosedError,
  TransportDroppedError,
  TransportOpenError,
  TransportUnavailableError,
  TransportWriteError,
  UnexpectedReplyError,
} from "./errors.js";
export * from "./modbus/index.js";
export * from "./cassette/index.js";
export * from "./query-signal-backend.js";
