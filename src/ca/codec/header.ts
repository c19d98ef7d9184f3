import { LocalProtocolError } from "./errors.js";

/** Size of the standard header. */
export const HEADER_SIZE = 16;
/** Size of the extended header (V4.9+): the standard one plus the real payload size and count. */
export const EXTENDED_HEADER_SIZE = 24;

/**
 * A message header with its real payload size and element count, whichever form carried
 * them. `parameter1`/`parameter2` are caHdr's m_cid/m_available: each command gives them a
 * meaning (CID, SID, IOID, ECA status, ...).
 */
export interface CaHeader {
  command: number;
  /** Payload bytes that follow the header (a multiple of 8 from well-behaved peers). */
  payloadSize: number;
  dataType: number;
  dataCount: number;
  parameter1: number;
  parameter2: number;
}

/** Rounds a payload size up to the next multiple of 8 (CA_MESSAGE_ALIGN). */
export function padTo8(size: number): number {
  return (size + 7) & ~7;
}

/**
 * RSRV's rule (caserverio.c): the extended header is used when the padded payload reaches
 * 0xFFFF bytes or the count reaches 0xFFFF elements. A peer below V4.9 cannot take it; the
 * server answers such a peer with ECA_16KARRAYCLIENT instead.
 */
export function needsExtendedHeader(paddedPayloadSize: number, dataCount: number): boolean {
  return paddedPayloadSize >= 0xffff || dataCount >= 0xffff;
}

/** The size of the header `writeHeader` writes for these sizes. */
export function headerSizeFor(paddedPayloadSize: number, dataCount: number): number {
  return needsExtendedHeader(paddedPayloadSize, dataCount) ? EXTENDED_HEADER_SIZE : HEADER_SIZE;
}

/**
 * Writes `header` at `offset` (16 or 24 bytes, by the rule above) and returns its size.
 * The payload size is written as given: pass the padded size.
 */
export function writeHeader(target: Uint8Array, offset: number, header: CaHeader): number {
  const { command, payloadSize, dataType, dataCount, parameter1, parameter2 } = header;
  checkField("command", command, 0xffff);
  checkField("data type", dataType, 0xffff);
  checkField("payload size", payloadSize, 0xffffffff);
  checkField("data count", dataCount, 0xffffffff);
  checkField("parameter1", parameter1, 0xffffffff);
  checkField("parameter2", parameter2, 0xffffffff);
  const view = new DataView(target.buffer, target.byteOffset + offset);
  view.setUint16(0, command);
  view.setUint16(4, dataType);
  view.setUint32(8, parameter1);
  view.setUint32(12, parameter2);
  if (needsExtendedHeader(payloadSize, dataCount)) {
    view.setUint16(2, 0xffff);
    view.setUint16(6, 0);
    view.setUint32(16, payloadSize);
    view.setUint32(20, dataCount);
    return EXTENDED_HEADER_SIZE;
  }
  view.setUint16(2, payloadSize);
  view.setUint16(6, dataCount);
  return HEADER_SIZE;
}

/** The header at `offset` and its size, as read by `readHeader`. */
export interface HeaderAt {
  header: CaHeader;
  /** 16, or 24 for the extended form. */
  size: number;
}

/**
 * Reads the header at `offset`, standard or extended (payload size 0xFFFF with count 0,
 * accepted on any command). Returns undefined when fewer bytes than the header needs are
 * available before `end` (default: the end of `bytes`).
 */
export function readHeader(
  bytes: Uint8Array,
  offset = 0,
  end = bytes.length,
): HeaderAt | undefined {
  if (end - offset < HEADER_SIZE) return undefined;
  const shortSize = u16At(bytes, offset + 2);
  const shortCount = u16At(bytes, offset + 6);
  const extended = shortSize === 0xffff && shortCount === 0;
  if (extended && end - offset < EXTENDED_HEADER_SIZE) return undefined;
  return {
    header: {
      command: u16At(bytes, offset),
      payloadSize: extended ? u32At(bytes, offset + 16) : shortSize,
      dataType: u16At(bytes, offset + 4),
      dataCount: extended ? u32At(bytes, offset + 20) : shortCount,
      parameter1: u32At(bytes, offset + 8),
      parameter2: u32At(bytes, offset + 12),
    },
    size: extended ? EXTENDED_HEADER_SIZE : HEADER_SIZE,
  };
}

function u16At(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

function u32At(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0
  );
}

function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new LocalProtocolError(`header ${name} ${value} is not an integer in [0, ${max}]`);
  }
}
