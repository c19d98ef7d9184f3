/**
 * The DBR side of reads, monitors and writes: what a PV's state looks like in the DBR type
 * and count a client asked for, and what a client's DBR becomes in the PV's native type.
 * The codec does the element conversions; this decides counts, limits and status codes the
 * way RSRV does.
 */
import {
  CaCommand,
  CaConversionError,
  convertValue,
  DBR,
  dbrLayout,
  dbrPayloadSize,
  ECA,
  encode,
  encodeDbr,
  headerSizeFor,
  LocalProtocolError,
  needsExtendedHeader,
  padTo8,
  writeHeader,
  type CaHeader,
  type DbrData,
  type DbrInput,
  type DbrValueInput,
  type EventAddResponse,
  type ReadNotifyResponse,
} from "../codec/index.js";
import { CaPvError, type CaPv, type CaPvState } from "./provider.js";

/** The client's minor version from which the extended header may be sent. */
const EXTENDED_HEADER_MINOR = 9;

/** What a read or a monitor update carries: a status, and data when it is a success. */
export interface DbrReply {
  ecaStatus: number;
  dataCount: number;
  data: DbrInput | null;
  /** `data` is the PV's state object, whose encoding may be reused until the next post. */
  shared?: boolean;
}

export interface ReplyLimits {
  /** Largest payload sent for a count above the PV's own size. */
  maxArrayBytes: number;
  /** The client's minor protocol version (extended headers from 9). */
  clientMinorVersion: number;
}

const failure = (ecaStatus: number): DbrReply => ({ ecaStatus, dataCount: 0, data: null });

/** Elements in a value as the provider holds it (a scalar is one). */
export function elementCount(value: DbrValueInput): number {
  return typeof value === "string" || typeof value === "number" ? 1 : value.length;
}

/** What DBR_CLASS_NAME answers when the PV names no record type. */
function defaultClassName(pv: CaPv): string {
  if (pv.maxCount > 1) return "waveform";
  switch (pv.nativeType) {
    case DBR.STRING:
      return "stringin";
    case DBR.ENUM:
      return "mbbi";
    case DBR.DOUBLE:
    case DBR.FLOAT:
      return "ai";
    default:
      return "longin";
  }
}

/**
 * The reply to a read of `dataType` × `requestedCount` (0: the current length). A count
 * above the current length is padded with zeros, as RSRV does, up to `maxArrayBytes` (or
 * the PV's own size when larger); beyond, ECA_TOLARGE. A payload needing the extended
 * header goes to a client below V4.9 as ECA_16KARRAYCLIENT.
 */
export function dbrReply(
  pv: CaPv,
  state: CaPvState,
  dataType: number,
  requestedCount: number,
  limits: ReplyLimits,
): DbrReply {
  const layout = dbrLayout(dataType);
  if (!layout || layout.form === "put_ack") return failure(ECA.BADTYPE);
  const count = requestedCount === 0 ? elementCount(state.value) : requestedCount;
  const size = dbrPayloadSize(layout, count);
  const allowed = Math.max(limits.maxArrayBytes, dbrPayloadSize(layout, pv.maxCount));
  if (size > allowed) return failure(ECA.TOLARGE);
  if (
    needsExtendedHeader(padTo8(size), count) &&
    limits.clientMinorVersion < EXTENDED_HEADER_MINOR
  ) {
    return failure(ECA["16KARRAYCLIENT"]);
  }
  if (layout.form === "class_name") {
    return {
      ecaStatus: ECA.NORMAL,
      dataCount: count,
      data: { value: pv.className ?? defaultClassName(pv) },
    };
  }
  return { ecaStatus: ECA.NORMAL, dataCount: count, data: state, shared: true };
}

/** The payloads of a state, by type and count (`payloadKey`); a few per state at most. */
const payloads = new WeakMap<object, Map<number, Uint8Array>>();
const MAX_PAYLOADS_PER_STATE = 4;

/**
 * The payload of `data` as `dataType` × `count` for a reader, padded to 8: from the cache
 * when this state object was already encoded so. Throws what encodeDbr throws.
 */
export function sharedPayload(data: DbrInput, dataType: number, count: number): Uint8Array {
  const key = payloadKey(dataType, count);
  let entries = payloads.get(data);
  const cached = entries?.get(key);
  if (cached) return cached;
  const bytes = encodeDbr(dataType, data, { count, forReading: true });
  if (!entries) {
    entries = new Map();
    payloads.set(data, entries);
  } else if (entries.size >= MAX_PAYLOADS_PER_STATE) {
    entries.delete(entries.keys().next().value!);
  }
  entries.set(key, bytes);
  return bytes;
}

