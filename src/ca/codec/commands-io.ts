/**
 * Reads, writes and subscriptions: the messages that carry DBR payloads. The responses put
 * the ECA status in parameter1 (not the SID the old spec table shows), and the server's
 * answer to EVENT_CANCEL is an EVENT_ADD with no payload.
 */
import { CaCommand, DBE } from "./constants.js";
import { decodeDbr, dbrWriter, dbrZeroSize, type DbrData, type DbrInput } from "./dbr.js";
import { ECA, isEcaSuccess } from "./eca.js";
import { LocalProtocolError, RemoteProtocolError } from "./errors.js";
import type { CaHeader } from "./header.js";
import { bare, u16, u32, type Frame } from "./wire.js";

/** Fields shared by every message of this group: the header's data type and count. */
interface Typed {
  /** The DBR type asked for or carried. */
  dataType: number;
  /** Elements asked for or carried; 0 in a request means "the current length" (V4.13). */
  dataCount: number;
}

/**
 * The DBR a message carries. `data` is null when the payload could not be decoded (then
 * `dataStatus` is ECA_BADTYPE or ECA_BADCOUNT: answer the request with it) or, in a
 * response, when its ECA status is a failure (the payload is only zeros then).
 */
interface Carrying<D> {
  data: D | null;
  /** Set by decoding: ECA_NORMAL, or why `data` could not be decoded. */
  dataStatus?: number;
}

/** One read (caget); answered by a ReadNotifyResponse with the same IOID. */
export interface ReadNotifyRequest extends Typed {
  type: "ReadNotifyRequest";
  sid: number;
  ioid: number;
}

export interface ReadNotifyResponse<D = DbrData> extends Typed, Carrying<D> {
  type: "ReadNotifyResponse";
  ecaStatus: number;
  ioid: number;
}

/** A write without reply (caput without -c); failures come back as ErrorResponse. */
export interface WriteRequest<D = DbrData> extends Typed, Carrying<D> {
  type: "WriteRequest";
  sid: number;
  ioid: number;
}

/** A write answered when the put completes (caput -c, put(wait=True)). */
export interface WriteNotifyRequest<D = DbrData> extends Typed, Carrying<D> {
  type: "WriteNotifyRequest";
  sid: number;
  ioid: number;
}

export interface WriteNotifyResponse extends Typed {
  type: "WriteNotifyResponse";
  ecaStatus: number;
  ioid: number;
}

/** A subscription; the first update goes out at once. */
export interface EventAddRequest extends Typed {
  type: "EventAddRequest";
  sid: number;
  subscriptionId: number;
  /** DBE bits: VALUE 1, LOG 2, ALARM 4, PROPERTY 8. */
  mask: number;
}

/** A monitor update. */
export interface EventAddResponse<D = DbrData> extends Typed, Carrying<D> {
  type: "EventAddResponse";
  ecaStatus: number;
  subscriptionId: number;
}

/** Ends a subscription: the same type, count, SID and subscription id as the add. */
export interface EventCancelRequest extends Typed {
  type: "EventCancelRequest";
  sid: number;
  subscriptionId: number;
}

/** The server confirms a cancel with an EVENT_ADD header and no payload. */
export interface EventCancelResponse extends Typed {
  type: "EventCancelResponse";
  sid: number;
  subscriptionId: number;
}

export type IoMessage<D = DbrData> =
  | ReadNotifyRequest
  | ReadNotifyResponse<D>
  | WriteRequest<D>
  | WriteNotifyRequest<D>
  | WriteNotifyResponse
  | EventAddRequest
  | EventAddResponse<D>
  | EventCancelRequest
  | EventCancelResponse;

/** Size of the EVENT_ADD request payload: three obsolete float32, the mask, a pad. */
const EVENT_ADD_PAYLOAD = 16;
/** An update always has a payload, so it never looks like a cancel confirmation. */
const MIN_UPDATE_PAYLOAD = 8;

function typed(command: number, m: Typed, parameter1: number, parameter2: number): Frame {
  return bare(
    command,
    u16("dataType", m.dataType),
    u32("dataCount", m.dataCount),
    parameter1,
    parameter2,
  );
}

/**
 * A frame carrying `data` as a DBR (or, for a null in a response, zeros of that size).
 * Responses convert as dbGet does, writes as dbPut does.
 */
function carrying(
  frame: Frame,
  m: Typed & Carrying<DbrInput>,
  forReading: boolean,
  minimum = 0,
): Frame {
  if (m.data === null) {
    return { ...frame, payloadSize: Math.max(dbrZeroSize(m.dataType, m.dataCount), minimum) };
  }
  const writer = dbrWriter(m.dataType, m.data, { count: m.dataCount, forReading });
  return { ...frame, payloadSize: writer.size, writePayload: writer.write };
}

function write(command: number, m: WriteRequest<DbrInput> | WriteNotifyRequest<DbrInput>): Frame {
  if (m.data === null) throw new LocalProtocolError(`a ${m.type} needs data to write`);
  return carrying(typed(command, m, u32("sid", m.sid), u32("ioid", m.ioid)), m, false);
}

