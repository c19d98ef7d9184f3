import type { Clock } from "../../src/core/index.js";
import type { ByteTransport, ReplyVerdict } from "../../src/transports/index.js";
import { RequestChannel } from "../../src/transports/index.js";
import { LAKESHORE336_LINE } from "./protocol.js";

/**
 * What the driver needs of the line: the transports' RequestChannel (see lakeshore336Channel()).
 * Requests go without terminator; the channel adds LF and strips the CR LF of replies.
 */
export interface LakeShore336Channel {
  /** Names the port in errors, e.g. "tcp:192.168.1.36:7777". */
  readonly name: string;
  open(): Promise<void>;
  /** Sends a request and resolves with its one-line reply, once `validate` accepts it. */
  query(
    command: string,
    options?: { validate?: (reply: string) => ReplyVerdict; timeout?: number },
  ): Promise<string>;
  close(): Promise<void>;
}

export interface LakeShore336ChannelOptions {
  clock?: Clock;
  /** Seconds a reply may take (default 1). */
  timeout?: number;
  /** Further attempts after a timeout or a reply that is not one (default 1). */
  retries?: number;
  log?: (message: string) => void;
}

/** The request channel a 336 needs on a transport: LF out, CR LF in, latin1. */
export function lakeshore336Channel(
  transport: ByteTransport,
  { clock, timeout = 1, retries = 1, log }: LakeShore336ChannelOptions = {},
): RequestChannel {
  return new RequestChannel(transport, {
    clock,
    timeout,
    retries,
    log,
    outputTerminator: LAKESHORE336_LINE.commandTerminator,
    inputTerminator: LAKESHORE336_LINE.replyTerminator,
    encoding: "latin1",
  });
}

/** SerialTransport settings of the USB port, without the path: 57600 baud 7O1, no handshake. */
export const LAKESHORE336_SERIAL = {
  baudRate: LAKESHORE336_LINE.baud,
  dataBits: LAKESHORE336_LINE.dataBits,
  parity: LAKESHORE336_LINE.parity,
  stopBits: LAKESHORE336_LINE.stopBits,
} as const;
