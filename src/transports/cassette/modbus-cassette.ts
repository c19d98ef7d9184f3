// Modbus transactions on cassette: a client wrapper that records each request and its
// response, and a player that stands in for the client by replaying them.
import { basename } from "node:path";
import { HilError } from "../../core/index.js";
import { TransportClosedError } from "../errors.js";
import { FifoMutex } from "../fifo-mutex.js";
import { ModbusExceptionError, describeRequest } from "../modbus/modbus-exception-error.js";
import type { ShownBytes } from "./cassette-errors.js";
import { CassetteFormatError, ReplayedError } from "./cassette-errors.js";
import type { Cassette, ModbusCassette, ModbusEvent } from "./cassette-format.js";
import { chooseChannel, loadCassette, modbusEventSchema } from "./cassette-format.js";
import type { CassetteWriter } from "./cassette-writer.js";
import type { ModbusClientLike } from "../modbus/index.js";
import type { ReplayTiming } from "./replay-timing.js";
import { ReplayScheduler } from "./replay-timing.js";
import { CassetteReplay, ReplayCursor } from "./replay-cursor.js";

type Values = number[] | boolean[];

/** One request as the cassette has it. */
interface ModbusRequest {
  readonly fn: number;
  readonly unit: number;
  readonly address: number;
  readonly count: number;
  /** What a write sends. */
  readonly values?: Values;
}

export interface RecordModbusOptions {
  /** The channel name events carry (default the client's port). */
  channel?: string;
}

/**
 * A Modbus client that passes each transaction to `inner` and writes it to a cassette: the
 * request ("out") when it starts, the values read or the error ("in") when it ends. It
 * runs one transaction at a time, in call order, as the link itself does, so every response
 * follows its request in the file.
 */
export class RecordingModbusClient implements ModbusClientLike {
  readonly inner: ModbusClientLike;
  readonly writer: CassetteWriter;
  readonly channel: string;
  private readonly mutex = new FifoMutex();

  constructor(inner: ModbusClientLike, writer: CassetteWriter, options: RecordModbusOptions = {}) {
    if (writer.kind !== "modbus") {
      throw new TypeError(`${writer.path}: a Modbus recorder needs a "modbus" cassette`);
    }
    this.inner = inner;
    this.writer = writer;
    this.channel = options.channel ?? inner.port;
  }

  get unitId(): number {
    return this.inner.unitId;
  }

  get port(): string {
    return this.inner.port;
  }

  get url(): string {
    return this.inner.url;
  }

  connect(timeout?: number): Promise<void> {
    return this.inner.connect(timeout);
  }

  /** Closes the client, not the cassette. */
  close(): Promise<void> {
    return this.inner.close();
  }

  readHoldingRegisters(address: number, count = 1): Promise<number[]> {
    return this.record({ fn: 3, address, count }, () =>
      this.inner.readHoldingRegisters(address, count),
    );
  }

  readInputRegisters(address: number, count = 1): Promise<number[]> {
    return this.record({ fn: 4, address, count }, () =>
      this.inner.readInputRegisters(address, count),
    );
  }

  readCoils(address: number, count = 1): Promise<boolean[]> {
    return this.record({ fn: 1, address, count }, () => this.inner.readCoils(address, count));
  }

  readDiscreteInputs(address: number, count = 1): Promise<boolean[]> {
    return this.record({ fn: 2, address, count }, () =>
      this.inner.readDiscreteInputs(address, count),
    );
  }

  writeRegister(address: number, value: number): Promise<void> {
    return this.record({ fn: 6, address, count: 1, values: [value] }, () =>
      this.inner.writeRegister(address, value),
    );
  }

  writeRegisters(address: number, values: readonly number[]): Promise<void> {
    return this.record({ fn: 16, address, count: values.length, values: [...values] }, () =>
      this.inner.writeRegisters(address, values),
    );
  }

  writeCoil(address: number, value: boolean): Promise<void> {
    return this.record({ fn: 5, address, count: 1, values: [value] }, () =>
      this.inner.writeCoil(address, value),
    );
  }

  writeCoils(address: number, values: readonly boolean[]): Promise<void> {
    return this.record({ fn: 15, address, count: values.length, values: [...values] }, () =>
      this.inner.writeCoils(address, values),
    );
  }

  private async record<R>(
    request: Omit<ModbusRequest, "unit">,
    call: () => Promise<R>,
  ): Promise<R> {
    const { writer, channel } = this;
    const head = { channel, fn: request.fn, unit: this.unitId, address: request.address };
    const out: ModbusEvent = {
      t: 0,
      dir: "out",
      ...head,
      count: request.count,
      ...(request.values ? { values: request.values } : {}),
    };
    // A request the client refuses before sending (a bad address, a non-integer) is no traffic.
    if (!modbusEventSchema.safeParse(out).success) return call();
    const turn = this.mutex.lock();
    if (turn) await turn;
    try {
      writer.write({ ...out, t: writer.time() });
      let result: R;
      try {
        result = await call();
      } catch (error) {
        writer.write({ t: writer.time(), dir: "in", ...head, error: recordedError(error) });
        throw error;
      }
      const values = Array.isArray(result) ? { values: [...result] as Values } : {};
      writer.write({ t: writer.time(), dir: "in", ...head, ...values });
      return result;
    } finally {
      this.mutex.unlock();
    }
  }
}

