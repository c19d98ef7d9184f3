export type { ZmqPublisherOptions } from "./publisher.js";
export { ZmqPublisher } from "./publisher.js";
export type { ZmqProxyOptions } from "./proxy.js";
export { ZmqProxy } from "./proxy.js";
export type { ZmqRemoteDispatcherOptions } from "./remote-dispatcher.js";
export { ZmqRemoteDispatcher } from "./remote-dispatcher.js";
export type {
  DecodedFrame as ZmqDecodedFrame,
  Serializer as ZmqSerializer,
  SerializerName as ZmqSerializerName,
} from "./wire.js";
export {
  decodeFrame as decodeZmqFrame,
  encodeFrame as encodeZmqFrame,
  jsonSerializer as zmqJsonSerializer,
  msgpackSerializer as zmqMsgpackSerializer,
  parseAddress as parseZmqAddress,
  serializerNamed as zmqSerializerNamed,
} from "./wire.js";
