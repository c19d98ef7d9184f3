/**
 * The UDP side: the VERSION that leads each datagram, SEARCH and its answers, beacons and
 * the repeater handshake.
 */
import {
  CaCommand,
  SEARCH_DO_REPLY,
  SEARCH_DONT_REPLY,
  SEQUENCE_NUMBER_IS_VALID,
} from "./constants.js";
import type { CaHeader } from "./header.js";
import { bare, payloadString, u16, u32, withPayload, withString, type Frame } from "./wire.js";

/** Leads a client's search datagram: its minor version and a sequence number (V4.11+). */
export interface UdpVersionRequest {
  type: "UdpVersionRequest";
  minorVersion: number;
  sequenceNumber: number;
}

/** Leads a server's reply datagram, echoing the request's sequence number. */
export interface UdpVersionResponse {
  type: "UdpVersionResponse";
  minorVersion: number;
  sequenceNumber: number;
}

/** Looks for a PV by name (UDP, or TCP to a name server from V4.12). */
export interface SearchRequest {
  type: "SearchRequest";
  name: string;
  cid: number;
  /** The client's minor version. */
  minorVersion: number;
  /** DO_REPLY: the server answers NOT_FOUND when it lacks the name (unicast searches). */
  replyIfNotFound: boolean;
}

/** "I have it": where to open the circuit. Clients match it by CID. */
export interface SearchResponse {
  type: "SearchResponse";
  cid: number;
  /** The server's TCP port. */
  port: number;
  /** The server's IPv4 address as a u32; 0 or 0xFFFFFFFF mean the datagram's source. */
  serverAddress: number;
  /** The server's minor version. */
  minorVersion: number;
}

/** Only for DO_REPLY searches: the server does not have the name. */
export interface NotFoundResponse {
  type: "NotFoundResponse";
  cid: number;
  /** Copied from the request. */
  minorVersion: number;
}

/** A beacon (RSRV_IS_UP), sent to the repeater port. */
export interface RsrvIsUpResponse {
  type: "RsrvIsUpResponse";
  minorVersion: number;
  /** The server's TCP port. */
  port: number;
  /** +1 each beacon, reset when the server restarts. */
  beaconId: number;
  /** The server's IPv4 address as a u32, or 0. */
  serverAddress: number;
}

/** A client asks the repeater to forward it the beacons. */
export interface RepeaterRegisterRequest {
  type: "RepeaterRegisterRequest";
  /** The client's IPv4 address as a u32 (often 0). */
  clientAddress: number;
}

/** The repeater confirms a registration. */
export interface RepeaterConfirmResponse {
  type: "RepeaterConfirmResponse";
  repeaterAddress: number;
}

export type DiscoveryMessage =
  | UdpVersionRequest
  | UdpVersionResponse
  | SearchRequest
  | SearchResponse
  | NotFoundResponse
  | RsrvIsUpResponse
  | RepeaterRegisterRequest
  | RepeaterConfirmResponse;

function udpVersion(m: UdpVersionRequest | UdpVersionResponse): Frame {
  return bare(
    CaCommand.VERSION,
    SEQUENCE_NUMBER_IS_VALID,
    u16("minorVersion", m.minorVersion),
    u32("sequenceNumber", m.sequenceNumber),
  );
}

