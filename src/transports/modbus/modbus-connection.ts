// One Modbus link (a TCP socket or a serial port) driven through modbus-serial: opening with
// a timeout, one transaction at a time, a timeout on each, and reopening with backoff after
// the link drops. ModbusClient is the typed face; this file owns the I/O plumbing.
import modbusSerial from "modbus-serial";
import {
  ReplyTimeoutError,
  TransportClosedError,
  TransportDroppedError,
  TransportOpenError,
  TransportUnavailableError,
  UnexpectedReplyError,
} from "../errors.js";
import { ListenerSet } from "../listener-set.js";
import { TurnQueue } from "../turn-queue.js";
import type { ReconnectOptions } from "../request-channel.js";
import type { ModbusRequestInfo } from "./modbus-exception-error.js";
import { ModbusExceptionError, describeRequest } from "./modbus-exception-error.js";

const ModbusRTU = modbusSerial.default;
/** modbus-serial's client, which the connection owns. */
export type ModbusRTU = InstanceType<typeof ModbusRTU>;

export type ModbusParity = "none" | "even" | "odd" | "mark" | "space";

interface CommonOptions {
  /** The unit (slave) id requests go to (default 1). */
  unitId?: number;
  /** Seconds each request may take, waiting for a dropped link included (default 1). */
  timeout?: number;
  /** Seconds an attempt to open the link may take (default 3). */
  connectTimeout?: number;
  /**
   * Reopen a dropped link in the background, waiting initialDelay × factor^n s (capped at
   * maxDelay) between attempts; default on. `false` reopens on the next request instead.
   */
  reconnect?: ReconnectOptions | false;
}

export interface ModbusTcpOptions extends CommonOptions {
  host: string;
  /** Default 502. */
  port?: number;
  path?: never;
}

export interface ModbusRtuOptions extends CommonOptions {
  /** Serial device, e.g. "/dev/ttyUSB0". */
  path: string;
  /** Default 9600. */
  baudRate?: number;
  /** Default "none". */
  parity?: ModbusParity;
  /** Default 8. */
  dataBits?: 7 | 8;
  /** Default 1. */
  stopBits?: 1 | 2;
  host?: never;
}

export type ModbusClientOptions = ModbusTcpOptions | ModbusRtuOptions;

/**
 * `idle`: not open and not trying; `connecting`: a first open in progress; `open`;
 * `reconnecting`: dropped, reopening with backoff; `closed`: close() was called, for good.
 */
export type ModbusConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** modbus-serial's node-style callback of one request: an error, or the result. */
type Done<R> = (error: unknown, result: R | undefined) => void;

/** Hands one request for `unitId` to the library, which calls `done` with its outcome. */
export type ModbusSend<R> = (lib: ModbusRTU, unitId: number, done: Done<R>) => void;

/** One request on its way through the queue and the link. */
interface Transaction {
  readonly request: ModbusRequestInfo;
  readonly send: ModbusSend<unknown>;
  readonly settle: (error: Error | undefined, result: unknown) => void;
  /** performance.now() by which the link must have opened and the reply come. */
  deadline: number;
  sent: boolean;
  settled: boolean;
}

