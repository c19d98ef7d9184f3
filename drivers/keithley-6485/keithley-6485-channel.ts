import type { Clock } from "../../src/core/index.js";
import type { ByteTransport, ReplyVerdict } from "../../src/transports/index.js";
import { RequestChannel } from "../../src/transports/index.js";
import { KEITHLEY6485_LINE } from "./protocol.js";

/**
 * What the driver needs of the line: the transports' RequestChannel (see keithley6485Channel()).
 * Commands go without terminator; the channel adds CR and strips the LF of replies.
 */
export interface Keithley6485Channel {
  /** Names the port in errors, e.g. "serial:/dev/ttyUSB1". */
  readonly name: string;
  open(): Promise<void>;
  /** Sends a command and resolves with its one-line reply, once `validate` accepts it. */
  query(
    command: string,
    options?: { validate?: (reply: string) => ReplyVerdict; timeout?: number; retries?: number },
  ): Promise<string>;
  /** Sends a command that has no reply. */
  write(command: string): Promise<void>;
}

export interface Keithley6485ChannelOptions {
  clock?: Clock;
  /**
   * Seconds a reply to anything but READ? may take (default 1; 40 characters take 40 ms at
   * 9600 baud). READ? gets a timeout of its own, derived from NPLC (see readTimeout()).
   */
  timeout?: number;
  /** Further attempts after a timeout or a reply that does not parse (default 1). */
  retries?: number;
  log?: (message: string) => void;
}

/** The request channel a 6485 needs on a transport: CR out, LF in, latin1. */
export function keithley6485Channel(
  transport: ByteTransport,
  { clock, timeout = 1, retries = 1, log }: Keithley6485ChannelOptions = {},
): RequestChannel {
  return new RequestChannel(transport, {
    clock,
    timeout,
    retries,
    log,
    outputTerminator: KEITHLEY6485_LINE.commandTerminator,
    inputTerminator: KEITHLEY6485_LINE.replyTerminator,
    encoding: "latin1",
  });
}

/** SerialTransport settings of the RS-232 port, without the path (9600 8N1, no handshake). */
export const KEITHLEY6485_SERIAL = {
  baudRate: KEITHLEY6485_LINE.baud,
  dataBits: KEITHLEY6485_LINE.dataBits,
  parity: KEITHLEY6485_LINE.parity,
  stopBits: KEITHLEY6485_LINE.stopBits,
} as const;
