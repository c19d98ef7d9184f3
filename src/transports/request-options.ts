// The options of RequestChannel and of each of its requests.
import type { Clock } from "../core/index.js";
import type { LineTerminator } from "./line-framer.js";
import type { ReconnectOptions } from "./reopener.js";

/** "open": requests go out; "reconnecting": they wait for the port; "closed": they fail. */
export type ChannelState = "open" | "reconnecting" | "closed";

export interface RequestChannelOptions {
  /** Times replies, retries and reconnection (default the real clock). */
  clock?: Clock;
  /** Appended to every command (default "\r\n"). */
  outputTerminator?: string;
  /** Ends every reply line (default "\r\n"). */
  inputTerminator?: LineTerminator;
  /** Seconds an attempt may take: waiting for a reconnecting port, writing, the reply (default 1). */
  timeout?: number;
  /** Further attempts after a timeout, a rejected reply or a drop (default 0). */
  retries?: number;
  /** Seconds between attempts (default 0). */
  retryDelay?: number;
  /** Of commands and replies (default "latin1": one byte, one character). */
  encoding?: BufferEncoding;
  /** Reopen the port after it drops (default { initialDelay: 0.1, maxDelay: 5, factor: 2 }). */
  reconnect?: ReconnectOptions | false;
  /** Names the port in errors and log lines (default the transport's name). */
  name?: string;
  /** Longest reply line in bytes (default 1 MiB). */
  maxLineLength?: number;
  /** Told about dropped stale input, retries and reconnection. */
  log?: (message: string) => void;
}

/**
 * What a validate hook returns: nothing to accept the reply, a reason to reject it. `void` lets
 * the hook be a block of checks with no return statement at all.
 */
// eslint-disable-next-line @typescript-eslint/no-invalid-void-type
export type ReplyVerdict = string | void;

export interface RequestOptions {
  /** Overrides the channel's timeout for this request, in seconds. */
  timeout?: number;
  /** Overrides the channel's retries for this request. */
  retries?: number;
}

export interface QueryOptions extends RequestOptions {
  /** Returns a reason to reject the reply (it becomes an UnexpectedReplyError and is retried). */
  validate?: (reply: string) => ReplyVerdict;
}

export interface QueryLinesOptions extends RequestOptions {
  /** How many lines the reply has. */
  lines?: number;
  /** Or: the line that ends it (equal to the string, or the predicate is true); it is included. */
  until?: string | ((line: string) => boolean);
  validate?: (lines: readonly string[]) => ReplyVerdict;
}