/** Wraps `client` so that every transaction is written to `writer`'s cassette. */
export function recordModbus(
  client: ModbusClientLike,
  writer: CassetteWriter,
  options: RecordModbusOptions = {},
): RecordingModbusClient {
  return new RecordingModbusClient(client, writer, options);
}

function recordedError(error: unknown): NonNullable<ModbusEvent["error"]> {
  if (error instanceof ModbusExceptionError) {
    return { code: error.exceptionCode, name: error.exceptionName };
  }
  if (error instanceof HilError)
    return { code: error.code, name: error.name, message: error.message };
  if (error instanceof Error) return { code: "ERROR", name: error.name, message: error.message };
  return { code: "ERROR", name: "Error", message: String(error) };
}

export interface ModbusCassettePlayerOptions {
  /**
   * true (default): each request must be the next one recorded. false: a request that is
   * not skips ahead to the next recorded one equal to it.
   */
  strict?: boolean;
  /** When responses come back (default "immediate"). */
  timing?: ReplayTiming;
  /** Which recorded client to play (default the cassette's only one). */
  channel?: string;
  /** Names the port in errors (default "cassette:<file name>"). */
  port?: string;
  /** Base of signal sources (default "cassette://<file name>"). */
  url?: string;
  /** Default the unit of the first recorded request, else 1. */
  unitId?: number;
}

/** A request and the response recorded for it. */
interface Step {
  readonly request: ModbusRequest;
  readonly line: number;
  readonly t: number;
  readonly response: ModbusEvent;
  readonly responseLine: number;
}

/**
 * Stands in for a Modbus client by replaying a cassette: each request must be the next one
 * recorded (function, unit, address, count and values written), else it fails with a
 * CassetteMismatchError naming the cassette line; then the recorded values come back, or the
 * recorded error is thrown (a Modbus exception as a ModbusExceptionError).
 */
export class ModbusCassettePlayer extends CassetteReplay<Step> implements ModbusClientLike {
  readonly cassette: ModbusCassette;
  readonly unitId: number;
  readonly port: string;
  readonly url: string;
  protected readonly cursor: ReplayCursor<Step>;
  private readonly scheduler: ReplayScheduler;
  private readonly mutex = new FifoMutex();
  private closed = false;

  constructor(cassette: Cassette, options: ModbusCassettePlayerOptions = {}) {
    super();
    if (cassette.kind !== "modbus") {
      throw new CassetteFormatError(
        cassette.file,
        1,
        `a ${cassette.kind} cassette: play it with a CassettePlayer`,
      );
    }
    this.cassette = cassette;
    this.scheduler = new ReplayScheduler(options.timing);
    const name = basename(cassette.file);
    this.port = options.port ?? `cassette:${name}`;
    this.url = options.url ?? `cassette://${name}`;
    const steps = pairSteps(cassette, chooseChannel(cassette, options.channel));
    const strict = options.strict ?? true;
    this.cursor = new ReplayCursor(cassette, steps, strict, (step) => shownRequest(step.request));
    this.unitId = options.unitId ?? steps[0]?.request.unit ?? 1;
  }

  /** Loads a cassette file and plays it. */
  static async load(
    file: string,
    options: ModbusCassettePlayerOptions = {},
  ): Promise<ModbusCassettePlayer> {
    return new ModbusCassettePlayer(await loadCassette(file), options);
  }

  /** Every recorded request has been replayed. */
  get done(): boolean {
    return this.cursor.remaining === 0;
  }

