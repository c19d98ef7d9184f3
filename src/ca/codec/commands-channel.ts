/** Channel life: create, access rights, clear, and the server dropping a channel. */
import { CaCommand } from "./constants.js";
import type { CaHeader } from "./header.js";
import { bare, payloadString, u16, u32, withString, type Frame } from "./wire.js";

/** Opens a channel on a circuit. */
export interface CreateChanRequest {
  type: "CreateChanRequest";
  name: string;
  cid: number;
  /** The client's minor version. */
  minorVersion: number;
}

/** The channel exists: after an AccessRightsResponse, its native type and count and its SID. */
export interface CreateChanResponse {
  type: "CreateChanResponse";
  cid: number;
  sid: number;
  /** The native DBF type, 0–6 as the plain DBR types. */
  nativeType: number;
  /** The native element count. */
  nativeCount: number;
}

/** The channel could not be created (the name is gone, no resources). */
export interface CreateChFailResponse {
  type: "CreateChFailResponse";
  cid: number;
}

/** Read/write rights of a channel, after create and whenever they change. */
export interface AccessRightsResponse {
  type: "AccessRightsResponse";
  cid: number;
  /** Bits of AccessRights: 1 read, 2 write. */
  accessRights: number;
}

/** Frees a channel and its subscriptions. */
export interface ClearChannelRequest {
  type: "ClearChannelRequest";
  sid: number;
  cid: number;
}

/** The server echoes the clear. */
export interface ClearChannelResponse {
  type: "ClearChannelResponse";
  sid: number;
  cid: number;
}

/** The server dropped this one channel (its PV went away); the client searches again. */
export interface ServerDisconnResponse {
  type: "ServerDisconnResponse";
  cid: number;
}

export type ChannelMessage =
  | CreateChanRequest
  | CreateChanResponse
  | CreateChFailResponse
  | AccessRightsResponse
  | ClearChannelRequest
  | ClearChannelResponse
  | ServerDisconnResponse;

function clear(m: ClearChannelRequest | ClearChannelResponse): Frame {
  return bare(CaCommand.CLEAR_CHANNEL, 0, 0, u32("sid", m.sid), u32("cid", m.cid));
}

export const channelEncoders = {
  CreateChanRequest: (m: CreateChanRequest): Frame =>
    withString(
      bare(CaCommand.CREATE_CHAN, 0, 0, u32("cid", m.cid), u32("minorVersion", m.minorVersion)),
      m.name,
    ),
  CreateChanResponse: (m: CreateChanResponse): Frame =>
    bare(
      CaCommand.CREATE_CHAN,
      u16("nativeType", m.nativeType),
      u32("nativeCount", m.nativeCount),
      u32("cid", m.cid),
      u32("sid", m.sid),
    ),
  CreateChFailResponse: (m: CreateChFailResponse): Frame =>
    bare(CaCommand.CREATE_CH_FAIL, 0, 0, u32("cid", m.cid)),
  AccessRightsResponse: (m: AccessRightsResponse): Frame =>
    bare(CaCommand.ACCESS_RIGHTS, 0, 0, u32("cid", m.cid), u32("accessRights", m.accessRights)),
  ClearChannelRequest: clear,
  ClearChannelResponse: clear,
  ServerDisconnResponse: (m: ServerDisconnResponse): Frame =>
    bare(CaCommand.SERVER_DISCONN, 0, 0, u32("cid", m.cid)),
};

export const decodeCreateChanRequest = (h: CaHeader, payload: Uint8Array): CreateChanRequest => ({
  type: "CreateChanRequest",
  name: payloadString(payload),
  cid: h.parameter1,
  minorVersion: h.parameter2,
});

export const decodeCreateChanResponse = (h: CaHeader): CreateChanResponse => ({
  type: "CreateChanResponse",
  cid: h.parameter1,
  sid: h.parameter2,
  nativeType: h.dataType,
  nativeCount: h.dataCount,
});

export const decodeCreateChFail = (h: CaHeader): CreateChFailResponse => ({
  type: "CreateChFailResponse",
  cid: h.parameter1,
});

export const decodeAccessRights = (h: CaHeader): AccessRightsResponse => ({
  type: "AccessRightsResponse",
  cid: h.parameter1,
  accessRights: h.parameter2,
});

export const decodeClearChannel = (
  h: CaHeader,
  sender: "client" | "server",
): ClearChannelRequest | ClearChannelResponse => ({
  type: sender === "client" ? "ClearChannelRequest" : "ClearChannelResponse",
  sid: h.parameter1,
  cid: h.parameter2,
});

export const decodeServerDisconn = (h: CaHeader): ServerDisconnResponse => ({
  type: "ServerDisconnResponse",
  cid: h.parameter1,
});
