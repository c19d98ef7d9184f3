/**
 * Every Channel Access message as one discriminated union (`type`), encoded with
 * `encode(message)` and decoded by `decodeMessage` (which the stream reader and the
 * datagram decoder call). The wire meaning of each header field lives in the group files:
 * commands-discovery (UDP), commands-circuit, commands-channel, commands-io.
 */
import {
  channelEncoders,
  decodeAccessRights,
  decodeClearChannel,
  decodeCreateChanRequest,
  decodeCreateChanResponse,
  decodeCreateChFail,
  decodeServerDisconn,
  type ChannelMessage,
} from "./commands-channel.js";
import {
  circuitEncoders,
  decodeClientName,
  decodeError,
  decodeHostName,
  decodeTcpVersion,
  type CircuitMessage,
} from "./commands-circuit.js";
import {
  decodeNotFound,
  decodeRepeaterConfirm,
  decodeRepeaterRegister,
  decodeRsrvIsUp,
  decodeSearchRequest,
  decodeSearchResponse,
  decodeUdpVersion,
  discoveryEncoders,
  type DiscoveryMessage,
} from "./commands-discovery.js";
import {
  decodeEventAddFromServer,
  decodeEventAddRequest,
  decodeEventCancelRequest,
  decodeReadNotifyRequest,
  decodeReadNotifyResponse,
  decodeWrite,
  decodeWriteNotifyRequest,
  decodeWriteNotifyResponse,
  ioEncoders,
  type EventAddResponse,
  type IoMessage,
  type ReadNotifyResponse,
} from "./commands-io.js";
import { CaCommand, caCommandName } from "./constants.js";
import type { DbrData, DbrInput } from "./dbr.js";
import { LocalProtocolError, RemoteProtocolError } from "./errors.js";
import { headerSizeFor, padTo8, writeHeader, type CaHeader } from "./header.js";
import type { CaSender, CaTransport, Decoder, Frame } from "./wire.js";

/**
 * Any message a client or a server sends. Decoded messages carry `DbrData`; messages to
 * encode may carry a looser `DbrInput` (see CaMessageInput).
 */
export type CaMessage<D = DbrData> =
  DiscoveryMessage | CircuitMessage | ChannelMessage | IoMessage<D>;

/** What `encode` takes: values in any shape DbrInput accepts. */
export type CaMessageInput = CaMessage<DbrInput>;

/** The names of the messages: "SearchRequest", "ReadNotifyResponse", ... */
export type CaMessageType = CaMessage["type"];

type Encoders = { [K in CaMessageType]: (message: Extract<CaMessageInput, { type: K }>) => Frame };

const encoders: Encoders = {
  ...discoveryEncoders,
  ...circuitEncoders,
  ...channelEncoders,
  ...ioEncoders,
};

function frameOf(message: CaMessageInput): Frame {
  const encoder = encoders[message.type] as ((m: CaMessageInput) => Frame) | undefined;
  if (!encoder) throw new TypeError(`unknown Channel Access message type ${String(message.type)}`);
  return encoder(message);
}

function sizeOf(frame: Frame): number {
  const padded = padTo8(frame.payloadSize);
  return headerSizeFor(padded, frame.dataCount) + padded;
}

function writeFrame(frame: Frame, target: Uint8Array, offset: number): number {
  const padded = padTo8(frame.payloadSize);
  const headerSize = writeHeader(target, offset, {
    command: frame.command,
    payloadSize: padded,
    dataType: frame.dataType,
    dataCount: frame.dataCount,
    parameter1: frame.parameter1,
    parameter2: frame.parameter2,
  });
  frame.writePayload?.(target, offset + headerSize);
  return headerSize + padded;
}

/**
 * The bytes of one message: the header (extended when the payload or count needs it), then
 * the payload zero-padded to a multiple of 8. Throws LocalProtocolError for a field out of
 * range and CaConversionError for a value that does not convert to the DBR type.
 */
export function encode(message: CaMessageInput): Uint8Array {
  const frame = frameOf(message);
  const out = new Uint8Array(sizeOf(frame));
  writeFrame(frame, out, 0);
  return out;
}

/**
 * The header of `message` as it would be sent carrying `payload`: a DBR already encoded for
 * the message's data type and count and padded to 8 bytes (as encodeDbr returns it). The
 * message's own `data` is not encoded, so one payload can serve many replies; the header
 * followed by `payload` are the bytes `encode` gives for the message. Throws
 * LocalProtocolError when the payload's size is not the one the type and count take.
 */
export function encodeHeaderFor(
  message: ReadNotifyResponse<DbrInput> | EventAddResponse<DbrInput>,
  payload: Uint8Array,
): Uint8Array {
  const frame = frameOf({ ...message, data: null });
  if (padTo8(frame.payloadSize) !== payload.length) {
    throw new LocalProtocolError(
      `a ${message.type} of DBR type ${message.dataType} x ${message.dataCount} takes ` +
        `${padTo8(frame.payloadSize)} payload bytes, not ${payload.length}`,
    );
  }
  const out = new Uint8Array(headerSizeFor(payload.length, frame.dataCount));
  writeHeader(out, 0, { ...frame, payloadSize: payload.length });
  return out;
}

