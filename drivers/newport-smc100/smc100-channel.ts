import type { Clock } from "../../src/core/index.js";
import type { ByteTransport } from "../../src/transports/index.js";
import { RequestChannel } from "../../src/transports/index.js";
import { SMC100_LINE } from "./protocol.js";

/**
 * What the driver needs of the line: the transports' RequestChannel (see smc100Channel()).
 * Commands go without terminator; the channel adds CR LF and strips it from replies.
 */
export interface Smc100Channel {
  /** Names the port in errors, e.g. "serial:/dev/ttyUSB0". */
  readonly name: string;
  open(): Promise<void>;
  /** Sends a command and resolves with its one-line reply, once `validate` accepts it. */
  query(
    command: string,
    options?: { validate?: (reply: string) => string | undefined },
  ): Promise<string>;
  /** Sends a command that has no reply. */
  write(command: string): Promise<void>;
  /** Closes the port for good. */
  close(): Promise<void>;
}

export interface Smc100ChannelOptions {
  clock?: Clock;
  /** Seconds a reply may take (default 0.5; a reply takes a few ms at 57600 baud). */
  timeout?: number;
  /** Further attempts after a timeout or a reply that does not echo the command (default 2). */
  retries?: number;
  log?: (message: string) => void;
}

/** The request channel an SMC100 needs on a transport: CR LF both ways, latin1. */
export function smc100Channel(
  transport: ByteTransport,
  { clock, timeout = 0.5, retries = 2, log }: Smc100ChannelOptions = {},
): RequestChannel {
  return new RequestChannel(transport, {
    clock,
    timeout,
    retries,
    log,
    outputTerminator: SMC100_LINE.terminator,
    inputTerminator: SMC100_LINE.terminator,
    encoding: "latin1",
  });
}

/** SerialTransport settings of the RS-232 port, without the path (57600 8N1, no handshake). */
export const SMC100_SERIAL = {
  baudRate: SMC100_LINE.baud,
  dataBits: SMC100_LINE.dataBits,
  parity: SMC100_LINE.parity,
  stopBits: SMC100_LINE.stopBits,
} as const;
