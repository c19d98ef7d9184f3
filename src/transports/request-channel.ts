// The one request/response helper of every ASCII driver: terminators, a FIFO queue per port,
// reply timeouts on the clock, stale-input flushing, validation with retries, and reconnection
// with backoff. Drivers say what to send and what a good reply looks like; nothing more.
import { Buffer } from "node:buffer";
import type { Clock, Timer } from "../core/index.js";
import { realClock } from "../core/index.js";
import type { ByteTransport } from "./byte-transport.js";
import { WRITTEN } from "./byte-transport.js";
import {
  LineTooLongError,
  ReplyTimeoutError,
  TransportClosedError,
  TransportDroppedError,
  TransportUnavailableError,
  TransportWriteError,
  UnexpectedReplyError,
  quote,
} from "./errors.js";
import { LineFramer, terminatorBytes } from "./line-framer.js";
import { ListenerSet } from "./listener-set.js";
import { Reopener } from "./reopener.js";
import { TurnQueue } from "./turn-queue.js";
import type {
  ChannelState,
  QueryLinesOptions,
  QueryOptions,
  ReplyVerdict,
  RequestChannelOptions,
  RequestOptions,
} from "./request-options.js";

// Re-exported for modules that import it from here (modbus-connection.ts).
export type { ReconnectOptions } from "./reopener.js";

/**
 * One request of a caller: its promise, and the state of its current attempt. A request is
 * "active" while it holds the port, from its first attempt to its last (retry delays included);
 * the others wait in the queue, first come first served.
 */
interface Pending {
  readonly request: string;
  readonly bytes: Uint8Array;
  /** Lines wanted, or the test for the last one; 0 for a command with no reply. */
  readonly expect: number | ((line: string) => boolean);
  readonly timeout: number;
  readonly retries: number;
  readonly validate: ((lines: readonly string[]) => ReplyVerdict) | undefined;
  readonly resolve: (lines: string[]) => void;
  readonly reject: (error: Error) => void;
  /** Counts from 0; tells a late callback of an earlier attempt from the current one. */
  attempt: number;
  /** An attempt is under way: waiting for the port, the write or the reply. */
  inFlight: boolean;
  sent: boolean;
  lines: string[];
  /** Clock time at which the attempt times out. */
  deadline: number;
}

/** Encoded commands kept; past this the cache starts over (setpoints make many distinct ones). */
const ENCODED_LIMIT = 256;

/** Seconds: a deadline this close counts as passed (clock rounding). */
const DEADLINE_SLACK = 1e-9;

const RETRYABLE = [
  ReplyTimeoutError,
  UnexpectedReplyError,
  LineTooLongError,
  TransportDroppedError,
  TransportWriteError,
  TransportUnavailableError,
];

export class RequestChannel {
  readonly name: string;
  private readonly transport: ByteTransport;
  private readonly clock: Clock;
  private readonly outputTerminator: string;
  private readonly inputTerminatorText: string;
  private readonly encoding: BufferEncoding;
  private readonly timeout: number;
  private readonly retries: number;
  private readonly retryDelay: number;
  private readonly reopener: Reopener | undefined;
  private readonly maxLineLength: number;
  private readonly log: ((message: string) => void) | undefined;
  private readonly framer: LineFramer;
  private readonly stateListeners = new ListenerSet<[ChannelState, Error?]>();
  private readonly unsubscribe: Array<() => void>;
  private current: ChannelState;
  private ended = false;
  /** The requests: the one holding the port, then those waiting for it. */
  private readonly turns = new TurnQueue<Pending>((pending) => this.startAttempt(pending));
  private deadlineTimer: Timer | undefined;
  private deadlineTimerAt = 0;
  private retryTimer: Timer | undefined;
  /** Why the port is not open: the drop, then each failed reopen. */
  private lastError: Error | undefined;
  private stale = 0;
  private readonly encoded = new Map<string, Uint8Array>();

