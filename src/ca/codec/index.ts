// The sans-I/O Channel Access codec: bytes in, messages out, and back.
export {
  AccessRights,
  CA_MAJOR_VERSION,
  CA_MINIMUM_MINOR_VERSION,
  CA_MINOR_VERSION,
  CA_PRIORITY_MAX,
  CA_PRIORITY_MIN,
  CA_REPEATER_PORT,
  CA_SERVER_PORT,
  CaCommand,
  caCommandName,
  caVersionSupports,
  DBE,
  DEFAULT_MAX_ARRAY_BYTES,
  EPICS_EPOCH_UNIX_SECONDS,
  ETHERNET_MAX_UDP,
  MAX_ENUM_STATES,
  MAX_ENUM_STRING_SIZE,
  MAX_STRING_SIZE,
  MAX_UNITS_SIZE,
  SEARCH_DO_REPLY,
  SEARCH_DONT_REPLY,
  SEQUENCE_NUMBER_IS_VALID,
  UNREASONABLE_PV_NAME_SIZE,
} from "./constants.js";
export type { EcaName } from "./eca.js";
export { ECA, ecaName, isEcaSuccess } from "./eca.js";
export type { ConversionFailure } from "./errors.js";
export { CaConversionError, LocalProtocolError, RemoteProtocolError } from "./errors.js";
export type { CaHeader, HeaderAt } from "./header.js";
export {
  EXTENDED_HEADER_SIZE,
  HEADER_SIZE,
  headerSizeFor,
  needsExtendedHeader,
  padTo8,
  readHeader,
  writeHeader,
} from "./header.js";
export type {
  DbrForm,
  DbrLayout,
  DbrType,
  DbrValue,
  DbrValueInput,
  DbrValueType,
  EpicsTimestamp,
} from "./dbr-types.js";
export {
  CaAlarmSeverity,
  CaAlarmStatus,
  DBR,
  DBR_ELEMENT_SIZE,
  dbrLayout,
  dbrPayloadSize,
  dbrTypeName,
  dbrTypeOf,
  epicsTimestampFromUnix,
  epicsTimestampToUnix,
  isDbrType,
} from "./dbr-types.js";
export type { DbrData, DbrEncodeOptions, DbrInput, DbrMetadata } from "./dbr.js";
export { decodeDbr, encodeDbr } from "./dbr.js";
export type { ConversionContext } from "./convert.js";
export {
  castNumber,
  convertValue,
  formatDouble,
  formatFloat,
  toDbrValue,
  valueTypeOf,
} from "./convert.js";
export type { CaSender, CaTransport } from "./wire.js";
export type {
  DiscoveryMessage,
  NotFoundResponse,
  RepeaterConfirmResponse,
  RepeaterRegisterRequest,
  RsrvIsUpResponse,
  SearchRequest,
  SearchResponse,
  UdpVersionRequest,
  UdpVersionResponse,
} from "./commands-discovery.js";
export { ipv4FromU32, ipv4ToU32, searchReplyHost } from "./commands-discovery.js";
export type {
  CircuitMessage,
  ClientNameRequest,
  EchoRequest,
  EchoResponse,
  ErrorResponse,
  EventsOffRequest,
  EventsOnRequest,
  HostNameRequest,
  ReadSyncRequest,
  VersionRequest,
  VersionResponse,
} from "./commands-circuit.js";
export type {
  AccessRightsResponse,
  ChannelMessage,
  ClearChannelRequest,
  ClearChannelResponse,
  CreateChanRequest,
  CreateChanResponse,
  CreateChFailResponse,
  ServerDisconnResponse,
} from "./commands-channel.js";
export type {
  EventAddRequest,
  EventAddResponse,
  EventCancelRequest,
  EventCancelResponse,
  IoMessage,
  ReadNotifyRequest,
  ReadNotifyResponse,
  WriteNotifyRequest,
  WriteNotifyResponse,
  WriteRequest,
} from "./commands-io.js";
export { DEFAULT_EVENT_MASK, isEventCancelResponse } from "./commands-io.js";
export type { CaMessage, CaMessageInput, CaMessageType } from "./commands.js";
export { decodeMessage, encode, encodeHeaderFor, encodeMessages } from "./commands.js";
export type { CaStreamReaderOptions } from "./stream-reader.js";
export { CaStreamReader, DEFAULT_MAX_PAYLOAD_SIZE } from "./stream-reader.js";
export { decodeDatagram } from "./datagram.js";
