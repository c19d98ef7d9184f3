/** Pieces shared by the command codecs: the frame an encoder produces and field checks. */
import { LocalProtocolError } from "./errors.js";
import type { CaHeader } from "./header.js";
import { cStringBytes, readCString } from "./text.js";

/** Who sent the bytes being decoded: requests come from clients, responses from servers. */
export type CaSender = "client" | "server";
/** TCP circuits and UDP datagrams differ only in the form of VERSION. */
export type CaTransport = "stream" | "datagram";

/** The header fields of one message and how to write its payload (before padding). */
export interface Frame {
  command: number;
  dataType: number;
  dataCount: number;
  parameter1: number;
  parameter2: number;
  payloadSize: number;
  writePayload?: (target: Uint8Array, offset: number) => void;
}

/** Decodes one message whose header and whole payload are known. */
export type Decoder<M> = (header: CaHeader, payload: Uint8Array) => M;

/** A frame with no payload. */
export function bare(
  command: number,
  dataType = 0,
  dataCount = 0,
  parameter1 = 0,
  parameter2 = 0,
): Frame {
  return { command, dataType, dataCount, parameter1, parameter2, payloadSize: 0 };
}

/** A frame whose payload is `bytes`. */
export function withPayload(frame: Frame, bytes: Uint8Array): Frame {
  return {
    ...frame,
    payloadSize: bytes.length,
    writePayload: (target, offset) => target.set(bytes, offset),
  };
}

/** A frame whose payload is a NUL-terminated string (names, host and user names). */
export function withString(frame: Frame, text: string): Frame {
  return withPayload(frame, cStringBytes(text));
}

/** The NUL-terminated string that fills a payload. */
export function payloadString(payload: Uint8Array): string {
  return readCString(payload, 0, payload.length);
}

/** `value` when it is an integer in [0, 0xFFFF]; LocalProtocolError naming `field` otherwise. */
export function u16(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new LocalProtocolError(`${field} ${value} is not an integer in [0, 65535]`);
  }
  return value;
}

/** `value` when it is an integer in [0, 2^32); LocalProtocolError naming `field` otherwise. */
export function u32(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new LocalProtocolError(`${field} ${value} is not an integer in [0, 2^32)`);
  }
  return value;
}
