/**
 * Messages about the circuit itself: the TCP VERSION handshake, client identity, ECHO,
 * flow control and ERROR.
 */
import { CaCommand } from "./constants.js";
import { RemoteProtocolError } from "./errors.js";
import { headerSizeFor, readHeader, writeHeader, type CaHeader } from "./header.js";
import { cStringBytes, readCString } from "./text.js";
import { bare, payloadString, u16, u32, withString, type Frame } from "./wire.js";

/** First message of a client on a circuit: its priority (0–99) and minor version. */
export interface VersionRequest {
  type: "VersionRequest";
  priority: number;
  minorVersion: number;
}

/** First message of a server on a circuit, sent at accept (V4.11+). */
export interface VersionResponse {
  type: "VersionResponse";
  priority: number;
  minorVersion: number;
}

/** The user name, for access security. */
export interface ClientNameRequest {
  type: "ClientNameRequest";
  name: string;
}

/** The host name, for access security. */
export interface HostNameRequest {
  type: "HostNameRequest";
  name: string;
}

/** Is the other side alive? Answered by an EchoResponse. */
export interface EchoRequest {
  type: "EchoRequest";
}

export interface EchoResponse {
  type: "EchoResponse";
}

/** Stop monitor updates on this circuit (flow control). No reply. */
export interface EventsOffRequest {
  type: "EventsOffRequest";
}

/** Resume monitor updates, starting from the latest value of each. No reply. */
export interface EventsOnRequest {
  type: "EventsOnRequest";
}

/** Legacy READ_SYNC: accepted and ignored. */
export interface ReadSyncRequest {
  type: "ReadSyncRequest";
}

/**
 * A request failed where its reply has no status field (WRITE, a bad SID, ...). Carries the
 * offending request's header and a text.
 */
export interface ErrorResponse {
  type: "ErrorResponse";
  /** The channel's CID when known, else 0xFFFFFFFF. */
  cid: number;
  ecaStatus: number;
  offendingHeader: CaHeader;
  message: string;
}

export type CircuitMessage =
  | VersionRequest
  | VersionResponse
  | ClientNameRequest
  | HostNameRequest
  | EchoRequest
  | EchoResponse
  | EventsOffRequest
  | EventsOnRequest
  | ReadSyncRequest
  | ErrorResponse;

function version(m: VersionRequest | VersionResponse): Frame {
  return bare(CaCommand.VERSION, u16("priority", m.priority), u16("minorVersion", m.minorVersion));
}

function errorFrame(m: ErrorResponse): Frame {
  const h = m.offendingHeader;
  const headerSize = headerSizeFor(h.payloadSize, h.dataCount);
  const text = cStringBytes(m.message);
  return {
    ...bare(CaCommand.ERROR, 0, 0, u32("cid", m.cid), u32("ecaStatus", m.ecaStatus)),
    payloadSize: headerSize + text.length,
    writePayload: (target, offset) => {
      writeHeader(target, offset, h);
      target.set(text, offset + headerSize);
    },
  };
}

export const circuitEncoders = {
  VersionRequest: version,
  VersionResponse: version,
  ClientNameRequest: (m: ClientNameRequest): Frame =>
    withString(bare(CaCommand.CLIENT_NAME), m.name),
  HostNameRequest: (m: HostNameRequest): Frame => withString(bare(CaCommand.HOST_NAME), m.name),
  EchoRequest: (): Frame => bare(CaCommand.ECHO),
  EchoResponse: (): Frame => bare(CaCommand.ECHO),
  EventsOffRequest: (): Frame => bare(CaCommand.EVENTS_OFF),
  EventsOnRequest: (): Frame => bare(CaCommand.EVENTS_ON),
  ReadSyncRequest: (): Frame => bare(CaCommand.READ_SYNC),
  ErrorResponse: errorFrame,
};

export function decodeTcpVersion(
  h: CaHeader,
  sender: "client" | "server",
): VersionRequest | VersionResponse {
  const fields = { priority: h.dataType, minorVersion: h.dataCount };
  return sender === "client"
    ? { type: "VersionRequest", ...fields }
    : { type: "VersionResponse", ...fields };
}

export const decodeClientName = (_h: CaHeader, payload: Uint8Array): ClientNameRequest => ({
  type: "ClientNameRequest",
  name: payloadString(payload),
});

export const decodeHostName = (_h: CaHeader, payload: Uint8Array): HostNameRequest => ({
  type: "HostNameRequest",
  name: payloadString(payload),
});

export function decodeError(h: CaHeader, payload: Uint8Array): ErrorResponse {
  const embedded = readHeader(payload);
  if (!embedded) {
    throw new RemoteProtocolError(
      `an ERROR carries ${payload.length} payload bytes, too few for the offending request's header`,
      { command: CaCommand.ERROR },
    );
  }
  return {
    type: "ErrorResponse",
    cid: h.parameter1,
    ecaStatus: h.parameter2,
    offendingHeader: embedded.header,
    message: readCString(payload, embedded.size, payload.length),
  };
}