  constructor(
    transport: ByteTransport,
    {
      clock = realClock,
      outputTerminator = "\r\n",
      inputTerminator = "\r\n",
      timeout = 1,
      retries = 0,
      retryDelay = 0,
      encoding = "latin1",
      reconnect = {},
      name = transport.name,
      maxLineLength = 1 << 20,
      log,
    }: RequestChannelOptions = {},
  ) {
    if (!(timeout > 0)) throw new TypeError(`${name}: timeout must be positive, got ${timeout}`);
    checkRetries(name, retries);
    this.transport = transport;
    this.name = name;
    this.clock = clock;
    this.outputTerminator = outputTerminator;
    this.inputTerminatorText = Buffer.from(terminatorBytes(inputTerminator)).toString(encoding);
    this.encoding = encoding;
    this.timeout = timeout;
    this.retries = retries;
    this.retryDelay = retryDelay;
    this.reopener =
      reconnect === false
        ? undefined
        : new Reopener(transport, clock, reconnect, {
            opened: () => this.reopened(),
            failed: (error, next) => {
              this.lastError = error;
              this.log?.(`${name}: reopen failed (${error.message}); next try in ${next} s`);
            },
          });
    this.maxLineLength = maxLineLength;
    this.log = log;
    this.framer = new LineFramer({
      terminator: inputTerminator,
      maxLength: maxLineLength,
      encoding,
      name,
    });
    this.current = transport.isOpen ? "open" : "closed";
    this.unsubscribe = [
      transport.onData((chunk) => this.received(chunk)),
      transport.onClose((error) => this.dropped(error)),
    ];
  }

  get state(): ChannelState {
    return this.current;
  }

  /** Bytes that arrived with no request waiting for them (late or unsolicited), dropped. */
  get droppedBytes(): number {
    return this.stale;
  }

  /** Calls `listener` on each change of state, with the error that caused it; returns the unsubscriber. */
  onStateChange(listener: (state: ChannelState, error?: Error) => void): () => void {
    return this.stateListeners.add(listener);
  }

  /** Opens the port (once: a TransportOpenError if it cannot); while reconnecting, waits for it. */
  async open(): Promise<void> {
    if (this.ended) throw this.closedError();
    if (this.current === "reconnecting") return this.nextOpen();
    if (this.current === "open") return;
    await this.transport.open();
    if (this.ended) {
      await this.transport.close();
      throw this.closedError();
    }
    this.framer.reset();
    this.setState("open");
  }

  /** Ends the channel for good: fails what is pending, stops reconnecting, closes the port. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.reopener?.cancel();
    this.deadlineTimer?.cancel();
    this.deadlineTimer = undefined;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    for (const off of this.unsubscribe) off();
    const waiting = this.turns.drain();
    const active = this.turns.current;
    if (active) {
      active.inFlight = false; // a late callback of its attempt finds nothing to end
      this.framer.reset();
      active.reject(new TransportClosedError(this.name, `closed during ${quote(active.request)}`));
    }
    for (const pending of waiting) pending.reject(this.closedError());
    this.setState("closed");
    await this.transport.close();
  }

  /** Sends `command` and resolves with the next whole reply line (without its terminator). */
  query(command: string, options: QueryOptions = {}): Promise<string> {
    const { validate } = options;
    const check = validate && ((lines: readonly string[]) => validate(lines[0]!));
    return this.request(command, 1, options, check, firstLine);
  }

  /** Sends `command` and resolves with a reply of several lines: `lines` of them, or `until` one. */
  queryLines(command: string, options: QueryLinesOptions): Promise<string[]> {
    const { lines, until, validate } = options;
    let expect: number | ((line: string) => boolean);
    if (lines !== undefined) {
      if (!Number.isInteger(lines) || lines < 1) {
        const error = `${this.name}: lines must be a whole number >= 1, got ${lines}`;
        return Promise.reject(new TypeError(error));
      }
      expect = lines;
    } else if (typeof until === "string") {
      expect = (line) => line === until;
    } else if (until) {
      expect = until;
    } else {
      const error = `${this.name}: queryLines(${quote(command)}) needs lines or until`;
      return Promise.reject(new TypeError(error));
    }
    return this.request(command, expect, options, validate, allLines);
  }

  /** Sends a command that has no reply (a silent set command). */
  write(command: string, options: RequestOptions = {}): Promise<void> {
    return this.request(command, 0, options, undefined, nothing);
  }