/** Several messages in one buffer (one allocation): a search datagram, a batch for a socket. */
export function encodeMessages(messages: Iterable<CaMessageInput>): Uint8Array {
  const frames = Array.from(messages, frameOf);
  const out = new Uint8Array(frames.reduce((sum, frame) => sum + sizeOf(frame), 0));
  let offset = 0;
  for (const frame of frames) offset += writeFrame(frame, out, offset);
  return out;
}

/** What clients send, by command; VERSION is handled apart (its form depends on the transport). */
const fromClients: ReadonlyMap<number, Decoder<CaMessage>> = new Map<number, Decoder<CaMessage>>([
  [CaCommand.EVENT_ADD, decodeEventAddRequest],
  [CaCommand.EVENT_CANCEL, decodeEventCancelRequest],
  [CaCommand.WRITE, decodeWrite],
  [CaCommand.SEARCH, decodeSearchRequest],
  [CaCommand.EVENTS_OFF, () => ({ type: "EventsOffRequest" })],
  [CaCommand.EVENTS_ON, () => ({ type: "EventsOnRequest" })],
  [CaCommand.READ_SYNC, () => ({ type: "ReadSyncRequest" })],
  [CaCommand.CLEAR_CHANNEL, (h) => decodeClearChannel(h, "client")],
  [CaCommand.READ_NOTIFY, decodeReadNotifyRequest],
  [CaCommand.CREATE_CHAN, decodeCreateChanRequest],
  [CaCommand.WRITE_NOTIFY, decodeWriteNotifyRequest],
  [CaCommand.CLIENT_NAME, decodeClientName],
  [CaCommand.HOST_NAME, decodeHostName],
  [CaCommand.ECHO, () => ({ type: "EchoRequest" })],
  [CaCommand.REPEATER_REGISTER, decodeRepeaterRegister],
]);

/** What servers (and the repeater) send, by command. */
const fromServers: ReadonlyMap<number, Decoder<CaMessage>> = new Map<number, Decoder<CaMessage>>([
  [CaCommand.EVENT_ADD, decodeEventAddFromServer],
  [CaCommand.SEARCH, decodeSearchResponse],
  [CaCommand.ERROR, decodeError],
  [CaCommand.CLEAR_CHANNEL, (h) => decodeClearChannel(h, "server")],
  [CaCommand.RSRV_IS_UP, decodeRsrvIsUp],
  [CaCommand.NOT_FOUND, decodeNotFound],
  [CaCommand.READ_NOTIFY, decodeReadNotifyResponse],
  [CaCommand.REPEATER_CONFIRM, decodeRepeaterConfirm],
  [CaCommand.CREATE_CHAN, decodeCreateChanResponse],
  [CaCommand.WRITE_NOTIFY, decodeWriteNotifyResponse],
  [CaCommand.ACCESS_RIGHTS, decodeAccessRights],
  [CaCommand.ECHO, () => ({ type: "EchoResponse" })],
  [CaCommand.CREATE_CH_FAIL, decodeCreateChFail],
  [CaCommand.SERVER_DISCONN, decodeServerDisconn],
]);

/**
 * Throws RemoteProtocolError unless `command` is one `sender` may send. Called as soon as a
 * header is read, so a stream fails before waiting for a payload that never makes sense.
 */
export function checkCommand(command: number, sender: CaSender): void {
  if (command === CaCommand.VERSION) return;
  const table = sender === "client" ? fromClients : fromServers;
  if (table.has(command)) return;
  const obsolete = [
    CaCommand.READ,
    CaCommand.SNAPSHOT,
    CaCommand.BUILD,
    CaCommand.READ_BUILD,
    CaCommand.SIGNAL,
  ];
  const why = (obsolete as readonly number[]).includes(command)
    ? "an obsolete command we do not serve"
    : command <= CaCommand.SERVER_DISCONN
      ? `not a command a ${sender} sends`
      : "not a Channel Access command (a damaged stream, or not a CA peer)";
  throw new RemoteProtocolError(`${caCommandName(command)} from a ${sender}: ${why}`, { command });
}

/**
 * Decodes one message from its header and its whole payload. Throws RemoteProtocolError for
 * a command `sender` does not send and for a payload that cannot hold the command's fields;
 * a DBR that cannot be decoded leaves `data` null with `dataStatus` saying why.
 */
export function decodeMessage(
  header: CaHeader,
  payload: Uint8Array,
  sender: CaSender,
  transport: CaTransport,
): CaMessage {
  if (header.command === CaCommand.VERSION) {
    return transport === "datagram"
      ? decodeUdpVersion(header, sender)
      : decodeTcpVersion(header, sender);
  }
  checkCommand(header.command, sender);
  const decoder = (sender === "client" ? fromClients : fromServers).get(header.command)!;
  return decoder(header, payload);
}