  async connect(): Promise<void> {
    if (this.closed) throw new TransportClosedError(this.port, "the client is closed");
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  readHoldingRegisters(address: number, count = 1): Promise<number[]> {
    return this.replay({ fn: 3, address, count }) as Promise<number[]>;
  }

  readInputRegisters(address: number, count = 1): Promise<number[]> {
    return this.replay({ fn: 4, address, count }) as Promise<number[]>;
  }

  readCoils(address: number, count = 1): Promise<boolean[]> {
    return this.replay({ fn: 1, address, count }) as Promise<boolean[]>;
  }

  readDiscreteInputs(address: number, count = 1): Promise<boolean[]> {
    return this.replay({ fn: 2, address, count }) as Promise<boolean[]>;
  }

  async writeRegister(address: number, value: number): Promise<void> {
    await this.replay({ fn: 6, address, count: 1, values: [value] });
  }

  async writeRegisters(address: number, values: readonly number[]): Promise<void> {
    await this.replay({ fn: 16, address, count: values.length, values: [...values] });
  }

  async writeCoil(address: number, value: boolean): Promise<void> {
    await this.replay({ fn: 5, address, count: 1, values: [value] });
  }

  async writeCoils(address: number, values: readonly boolean[]): Promise<void> {
    await this.replay({ fn: 15, address, count: values.length, values: [...values] });
  }

  private async replay(partial: Omit<ModbusRequest, "unit">): Promise<Values | undefined> {
    const request: ModbusRequest = { ...partial, unit: this.unitId };
    const turn = this.mutex.lock();
    if (turn) await turn;
    try {
      this.checkOpen(request);
      const step = this.match(request);
      await this.scheduler.wait(step.response.t - step.t);
      this.checkOpen(request);
      const { error, values } = step.response;
      if (error) throw this.replayedError(step, error);
      return values && ([...values] as Values);
    } finally {
      this.mutex.unlock();
    }
  }

  /** The step `request` replays, moving past it; throws on a mismatch or past the end. */
  private match(request: ModbusRequest): Step {
    const next = this.cursor.next;
    if (!next || !sameRequest(next.request, request)) {
      this.cursor.skipTo((step) => sameRequest(step.request, request), shownRequest(request));
    }
    return this.cursor.take();
  }

  private replayedError(step: Step, error: NonNullable<ModbusEvent["error"]>): Error {
    const { request } = step;
    if (typeof error.code === "number") {
      const info = { functionCode: request.fn, address: request.address, count: request.count };
      return new ModbusExceptionError(this.port, { ...info, unitId: request.unit }, error.code);
    }
    const message = error.message ?? `${error.name} (${error.code})`;
    return new ReplayedError(
      error.code,
      error.name,
      message,
      this.cassette.file,
      step.responseLine,
    );
  }

  private checkOpen(request: ModbusRequest): void {
    if (!this.closed) return;
    const what = describe(request);
    throw new TransportClosedError(this.port, `the client is closed; ${what} was not sent`);
  }
}

/** Each request with the response after it; a request the recording ended on is dropped. */
function pairSteps(cassette: ModbusCassette, channel: string | undefined): Step[] {
  const steps: Step[] = [];
  const events = cassette.events.filter(({ event }) => event.channel === channel);
  for (let i = 0; i < events.length; i++) {
    const { line, event } = events[i]!;
    if (event.dir === "in") {
      throw new CassetteFormatError(cassette.file, line, "a response with no request before it");
    }
    const next = events[i + 1];
    if (!next) break; // the recording stopped while waiting for the response
    const { line: responseLine, event: response } = next;
    const same =
      response.dir === "in" &&
      response.fn === event.fn &&
      response.unit === event.unit &&
      response.address === event.address;
    if (!same) {
      throw new CassetteFormatError(
        cassette.file,
        responseLine,
        `expected the response to line ${line} (${describe(requestOf(event))})`,
      );
    }
    const count = event.count ?? event.values?.length ?? 1;
    const reads = event.fn <= 4;
    if (reads && !response.error && response.values?.length !== count) {
      throw new CassetteFormatError(
        cassette.file,
        responseLine,
        `a read of ${count} needs ${count} values (or an error)`,
      );
    }
    steps.push({ request: requestOf(event), line, t: event.t, response, responseLine });
    i++;
  }
  return steps;
}

function requestOf(event: ModbusEvent): ModbusRequest {
  const count = event.count ?? event.values?.length ?? 1;
  const { fn, unit, address, values } = event;
  return { fn, unit, address, count, ...(values ? { values } : {}) };
}

function sameRequest(a: ModbusRequest, b: ModbusRequest): boolean {
  if (a.fn !== b.fn || a.unit !== b.unit || a.address !== b.address || a.count !== b.count) {
    return false;
  }
  const [x = [], y = []] = [a.values, b.values];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function describe(request: ModbusRequest): string {
  const { fn, unit, address, count, values } = request;
  const what = describeRequest({ functionCode: fn, unitId: unit, address, count });
  return values ? `${what} of [${values.join(", ")}]` : what;
}

/** A request as errors show it: described, and as the RTU frame without its CRC. */
function shownRequest(request: ModbusRequest): ShownBytes {
  const hex = frame(request)
    .map((b) => b.toString(16).padStart(2, "0"))
    .join(" ");
  return { text: describe(request), hex };
}

/** Unit id, function code and data of the request, as on an RTU line. */
function frame({ fn, unit, address, count, values = [] }: ModbusRequest): number[] {
  const word = (w: number): number[] => [(w >> 8) & 0xff, w & 0xff];
  const head = [unit, fn, ...word(address)];
  switch (fn) {
    case 5:
      return [...head, values[0] ? 0xff : 0, 0];
    case 6:
      return [...head, ...word(Number(values[0] ?? 0))];
    case 15: {
      const bytes = new Array<number>(Math.ceil(count / 8)).fill(0);
      values.forEach((bit, i) => {
        if (bit) bytes[i >> 3]! |= 1 << (i & 7);
      });
      return [...head, ...word(count), bytes.length, ...bytes];
    }
    case 16:
      return [...head, ...word(count), 2 * count, ...values.flatMap((v) => word(Number(v)))];
    default:
      return [...head, ...word(count)];
  }
}