/** The link shared by every ModbusClient of one port (one per unit id on an RS-485 bus). */
export class ModbusConnection {
  /** Names the port in errors: "modbus-tcp:127.0.0.1:502", "modbus-rtu:/dev/ttyUSB0". */
  readonly port: string;
  /** The base of signal sources: "modbus://127.0.0.1:502", "modbus-rtu:///dev/ttyUSB0". */
  readonly url: string;
  /** Seconds per request. */
  readonly timeout: number;
  readonly connectTimeout: number;
  private readonly options: ModbusClientOptions;
  private readonly reconnect: Required<ReconnectOptions> | undefined;
  /** The transaction holding the link (waiting for it to open, or for its reply), and the rest. */
  private readonly turns = new TurnQueue<Transaction>((transaction) => this.start(transaction));
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineTimerAt = 0;
  private readonly stateListeners = new ListenerSet<[ModbusConnectionState]>();
  private current: ModbusConnectionState = "idle";
  private lib: ModbusRTU | undefined;
  private opening: Promise<void> | undefined;
  private lastError: unknown;
  private delay = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ModbusClientOptions) {
    this.options = options;
    const { timeout = 1, connectTimeout = 3, reconnect = {} } = options;
    positive("timeout", timeout);
    positive("connectTimeout", connectTimeout);
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
    if (reconnect) {
      const { initialDelay = 0.1, maxDelay = 5, factor = 2 } = reconnect;
      positive("reconnect.initialDelay", initialDelay);
      positive("reconnect.maxDelay", maxDelay);
      if (!(factor >= 1)) throw new RangeError(`reconnect.factor must be >= 1, got ${factor}`);
      this.reconnect = { initialDelay, maxDelay, factor };
      this.delay = initialDelay;
    }
    if (options.path !== undefined) {
      if (!options.path) throw new RangeError("a Modbus RTU link needs a serial path");
      this.port = `modbus-rtu:${options.path}`;
      this.url = `modbus-rtu://${options.path}`;
    } else {
      if (!options.host) throw new RangeError("a Modbus TCP link needs a host");
      const port = options.port ?? 502;
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new RangeError(`port must be 1..65535, got ${port}`);
      }
      const host = options.host.includes(":") ? `[${options.host}]` : options.host;
      this.port = `modbus-tcp:${host}:${port}`;
      this.url = `modbus://${host}:${port}`;
    }
  }

  get state(): ModbusConnectionState {
    return this.current;
  }

  /** Calls `listener` with each new state; returns the function that stops it. */
  onStateChange(listener: (state: ModbusConnectionState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  /** Opens the link, or waits for a reopening in progress, for up to `timeout` seconds. */
  async connect(timeout = this.connectTimeout): Promise<void> {
    const deadline = performance.now() + timeout * 1000;
    for (;;) {
      if (this.current === "open") return;
      if (this.current === "closed") {
        throw new TransportClosedError(this.port, "the client is closed");
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        throw new TransportOpenError(this.port, this.lastError ?? `not open within ${timeout} s`);
      }
      if (this.current === "idle" || this.opening) {
        const attempt = this.attempt();
        const outcome = await settleWithin(attempt, remaining);
        if (outcome.status === "rejected" && this.current !== "reconnecting") {
          throw new TransportOpenError(this.port, outcome.reason);
        }
      } else {
        await this.nextState(remaining);
      }
    }
  }

  /** Stops for good: fails the request in flight and every queued one, stops reconnecting. */
  async close(): Promise<void> {
    if (this.current === "closed") return;
    clearTimeout(this.reconnectTimer);
    const lib = this.lib;
    this.lib = undefined;
    this.setState("closed");
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
    const waiting = this.turns.drain();
    const active = this.turns.current;
    if (active?.sent) {
      const what = describeRequest(active.request);
      const cause = new Error("the client was closed");
      this.finish(active, new TransportDroppedError(this.port, cause, `while waiting for ${what}`));
    } // one waiting for the link learns of the close from ready()
    for (const transaction of waiting) {
      const what = describeRequest(transaction.request);
      this.finish(
        transaction,
        new TransportClosedError(this.port, `the client is closed; ${what} was not sent`),
      );
    }
    if (lib) await shut(lib);
  }

  /**
   * Runs one request when the queue reaches it, once the link is open, with the request
   * timeout covering both the wait for a dropped link and the wait for the reply. Driven by
   * callbacks, one promise per request: a promise or a timer per step would cost a loopback
   * transaction a quarter of its speed.
   */
  transact<R>(request: ModbusRequestInfo, send: ModbusSend<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.turns.push({
        request,
        send,
        settle: settler(resolve, reject),
        deadline: 0,
        sent: false,
        settled: false,
      });
    });
  }

  private start(transaction: Transaction): void {
    transaction.deadline = performance.now() + this.timeout * 1000;
    this.armDeadline(transaction.deadline);
    if (this.current === "open" && this.lib) {
      this.send(transaction, this.lib);
      return;
    }
    const what = describeRequest(transaction.request);
    this.ready(transaction.deadline, what).then(
      (lib) => {
        if (!transaction.settled) this.send(transaction, lib);
      },
      (error: unknown) => this.finish(transaction, asError(error)),
    );
  }

  private send(transaction: Transaction, lib: ModbusRTU): void {
    transaction.sent = true;
    try {
      transaction.send(lib, transaction.request.unitId, (error, result) => {
        if (transaction.settled) return; // it timed out or the link dropped: too late
        const failure = error ? this.translate(error, transaction.request) : undefined;
        this.finish(transaction, failure, result);
      });
    } catch (error) {
      this.finish(transaction, this.translate(error, transaction.request));
    }
  }

  /** Settles a transaction's promise and hands the link on. */
  private finish(transaction: Transaction, error?: Error, result?: unknown): void {
    if (transaction.settled) return;
    transaction.settled = true;
    transaction.settle(error, result);
    this.turns.done(transaction);
  }

  /**
   * One timer serves every transaction: it is left running when a reply comes in and checks
   * the current transaction's deadline when it fires, instead of a timer set and cleared per
   * transaction. Unreferenced: the socket keeps the process alive while a request waits.
   */
  private armDeadline(deadline: number): void {
    if (this.deadlineTimer && this.deadlineTimerAt <= deadline) return;
    clearTimeout(this.deadlineTimer);
    this.deadlineTimerAt = deadline;
    this.deadlineTimer = setTimeout(this.deadlinePassed, Math.max(1, deadline - performance.now()));
    this.deadlineTimer.unref();
  }

  private readonly deadlinePassed = (): void => {
    this.deadlineTimer = undefined;
    const transaction = this.turns.current;
    if (!transaction) return;
    // Timers may fire a little early by performance.now() (millisecond rounding).
    if (performance.now() < transaction.deadline - 1) {
      this.armDeadline(transaction.deadline);
      return;
    }
    const what = describeRequest(transaction.request);
    const error = transaction.sent
      ? new ReplyTimeoutError(this.port, what, this.timeout, "")
      : new TransportUnavailableError(this.port, what, this.timeout, this.lastError);
    this.finish(transaction, error);
  };

  /** The open library client, waiting for (or starting) an opening until `deadline`. */
  private async ready(deadline: number, what: string): Promise<ModbusRTU> {
    for (;;) {
      if (this.current === "open" && this.lib) return this.lib;
      if (this.current === "closed") {
        throw new TransportClosedError(this.port, `the client is closed; ${what} was not sent`);
      }
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        throw new TransportUnavailableError(this.port, what, this.timeout, this.lastError);
      }
      if (this.current === "idle" || this.opening) {
        const outcome = await settleWithin(this.attempt(), remaining);
        if (outcome.status === "rejected" && !this.reconnect) {
          throw new TransportOpenError(this.port, outcome.reason);
        }
        if (outcome.status === "rejected" && this.current === "idle") {
          // A first open failed: back off in the background like after a drop.
          this.scheduleReconnect();
        }
      } else {
        await this.nextState(remaining);
      }
    }
  }

  /** One attempt to open; concurrent callers share it. */
  private attempt(): Promise<void> {
    if (this.opening) return this.opening;
    if (this.current === "idle") this.setState("connecting");
    const opening = this.open().finally(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    this.opening = opening;
    // The state machine reads the outcome; an attempt nobody awaits must not be unhandled.
    opening.catch(() => undefined);
    return opening;
  }

  private async open(): Promise<void> {
    const lib = new ModbusRTU();
    lib.on("error", (error: unknown) => (this.lastError = asError(error)));
    const opening =
      this.options.path !== undefined
        ? lib.connectRTUBuffered(this.options.path, {
            baudRate: this.options.baudRate ?? 9600,
            parity: this.options.parity ?? "none",
            dataBits: this.options.dataBits ?? 8,
            stopBits: this.options.stopBits ?? 1,
          })
        : lib.connectTCP(this.options.host, { port: this.options.port ?? 502 });
    const outcome = await settleWithin(opening, this.connectTimeout * 1000);
    if (outcome.status !== "fulfilled" || this.current === "closed") {
      void shut(lib);
      const reason =
        outcome.status === "rejected"
          ? outcome.reason
          : outcome.status === "pending"
            ? new Error(`no connection within ${this.connectTimeout} s`)
            : new Error("the client was closed");
      this.lastError = reason;
      if (this.current === "connecting") this.setState("idle");
      throw asError(reason);
    }
    // modbus-serial's own timer lets it drop a reply that comes after we gave up.
    lib.setTimeout(this.timeout * 1000);
    lib.on("close", () => this.dropped(lib, new Error("the connection closed")));
    // A serial port reports a vanished device (an unplugged adapter, EIO) as an error.
    lib.on("error", (error: unknown) => this.dropped(lib, asError(error)));
    this.lib = lib;
    this.lastError = undefined;
    if (this.reconnect) this.delay = this.reconnect.initialDelay;
    this.setState("open");
    if (!lib.isOpen) this.dropped(lib, new Error("the connection closed as it opened"));
  }

  private dropped(lib: ModbusRTU, cause: Error): void {
    if (this.lib !== lib) return;
    this.lib = undefined;
    this.lastError = cause;
    void shut(lib);
    const active = this.turns.current;
    if (active?.sent) {
      const what = describeRequest(active.request);
      this.finish(active, new TransportDroppedError(this.port, cause, `while waiting for ${what}`));
    }
    if (this.current === "closed") return;
    if (this.reconnect) this.scheduleReconnect();
    else this.setState("idle");
  }

  private scheduleReconnect(): void {
    const reconnect = this.reconnect;
    if (!reconnect || this.current === "closed") return;
    if (this.current !== "reconnecting") this.setState("reconnecting");
    clearTimeout(this.reconnectTimer);
    const delay = this.delay;
    this.delay = Math.min(reconnect.maxDelay, delay * reconnect.factor);
    this.reconnectTimer = setTimeout(() => {
      if (this.current !== "reconnecting") return;
      this.attempt().catch(() => this.scheduleReconnect());
    }, delay * 1000);
    // A link nobody uses must not keep the process alive.
    this.reconnectTimer.unref();
  }

  private setState(state: ModbusConnectionState): void {
    if (this.current === state) return;
    this.current = state;
    this.stateListeners.emit(state);
  }

  /** Resolves at the next state change or after `ms`, whichever is first. */
  private nextState(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        stop();
        resolve();
      };
      const timer = setTimeout(done, ms);
      const stop = this.stateListeners.add(done);
    });
  }

  private translate(error: unknown, request: ModbusRequestInfo): Error {
    const what = describeRequest(request);
    const record = (typeof error === "object" && error !== null ? error : {}) as Record<
      string,
      unknown
    >;
    if (typeof record.modbusCode === "number") {
      return new ModbusExceptionError(this.port, request, record.modbusCode);
    }
    if (record.errno === "ETIMEDOUT") {
      return new ReplyTimeoutError(this.port, what, this.timeout, "");
    }
    if (record.name === "PortNotOpenError") {
      return new TransportDroppedError(this.port, error, `before ${what} was sent`);
    }
    const message = typeof record.message === "string" ? record.message : String(error);
    return new UnexpectedReplyError(this.port, what, "", message);
  }
}

type Outcome<T> =
  | { status: "fulfilled"; value: T }
  | { status: "rejected"; reason: unknown }
  | { status: "pending" };

/** How `promise` stands after at most `ms` milliseconds. */
function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Outcome<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ status: "pending" }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ status: "fulfilled", value });
      },
      (reason: unknown) => {
        clearTimeout(timer);
        resolve({ status: "rejected", reason });
      },
    );
  });
}

/** Closes a library client without waiting long: a dead socket may never report closing. */
async function shut(lib: ModbusRTU): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 500);
    try {
      lib.destroy(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** modbus-serial's errors are plain objects with a message; make them Errors. */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  const message = (error as { message?: unknown } | null)?.message;
  return new Error(typeof message === "string" ? message : String(error));
}

function positive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a positive number of seconds, got ${value}`);
  }
}

/** A transaction's settle function over its promise's resolve and reject. */
function settler<R>(resolve: (value: R) => void, reject: (error: Error) => void) {
  return (error: Error | undefined, result: unknown): void => {
    if (error) reject(error);
    else resolve(result as R);
  };
}
