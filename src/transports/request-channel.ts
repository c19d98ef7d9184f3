// The one request/response helper of every ASCII driver: terminators, a FIFO lock per port,
// reply timeouts on the clock, stale-input flushing, validation with retries, and reconnection
// with backoff. Drivers say what to send and what a good reply looks like; nothing more.
import { Buffer } from "node:buffer";
import type { Clock, Timer } from "../core/index.js";
import { realClock } from "../core/index.js";
import type { ByteTransport } from "./byte-transport.js";
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
import { FifoMutex } from "./fifo-mutex.js";
import { LineFramer, terminatorBytes } from "./line-framer.js";
import { ListenerSet } from "./listener-set.js";
import { Reopener } from "./reopener.js";
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

/** One attempt at one request: the command on its way and the lines come back so far. */
interface Exchange {
  readonly request: string;
  readonly bytes: Uint8Array;
  /** Lines wanted, or the test for the last one; 0 for a command with no reply. */
  readonly expect: number | ((line: string) => boolean);
  readonly timeout: number;
  readonly lines: string[];
  readonly resolve: (lines: string[]) => void;
  readonly reject: (error: Error) => void;
  /** Clock time at which the attempt times out. */
  readonly deadline: number;
  sent: boolean;
  settled: boolean;
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
  private readonly mutex = new FifoMutex();
  private readonly stateListeners = new ListenerSet<[ChannelState, Error?]>();
  private readonly unsubscribe: Array<() => void>;
  private current: ChannelState;
  private ended = false;
  private exchange: Exchange | undefined;
  private deadlineTimer: Timer | undefined;
  private deadlineTimerAt = 0;
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
    if (!Number.isInteger(retries) || retries < 0) {
      throw new TypeError(`${name}: retries must be a whole number >= 0, got ${retries}`);
    }
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
    for (const off of this.unsubscribe) off();
    const exchange = this.exchange;
    if (exchange) {
      this.finish(
        exchange,
        new TransportClosedError(this.name, `closed during ${quote(exchange.request)}`),
      );
    }
    this.setState("closed");
    await this.transport.close();
  }

  /** Sends `command` and resolves with the next whole reply line (without its terminator). */
  async query(command: string, options: QueryOptions = {}): Promise<string> {
    const { validate } = options;
    const check = validate && ((lines: readonly string[]) => validate(lines[0]!));
    const lines = await this.request(command, 1, options, check);
    return lines[0]!;
  }

  /** Sends `command` and resolves with a reply of several lines: `lines` of them, or `until` one. */
  async queryLines(command: string, options: QueryLinesOptions): Promise<string[]> {
    const { lines, until, validate } = options;
    let expect: number | ((line: string) => boolean);
    if (lines !== undefined) {
      if (!Number.isInteger(lines) || lines < 1) {
        throw new TypeError(`${this.name}: lines must be a whole number >= 1, got ${lines}`);
      }
      expect = lines;
    } else if (typeof until === "string") {
      expect = (line) => line === until;
    } else if (until) {
      expect = until;
    } else {
      throw new TypeError(`${this.name}: queryLines(${quote(command)}) needs lines or until`);
    }
    return this.request(command, expect, options, validate);
  }

  /** Sends a command that has no reply (a silent set command). */
  async write(command: string, options: RequestOptions = {}): Promise<void> {
    await this.request(command, 0, options);
  }

  private async request(
    command: string,
    expect: Exchange["expect"],
    options: RequestOptions,
    validate?: (lines: readonly string[]) => ReplyVerdict,
  ): Promise<string[]> {
    const timeout = options.timeout ?? this.timeout;
    const retries = options.retries ?? this.retries;
    const bytes = this.encode(command);
    const turn = this.mutex.lock();
    if (turn) await turn; // no await when the port is free: one microtask less per request
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const lines = await this.attempt(command, bytes, expect, timeout);
          const reason = validate?.(lines);
          if (typeof reason === "string") {
            const reply = lines.join(this.inputTerminatorText);
            throw new UnexpectedReplyError(this.name, command, reply, reason);
          }
          return lines;
        } catch (error) {
          if (attempt >= retries || !RETRYABLE.some((type) => error instanceof type)) throw error;
          this.log?.(
            `${this.name}: retry ${attempt + 1} of ${retries}: ${(error as Error).message}`,
          );
          if (this.retryDelay > 0) await this.clock.sleep(this.retryDelay);
        }
      }
    } finally {
      this.mutex.unlock();
    }
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

  private attempt(
    request: string,
    bytes: Uint8Array,
    expect: Exchange["expect"],
    timeout: number,
  ): Promise<string[]> {
    if (this.ended) return Promise.reject(this.closedError());
    if (this.current === "closed") {
      const error = this.lastError;
      const why = error ? `: ${error.message}` : "";
      const detail = `${quote(request)} not sent: the port is not open${why}`;
      return Promise.reject(new TransportClosedError(this.name, detail, error));
    }
    return new Promise((resolve, reject) => {
      const exchange: Exchange = {
        request,
        bytes,
        expect,
        timeout,
        lines: [],
        resolve,
        reject,
        deadline: this.clock.now() + timeout,
        sent: false,
        settled: false,
      };
      this.exchange = exchange;
      this.armDeadline(exchange.deadline);
      // While reconnecting, the exchange waits: reopened() sends it.
      if (this.current === "open") this.send(exchange);
    });
  }

  private send(exchange: Exchange): void {
    exchange.sent = true;
    this.flushFramer();
    this.transport.write(exchange.bytes).then(
      () => {
        if (exchange.expect === 0) this.finish(exchange);
      },
      (error: unknown) => {
        const cause = error instanceof TransportWriteError ? error.cause : error;
        this.finish(exchange, new TransportWriteError(this.name, cause, exchange.request));
      },
    );
  }

  private received(chunk: Uint8Array): void {
    const exchange = this.exchange;
    if (!exchange?.sent || exchange.expect === 0) {
      // Nobody asked: a late reply to a request that timed out, or chatter. Never keep it.
      this.dropStale(chunk.length, () => Buffer.from(chunk).toString(this.encoding));
      return;
    }
    let lines: string[];
    try {
      lines = this.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      const where = `${this.name}: reply to ${quote(exchange.request)}`;
      this.finish(exchange, new LineTooLongError(this.maxLineLength, where, error.lines, error));
      return;
    }
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      exchange.lines.push(line);
      const { expect } = exchange;
      if (typeof expect === "number" ? exchange.lines.length < expect : !expect(line)) continue;
      for (const extra of lines.slice(i + 1)) {
        const size = Buffer.byteLength(extra + this.inputTerminatorText, this.encoding);
        this.dropStale(size, () => extra + this.inputTerminatorText);
      }
      this.finish(exchange);
      return;
    }
  }

  private finish(exchange: Exchange, error?: Error): void {
    if (exchange.settled) return;
    exchange.settled = true;
    if (this.exchange === exchange) this.exchange = undefined;
    this.flushFramer();
    if (error) exchange.reject(error);
    else exchange.resolve(exchange.lines);
  }

  /**
   * One timer serves every request: it is left running when a reply comes in and checks the
   * current exchange's deadline when it fires. A timer per request costs more than the rest
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
    const exchange = this.exchange;
    if (!exchange || exchange.settled) return;
    // A real timer may fire a little before the deadline by the clock (millisecond rounding).
    if (this.clock.now() >= exchange.deadline - DEADLINE_SLACK) this.expired(exchange);
    else this.armDeadline(exchange.deadline);
  };

  private expired(exchange: Exchange): void {
    const { request, timeout } = exchange;
    if (!exchange.sent) {
      this.finish(
        exchange,
        new TransportUnavailableError(this.name, request, timeout, this.lastError),
      );
    } else if (exchange.expect === 0) {
      const cause = new Error(`not written within ${timeout} s`);
      this.finish(exchange, new TransportWriteError(this.name, cause, request));
    } else {
      const term = this.inputTerminatorText;
      const received = exchange.lines.map((line) => line + term).join("") + this.framer.partial();
      this.finish(exchange, new ReplyTimeoutError(this.name, request, timeout, received));
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
    const exchange = this.exchange;
    this.flushFramer();
    if (exchange?.sent) {
      const cause = error instanceof TransportDroppedError ? error.cause : (error ?? "closed");
      const during = `during ${quote(exchange.request)}`;
      this.finish(exchange, new TransportDroppedError(this.name, cause, during));
    }
    this.lastError = error;
    if (error && this.reopener) {
      this.setState("reconnecting", error);
      this.reopener.start();
    } else {
      this.setState("closed", error);
    }
  }

  /** The port is back: send the request that waited for it, if any. */
  private reopened(): void {
    this.framer.reset();
    this.lastError = undefined;
    this.log?.(`${this.name}: reopened`);
    this.setState("open");
    const exchange = this.exchange;
    if (exchange && !exchange.sent && !exchange.settled) this.send(exchange);
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
