// One error type per transport failure, each with a stable code and a message that names
// the port ("serial:/dev/ttyUSB0", "tcp:10.0.0.5:4001") and, where there is one, the request.
import { HilError } from "../core/index.js";

/** Longest stretch of received text quoted in a message; the rest is elided. */
const QUOTE_LIMIT = 120;

/** Quotes text the way a message shows it: JSON escapes, so "\r" and "\n" stay visible. */
export function quote(text: string): string {
  if (text.length <= QUOTE_LIMIT) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTE_LIMIT))}... (${text.length} chars)`;
}

function causeText(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.replace(/^Error: /, ""); // node-serialport's messages repeat it
}

/** The port or socket could not be opened (missing device, refused connection, timeout). */
export class TransportOpenError extends HilError {
  readonly port: string;

  constructor(port: string, cause: unknown) {
    super("HIL_TRANSPORT_OPEN", `${port}: cannot open: ${causeText(cause)}`, { cause });
    this.port = port;
  }
}

/**
 * An open port or socket went away without being asked to: a USB adapter unplugged, a pty
 * whose other side died, a terminal server that hung up. Transports report it to onClose.
 */
export class TransportDroppedError extends HilError {
  readonly port: string;

  constructor(port: string, cause: unknown, during?: string) {
    const where = during ? ` ${during}` : "";
    super("HIL_TRANSPORT_DROPPED", `${port}: dropped${where}: ${causeText(cause)}`, { cause });
    this.port = port;
  }
}

/** Bytes could not be handed to the port. */
export class TransportWriteError extends HilError {
  readonly port: string;

  constructor(port: string, cause: unknown, request?: string) {
    const what = request === undefined ? "" : ` ${quote(request)}`;
    super("HIL_TRANSPORT_WRITE", `${port}: cannot write${what}: ${causeText(cause)}`, { cause });
    this.port = port;
  }
}

/** The port is closed (or the channel was closed for good) so nothing can be sent. */
export class TransportClosedError extends HilError {
  readonly port: string;

  constructor(port: string, detail: string, cause?: unknown) {
    super("HIL_TRANSPORT_CLOSED", `${port}: ${detail}`, cause === undefined ? {} : { cause });
    this.port = port;
  }
}

/** The port dropped and did not come back within the request's timeout; nothing was sent. */
export class TransportUnavailableError extends HilError {
  readonly port: string;
  readonly request: string;

  constructor(port: string, request: string, timeout: number, cause?: unknown) {
    const why = cause === undefined ? "" : ` (last error: ${causeText(cause)})`;
    super(
      "HIL_TRANSPORT_UNAVAILABLE",
      `${port}: ${quote(request)} not sent: the port did not reopen within ${timeout} s${why}`,
      cause === undefined ? {} : { cause },
    );
    this.port = port;
    this.request = request;
  }
}

/** No whole reply within the timeout; `received` holds whatever did arrive. */
export class ReplyTimeoutError extends HilError {
  readonly port: string;
  readonly request: string;
  readonly received: string;

  constructor(port: string, request: string, timeout: number, received: string) {
    const got = received === "" ? "nothing received" : `received so far: ${quote(received)}`;
    super(
      "HIL_REPLY_TIMEOUT",
      `${port}: no reply to ${quote(request)} within ${timeout} s (${got})`,
    );
    this.port = port;
    this.request = request;
    this.received = received;
  }
}

/** A reply arrived but the driver's validate hook rejected it. */
export class UnexpectedReplyError extends HilError {
  readonly port: string;
  readonly request: string;
  readonly reply: string;

  constructor(port: string, request: string, reply: string, reason: string) {
    super(
      "HIL_UNEXPECTED_REPLY",
      `${port}: unexpected reply to ${quote(request)}: ${quote(reply)} (${reason})`,
    );
    this.port = port;
    this.request = request;
    this.reply = reply;
  }
}

/**
 * More than `maxLength` bytes arrived without a terminator: a wrong terminator, a wrong baud
 * rate or a runaway device. `lines` holds the whole lines found in the same chunk.
 */
export class LineTooLongError extends HilError {
  readonly maxLength: number;
  readonly lines: readonly string[];

  constructor(maxLength: number, where = "input", lines: readonly string[] = [], cause?: unknown) {
    super(
      "HIL_LINE_TOO_LONG",
      `${where}: a line exceeds ${maxLength} bytes without a terminator`,
      cause === undefined ? {} : { cause },
    );
    this.maxLength = maxLength;
    this.lines = lines;
  }
}