export const ioEncoders = {
  ReadNotifyRequest: (m: ReadNotifyRequest): Frame =>
    typed(CaCommand.READ_NOTIFY, m, u32("sid", m.sid), u32("ioid", m.ioid)),
  ReadNotifyResponse: (m: ReadNotifyResponse<DbrInput>): Frame =>
    carrying(
      typed(CaCommand.READ_NOTIFY, m, u32("ecaStatus", m.ecaStatus), u32("ioid", m.ioid)),
      m,
      true,
    ),
  WriteRequest: (m: WriteRequest<DbrInput>): Frame => write(CaCommand.WRITE, m),
  WriteNotifyRequest: (m: WriteNotifyRequest<DbrInput>): Frame => write(CaCommand.WRITE_NOTIFY, m),
  WriteNotifyResponse: (m: WriteNotifyResponse): Frame =>
    typed(CaCommand.WRITE_NOTIFY, m, u32("ecaStatus", m.ecaStatus), u32("ioid", m.ioid)),
  EventAddRequest: (m: EventAddRequest): Frame => {
    const payload = new Uint8Array(EVENT_ADD_PAYLOAD);
    new DataView(payload.buffer).setUint16(12, u16("mask", m.mask));
    return {
      ...typed(CaCommand.EVENT_ADD, m, u32("sid", m.sid), u32("subscriptionId", m.subscriptionId)),
      payloadSize: EVENT_ADD_PAYLOAD,
      writePayload: (target, offset) => target.set(payload, offset),
    };
  },
  EventAddResponse: (m: EventAddResponse<DbrInput>): Frame =>
    carrying(
      typed(
        CaCommand.EVENT_ADD,
        m,
        u32("ecaStatus", m.ecaStatus),
        u32("subscriptionId", m.subscriptionId),
      ),
      m,
      true,
      MIN_UPDATE_PAYLOAD,
    ),
  EventCancelRequest: (m: EventCancelRequest): Frame =>
    typed(CaCommand.EVENT_CANCEL, m, u32("sid", m.sid), u32("subscriptionId", m.subscriptionId)),
  EventCancelResponse: (m: EventCancelResponse): Frame =>
    typed(CaCommand.EVENT_ADD, m, u32("sid", m.sid), u32("subscriptionId", m.subscriptionId)),
};

/**
 * The quirk of EVENT_CANCEL: the server confirms it with command EVENT_ADD and an empty
 * payload (a real update always carries at least 8 bytes).
 */
export function isEventCancelResponse(header: CaHeader): boolean {
  return header.command === CaCommand.EVENT_ADD && header.payloadSize === 0;
}

/** Decodes the DBR of a message, turning a per-request fault into a status. */
function decodeData(h: CaHeader, payload: Uint8Array): Carrying<DbrData> {
  try {
    return { data: decodeDbr(h.dataType, h.dataCount, payload), dataStatus: ECA.NORMAL };
  } catch (error) {
    if (error instanceof RemoteProtocolError && error.ecaStatus !== undefined) {
      return { data: null, dataStatus: error.ecaStatus };
    }
    throw error;
  }
}

/** A response's DBR: none when its status reports a failure. */
function responseData(h: CaHeader, payload: Uint8Array): Carrying<DbrData> {
  return isEcaSuccess(h.parameter1)
    ? decodeData(h, payload)
    : { data: null, dataStatus: ECA.NORMAL };
}

const typedFields = (h: CaHeader): Typed => ({ dataType: h.dataType, dataCount: h.dataCount });

export const decodeReadNotifyRequest = (h: CaHeader): ReadNotifyRequest => ({
  type: "ReadNotifyRequest",
  ...typedFields(h),
  sid: h.parameter1,
  ioid: h.parameter2,
});

export const decodeReadNotifyResponse = (h: CaHeader, payload: Uint8Array): ReadNotifyResponse => ({
  type: "ReadNotifyResponse",
  ...typedFields(h),
  ecaStatus: h.parameter1,
  ioid: h.parameter2,
  ...responseData(h, payload),
});

export const decodeWrite = (h: CaHeader, payload: Uint8Array): WriteRequest => ({
  type: "WriteRequest",
  ...typedFields(h),
  sid: h.parameter1,
  ioid: h.parameter2,
  ...decodeData(h, payload),
});

export const decodeWriteNotifyRequest = (h: CaHeader, payload: Uint8Array): WriteNotifyRequest => ({
  type: "WriteNotifyRequest",
  ...typedFields(h),
  sid: h.parameter1,
  ioid: h.parameter2,
  ...decodeData(h, payload),
});

export const decodeWriteNotifyResponse = (h: CaHeader): WriteNotifyResponse => ({
  type: "WriteNotifyResponse",
  ...typedFields(h),
  ecaStatus: h.parameter1,
  ioid: h.parameter2,
});

export function decodeEventAddRequest(h: CaHeader, payload: Uint8Array): EventAddRequest {
  if (payload.length < EVENT_ADD_PAYLOAD) {
    throw new RemoteProtocolError(
      `an EVENT_ADD request carries ${payload.length} payload bytes, not ${EVENT_ADD_PAYLOAD}`,
      { command: CaCommand.EVENT_ADD },
    );
  }
  const mask = new DataView(payload.buffer, payload.byteOffset, EVENT_ADD_PAYLOAD).getUint16(12);
  return {
    type: "EventAddRequest",
    ...typedFields(h),
    sid: h.parameter1,
    subscriptionId: h.parameter2,
    mask,
  };
}

export function decodeEventAddFromServer(
  h: CaHeader,
  payload: Uint8Array,
): EventAddResponse | EventCancelResponse {
  if (isEventCancelResponse(h)) {
    return {
      type: "EventCancelResponse",
      ...typedFields(h),
      sid: h.parameter1,
      subscriptionId: h.parameter2,
    };
  }
  return {
    type: "EventAddResponse",
    ...typedFields(h),
    ecaStatus: h.parameter1,
    subscriptionId: h.parameter2,
    ...responseData(h, payload),
  };
}

export const decodeEventCancelRequest = (h: CaHeader): EventCancelRequest => ({
  type: "EventCancelRequest",
  ...typedFields(h),
  sid: h.parameter1,
  subscriptionId: h.parameter2,
});

/** The mask libca uses by default (DBE_VALUE | DBE_ALARM). */
export const DEFAULT_EVENT_MASK = DBE.VALUE | DBE.ALARM;