/** A number for the pair, no string made per read: the type is below 64, a count below 2^32. */
function payloadKey(dataType: number, count: number): number {
  return dataType * 0x1_0000_0000 + count;
}

/** What a reply answers: a READ_NOTIFY (by IOID) or an EVENT_ADD (by subscription id). */
export interface ReplyTo {
  readonly command: typeof CaCommand.READ_NOTIFY | typeof CaCommand.EVENT_ADD;
  /** The DBR type the client asked for. */
  readonly dataType: number;
  /** The IOID or the subscription id. */
  readonly id: number;
}

/** A payload at least this large is sent as it is after its header, not copied. */
const SEPARATE_PAYLOAD_BYTES = 1 << 16;

/**
 * Encodes `reply` as the answer to `to`; a value that does not convert to the requested
 * type (text read as a number) is answered with ECA_GETFAIL, as dbGet's failure is. A reply
 * carrying a PV's state uses the state's shared payload: a small one is copied behind its
 * header into one buffer, a large one follows its own header uncopied.
 */
export function encodeReply(to: ReplyTo, reply: DbrReply): Uint8Array | [Uint8Array, Uint8Array] {
  try {
    if (reply.shared && reply.data !== null && reply.dataCount > 0) {
      const payload = sharedPayload(reply.data, to.dataType, reply.dataCount);
      return framePayload(to, reply, payload);
    }
    return encode(replyMessage(to, reply));
  } catch (error) {
    if (!(error instanceof CaConversionError || error instanceof LocalProtocolError)) throw error;
    return encode(replyMessage(to, failure(ECA.GETFAIL)));
  }
}

function framePayload(
  to: ReplyTo,
  reply: DbrReply,
  payload: Uint8Array,
): Uint8Array | [Uint8Array, Uint8Array] {
  const header: CaHeader = {
    command: to.command,
    payloadSize: payload.length,
    dataType: to.dataType,
    dataCount: reply.dataCount,
    parameter1: reply.ecaStatus,
    parameter2: to.id,
  };
  const headerSize = headerSizeFor(payload.length, reply.dataCount);
  if (payload.length >= SEPARATE_PAYLOAD_BYTES) {
    const head = Buffer.allocUnsafe(headerSize);
    writeHeader(head, 0, header);
    return [head, payload];
  }
  const out = Buffer.allocUnsafe(headerSize + payload.length);
  writeHeader(out, 0, header);
  out.set(payload, headerSize);
  return out;
}

function replyMessage(
  to: ReplyTo,
  reply: DbrReply,
): ReadNotifyResponse<DbrInput> | EventAddResponse<DbrInput> {
  const { dataType, id } = to;
  const { dataCount, ecaStatus, data } = reply;
  return to.command === CaCommand.READ_NOTIFY
    ? { type: "ReadNotifyResponse", dataType, dataCount, ecaStatus, ioid: id, data }
    : { type: "EventAddResponse", dataType, dataCount, ecaStatus, subscriptionId: id, data };
}

/**
 * A client's written DBR as the PV's native value: converted with the PV's enum strings
 * and precision, cut to the PV's size; a scalar PV gets a scalar. Throws CaPvError with the
 * ECA status to answer.
 */
export function nativeWriteValue(
  pv: CaPv,
  state: CaPvState,
  dataType: number,
  data: DbrData | null,
  dataStatus: number | undefined,
): DbrValueInput {
  if (data === null) {
    throw new CaPvError("the written DBR could not be decoded", dataStatus ?? ECA.BADTYPE);
  }
  const layout = dbrLayout(dataType);
  if (!layout || layout.form === "put_ack" || layout.form === "class_name") {
    throw new CaPvError(`cannot write a ${layout?.name ?? `DBR type ${dataType}`}`, ECA.NOCONVERT);
  }
  if (data.value.length === 0 && pv.maxCount === 1) {
    throw new CaPvError("a write of no element to a scalar", ECA.BADCOUNT);
  }
  let value;
  try {
    value = convertValue(data.value, pv.nativeType, {
      enumStrings: state.enumStrings,
      precision: state.precision,
    });
  } catch (error) {
    if (error instanceof CaConversionError) throw new CaPvError(error.message, ECA.PUTFAIL);
    throw error;
  }
  if (pv.maxCount === 1) return value[0]!;
  if (value.length <= pv.maxCount) return value;
  return Array.isArray(value) ? value.slice(0, pv.maxCount) : value.subarray(0, pv.maxCount);
}