  /**
   * Queues a request and returns its one promise. The attempts, retries and the queue are
   * driven by callbacks rather than awaits: a promise per layer would cost a loopback round
   * trip a tenth of its speed.
   */
  private request<T>(
    command: string,
    expect: Pending["expect"],
    options: RequestOptions,
    validate: Pending["validate"],
    answer: (lines: string[]) => T,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const retries = options.retries ?? this.retries;
      checkRetries(this.name, retries);
      if (this.ended) throw this.closedError();
      this.turns.push({
        request: command,
        bytes: this.encode(command),
        expect,
        timeout: options.timeout ?? this.timeout,
        retries,
        validate,
        resolve: answering(resolve, answer),
        reject,
        attempt: 0,
        inFlight: false,
        sent: false,
        lines: [],
        deadline: 0,
      });
    });
  }

  /**
   * The bytes of a command, kept for the next time: drivers poll the same few commands, and
   * encoding each anew is a fair share of a loopback round trip. Transports never modify
   * what they are given to write.
   */
  private encode(command: string): Uint8Array {
    let bytes = this.encoded.get(command);
    if (!bytes) {
      if (this.encoded.size >= ENCODED_LIMIT) this.encoded.clear();
      bytes = Buffer.from(command + this.outputTerminator, this.encoding);
      this.encoded.set(command, bytes);
    }
    return bytes;
  }

  /** Starts an attempt of `pending`, or fails it at once if the port is closed for good. */
  private startAttempt(pending: Pending): void {
    const refusal = this.refusal(pending.request);
    if (refusal) {
      pending.reject(refusal);
      this.turns.done(pending);
      return;
    }
    pending.inFlight = true;
    pending.sent = false;
    pending.lines = [];
    pending.deadline = this.clock.now() + pending.timeout;
    this.armDeadline(pending.deadline);
    // While reconnecting, the attempt waits: reopened() sends it.
    if (this.current === "open") this.send(pending);
  }

  private refusal(request: string): Error | undefined {
    if (this.ended) return this.closedError();
    if (this.current !== "closed") return undefined;
    const error = this.lastError;
    const why = error ? `: ${error.message}` : "";
    const detail = `${quote(request)} not sent: the port is not open${why}`;
    return new TransportClosedError(this.name, detail, error);
  }

  private send(pending: Pending): void {
    pending.sent = true;
    this.flushFramer();
    const written = this.transport.write(pending.bytes);
    if (written === WRITTEN) {
      if (pending.expect === 0) this.attemptEnded(pending);
      return;
    }
    const { attempt } = pending;
    written.then(
      () => {
        if (pending.expect === 0 && pending.attempt === attempt) this.attemptEnded(pending);
      },
      (error: unknown) => {
        if (pending.attempt !== attempt) return;
        const cause = error instanceof TransportWriteError ? error.cause : error;
        this.attemptEnded(pending, new TransportWriteError(this.name, cause, pending.request));
      },
    );
  }

  private received(chunk: Uint8Array): void {
    const pending = this.turns.current;
    if (!pending?.inFlight || !pending.sent || pending.expect === 0) {
      // Nobody asked: a late reply to a request that timed out, or chatter. Never keep it.
      this.dropStale(chunk.length, () => Buffer.from(chunk).toString(this.encoding));
      return;
    }
    let lines: string[];
    try {
      lines = this.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      const where = `${this.name}: reply to ${quote(pending.request)}`;
      this.attemptEnded(
        pending,
        new LineTooLongError(this.maxLineLength, where, error.lines, error),
      );
      return;
    }
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      pending.lines.push(line);
      const { expect } = pending;
      if (typeof expect === "number" ? pending.lines.length < expect : !expect(line)) continue;
      for (const extra of lines.slice(i + 1)) {
        const size = Buffer.byteLength(extra + this.inputTerminatorText, this.encoding);
        this.dropStale(size, () => extra + this.inputTerminatorText);
      }
      this.attemptEnded(pending);
      return;
    }
  }

  /** The current attempt is over: the reply is checked, then the request ends or retries. */
  private attemptEnded(pending: Pending, failure?: Error): void {
    if (this.turns.current !== pending || !pending.inFlight) return;
    pending.inFlight = false;
    this.flushFramer();
    const error = failure ?? this.verdict(pending);
    if (!error) return this.settle(pending);
    if (pending.attempt >= pending.retries || !RETRYABLE.some((type) => error instanceof type)) {
      return this.settle(pending, error);
    }
    pending.attempt++;
    this.log?.(`${this.name}: retry ${pending.attempt} of ${pending.retries}: ${error.message}`);
    if (this.retryDelay > 0) {
      this.retryTimer = this.clock.schedule(this.retryDelay, () => {
        this.retryTimer = undefined;
        this.startAttempt(pending);
      });
    } else {
      this.startAttempt(pending);
    }
  }

  /** What the validate hook says of a whole reply, as an error; undefined if it is good. */
  private verdict(pending: Pending): Error | undefined {
    if (!pending.validate) return undefined;
    let reason: ReplyVerdict;
    try {
      reason = pending.validate(pending.lines);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
    if (typeof reason !== "string") return undefined;
    const reply = pending.lines.join(this.inputTerminatorText);
    return new UnexpectedReplyError(this.name, pending.request, reply, reason);
  }

  /** Settles the request's promise and hands the port on. */
  private settle(pending: Pending, error?: Error): void {
    if (error) pending.reject(error);
    else pending.resolve(pending.lines);
    this.turns.done(pending);
  }

  /**
   * One timer serves every request: it is left running when a reply comes in and checks the
   * current attempt's deadline when it fires. A timer per request costs more than the rest
   * of a round trip's bookkeeping together.
   */
  private armDeadline(deadline: number): void {
    if (this.deadlineTimer && this.deadlineTimerAt <= deadline) return;
    this.deadlineTimer?.cancel();
    this.deadlineTimerAt = deadline;
    this.deadlineTimer = this.clock.schedule(deadline - this.clock.now(), this.deadlinePassed);
  }

  private readonly deadlinePassed = (): void => {
    this.deadlineTimer = undefined;
    const pending = this.turns.current;
    if (!pending?.inFlight) return;
    // A real timer may fire a little before the deadline by the clock (millisecond rounding).
    if (this.clock.now() >= pending.deadline - DEADLINE_SLACK) this.expired(pending);
    else this.armDeadline(pending.deadline);
  };

  private expired(pending: Pending): void {
    const { request, timeout } = pending;
    if (!pending.sent) {
      const error = new TransportUnavailableError(this.name, request, timeout, this.lastError);
      this.attemptEnded(pending, error);
    } else if (pending.expect === 0) {
      const cause = new Error(`not written within ${timeout} s`);
      this.attemptEnded(pending, new TransportWriteError(this.name, cause, request));
    } else {
      const term = this.inputTerminatorText;
      const received = pending.lines.map((line) => line + term).join("") + this.framer.partial();
      this.attemptEnded(pending, new ReplyTimeoutError(this.name, request, timeout, received));
    }
  }

  /** Counts (and logs) input no request was waiting for; `text` is made only for the log. */
  private dropStale(count: number, text: () => string): void {
    if (count === 0) return;
    this.stale += count;
    this.log?.(`${this.name}: dropped stale input (no request waiting): ${quote(text())}`);
  }

  /** Drops a partial line held by the framer, as stale input. */
  private flushFramer(): void {
    if (this.framer.buffered === 0) return;
    const text = this.log ? this.framer.partial() : "";
    this.dropStale(this.framer.reset(), () => text);
  }

  private dropped(error?: Error): void {
    const pending = this.turns.current;
    this.flushFramer();
    this.lastError = error;
    // The state changes first, so that a retry of the request in flight waits for the reopen.
    if (error && this.reopener) {
      this.setState("reconnecting", error);
      // A state listener may have closed the channel: then nothing reopens the port.
      if (!this.ended) this.reopener.start();
    } else {
      this.setState("closed", error);
    }
    if (pending?.inFlight && pending.sent) {
      const cause = error instanceof TransportDroppedError ? error.cause : (error ?? "closed");
      const during = `during ${quote(pending.request)}`;
      this.attemptEnded(pending, new TransportDroppedError(this.name, cause, during));
    }
  }

  /** The port is back: send the attempt that waited for it, if any. */
  private reopened(): void {
    if (this.ended) return;
    this.framer.reset();
    this.lastError = undefined;
    this.log?.(`${this.name}: reopened`);
    this.setState("open");
    const pending = this.turns.current;
    if (pending?.inFlight && !pending.sent) this.send(pending);
  }

  /** Resolves at the next "open", rejects if the channel closes first. */
  private nextOpen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const off = this.onStateChange((state) => {
        if (state === "reconnecting") return;
        off();
        if (state === "open") resolve();
        else reject(this.closedError());
      });
    });
  }

  private setState(state: ChannelState, error?: Error): void {
    if (state === this.current) return;
    this.current = state;
    this.stateListeners.emit(state, error);
  }

  private closedError(): TransportClosedError {
    return new TransportClosedError(this.name, "the channel is closed");
  }
}

function checkRetries(name: string, retries: number): void {
  if (!Number.isInteger(retries) || retries < 0) {
    throw new TypeError(`${name}: retries must be a whole number >= 0, got ${retries}`);
  }
}

/** The request's resolve, given what the caller wants of the reply's lines. */
function answering<T>(resolve: (value: T) => void, answer: (lines: string[]) => T) {
  return (lines: string[]): void => resolve(answer(lines));
}

const firstLine = (lines: string[]): string => lines[0]!;
const allLines = (lines: string[]): string[] => lines;
const nothing = (): void => undefined;