export const discoveryEncoders = {
  UdpVersionRequest: udpVersion,
  UdpVersionResponse: udpVersion,
  SearchRequest: (m: SearchRequest): Frame =>
    withString(
      bare(
        CaCommand.SEARCH,
        m.replyIfNotFound ? SEARCH_DO_REPLY : SEARCH_DONT_REPLY,
        u16("minorVersion", m.minorVersion),
        u32("cid", m.cid),
        m.cid,
      ),
      m.name,
    ),
  SearchResponse: (m: SearchResponse): Frame => {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setUint16(0, u16("minorVersion", m.minorVersion));
    return withPayload(
      bare(
        CaCommand.SEARCH,
        u16("port", m.port),
        0,
        u32("serverAddress", m.serverAddress),
        u32("cid", m.cid),
      ),
      payload,
    );
  },
  NotFoundResponse: (m: NotFoundResponse): Frame =>
    bare(
      CaCommand.NOT_FOUND,
      SEARCH_DO_REPLY,
      u16("minorVersion", m.minorVersion),
      u32("cid", m.cid),
      m.cid,
    ),
  RsrvIsUpResponse: (m: RsrvIsUpResponse): Frame =>
    bare(
      CaCommand.RSRV_IS_UP,
      u16("minorVersion", m.minorVersion),
      u16("port", m.port),
      u32("beaconId", m.beaconId),
      u32("serverAddress", m.serverAddress),
    ),
  RepeaterRegisterRequest: (m: RepeaterRegisterRequest): Frame =>
    bare(CaCommand.REPEATER_REGISTER, 0, 0, 0, u32("clientAddress", m.clientAddress)),
  RepeaterConfirmResponse: (m: RepeaterConfirmResponse): Frame =>
    bare(CaCommand.REPEATER_CONFIRM, 0, 0, 0, u32("repeaterAddress", m.repeaterAddress)),
};

export function decodeUdpVersion(
  h: CaHeader,
  sender: "client" | "server",
): UdpVersionRequest | UdpVersionResponse {
  const fields = { minorVersion: h.dataCount, sequenceNumber: h.parameter1 };
  return sender === "client"
    ? { type: "UdpVersionRequest", ...fields }
    : { type: "UdpVersionResponse", ...fields };
}

export function decodeSearchRequest(h: CaHeader, payload: Uint8Array): SearchRequest {
  return {
    type: "SearchRequest",
    name: payloadString(payload),
    // RSRV answers with parameter2; libca puts the CID in both.
    cid: h.parameter2,
    minorVersion: h.dataCount,
    replyIfNotFound: h.dataType === SEARCH_DO_REPLY,
  };
}

export function decodeSearchResponse(h: CaHeader, payload: Uint8Array): SearchResponse {
  const minorVersion =
    payload.length >= 2 ? new DataView(payload.buffer, payload.byteOffset, 2).getUint16(0) : 0;
  return {
    type: "SearchResponse",
    cid: h.parameter2,
    port: h.dataType,
    serverAddress: h.parameter1,
    minorVersion,
  };
}

export function decodeNotFound(h: CaHeader): NotFoundResponse {
  return { type: "NotFoundResponse", cid: h.parameter2, minorVersion: h.dataCount };
}

export function decodeRsrvIsUp(h: CaHeader): RsrvIsUpResponse {
  return {
    type: "RsrvIsUpResponse",
    minorVersion: h.dataType,
    port: h.dataCount,
    beaconId: h.parameter1,
    serverAddress: h.parameter2,
  };
}

export function decodeRepeaterRegister(h: CaHeader): RepeaterRegisterRequest {
  return { type: "RepeaterRegisterRequest", clientAddress: h.parameter2 };
}

export function decodeRepeaterConfirm(h: CaHeader): RepeaterConfirmResponse {
  return { type: "RepeaterConfirmResponse", repeaterAddress: h.parameter2 };
}

/** "10.0.0.2" for 0x0a000002. */
export function ipv4FromU32(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join(".");
}

/** 0x0a000002 for "10.0.0.2"; throws RangeError for anything that is not a dotted quad. */
export function ipv4ToU32(address: string): number {
  const parts = address.split(".");
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255))) {
    throw new RangeError(`${JSON.stringify(address)} is not an IPv4 address`);
  }
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

/**
 * Where to open the circuit a search reply points to: its serverAddress, unless that is 0
 * or 0xFFFFFFFF (caproto sends 255.255.255.255), which mean the datagram's source.
 */
export function searchReplyHost(reply: SearchResponse, datagramSource: string): string {
  const { serverAddress } = reply;
  return serverAddress === 0 || serverAddress === 0xffffffff
    ? datagramSource
    : ipv4FromU32(serverAddress);
}
