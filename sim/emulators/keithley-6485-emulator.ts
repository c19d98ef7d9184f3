// An emulated Keithley 6485 picoammeter speaking its SCPI subset over a ByteTransport, with
// the input current from a model on a Clock. It follows the fact sheet
// (../shared/reference/instruments.md §3), not the driver; every choice where the sheet says
// "unverified" is listed in drivers/keithley-6485/README.md, the single source of truth.
import { Buffer } from "node:buffer";
import type { Clock } from "../../src/core/index.js";
import { realClock } from "../../src/core/index.js";
import { PendingTimers } from "./pending-timers.js";
import type { ByteTransport } from "../../src/transports/index.js";
import { LineFramer, LineTooLongError } from "../../src/transports/index.js";
import { GaussianPeak, type GaussianPeakOptions } from "../detectors/gaussian-peak.js";
import { SeededRandom } from "../random.js";

/** A Gaussian peak of current (amplitude and background in A) over positions given in time. */
export interface Keithley6485PeakModel extends GaussianPeakOptions {
  /** Where the peak is looked at, at time t: e.g. `(t) => motor.positionAt(t)`. */
  position: (t: number) => number | readonly number[];
}

/** The current at the input, in A: a constant, a function of time, or a peak over positions. */
export type Keithley6485CurrentModel =
  number | ((t: number) => number) | { peak: Keithley6485PeakModel };

export interface Keithley6485EmulatorOptions {
  /** The instrument's end of the line: a pty's far side or one end of a memory pair. */
  transport: ByteTransport;
  clock?: Clock;
  /** The input current (default 0 A). */
  current?: Keithley6485CurrentModel;
  /** Gaussian noise of each conversion, sd in A (default 0). */
  noise?: number;
  /** Seed of the noise (default 0). */
  seed?: number;
  /** The instrument's own offset current in A, what zero correction removes (default 0). */
  offset?: number;
  /** Mains frequency, Hz: NPLC / lineFrequency is one integration (default 50). */
  lineFrequency?: 50 | 60;
  /** The *IDN? reply (default KEITHLEY6485_IDENTITY). */
  identity?: string;
  /** Ends every reply (default "\n", the LF InstrumentKit requires). */
  replyTerminator?: string;
}

/** What the emulator answers to *IDN? (the exact firmware text of a real unit is unverified). */
export const KEITHLEY6485_IDENTITY = "KEITHLEY INSTRUMENTS INC.,MODEL 6485,1234567,C01";

/** The current ranges, in A. */
const RANGES: readonly number[] = [2e-9, 20e-9, 200e-9, 2e-6, 20e-6, 200e-6, 2e-3, 20e-3];
/** A reading up to 105 % of the range is shown; beyond it, overflow (unverified figure). */
const OVERRANGE = 1.05;
/** 5½ digits: the resolution is the range × 5e-6 (10 fA on 2 nA). */
const RESOLUTION = 5e-6;
const OVERFLOW = 9.9e37;
const QUEUE_DEPTH = 10;
/** The timestamp wraps to 0 after 99,999.99 s. */
const TIMESTAMP_WRAP = 100_000;
const NPLC_MIN = 0.01;

type Element = "READ" | "UNIT" | "TIME" | "STAT";
const ELEMENT_ORDER: readonly Element[] = ["READ", "UNIT", "TIME", "STAT"];
const ELEMENT_NAMES: Readonly<Record<string, Element>> = {
  READ: "READ",
  READING: "READ",
  UNIT: "UNIT",
  UNITS: "UNIT",
  TIME: "TIME",
  STAT: "STAT",
  STATUS: "STAT",
};

/** The emulator's state, for tests. */
export interface Keithley6485EmulatorSettings {
  /** A; with autorange, the range the last conversion chose. */
  readonly range: number;
  readonly autorange: boolean;
  readonly nplc: number;
  readonly zeroCheck: boolean;
  readonly zeroCorrect: boolean;
  /** The acquired zero, A. */
  readonly zero: number;
  readonly elements: readonly Element[];
}

interface Settings {
  range: number;
  autorange: boolean;
  nplc: number;
  zeroCheck: boolean;
  zeroCorrect: boolean;
  zero: number;
  elements: Element[];
}

interface Measurement {
  /** As sent: the quantized current, or 9.9E37 over range. */
  readonly value: number;
  readonly timestamp: number;
  readonly status: number;
}

interface ScpiError {
  readonly code: number;
  readonly message: string;
}

/** The messages the emulator uses; SCPI-1999's wording. */
const MESSAGES: Readonly<Record<number, string>> = {
  [-102]: "Syntax error",
  [-108]: "Parameter not allowed",
  [-109]: "Missing parameter",
  [-113]: "Undefined header",
  [-222]: "Data out of range",
  [-224]: "Illegal parameter value",
  [-230]: "Data corrupt or stale",
  [-350]: "Queue overflow",
  [-363]: "Input buffer overrun",
};

/**
 * What handling one command gives: `busy` seconds of conversion (nothing else is read
 * meanwhile), then `finish`, whose result, if any, is the reply line.
 */
interface Outcome {
  readonly busy?: number;
  readonly finish?: () => string | undefined;
}

type Handler = (param: string | undefined) => Outcome | undefined;

interface Entry {
  readonly nodes: readonly HeaderNode[];
  readonly query?: Handler;
  readonly set?: Handler;
}

interface HeaderNode {
  readonly short: string;
  readonly long: string;
  readonly optional: boolean;
}

/**
 * A SCPI header pattern as manuals write it, "[SENSe[:CURRent]]:RANGe:AUTO": the capitals
 * are the short form, bracketed nodes may be left out.
 */
function headerPattern(text: string): HeaderNode[] {
  const nodes: HeaderNode[] = [];
  let depth = 0;
  let word = "";
  let optional = false;
  const flush = (): void => {
    if (word === "") return;
    const short = word.replace(/[a-z]/g, "");
    nodes.push({ short, long: word.toUpperCase(), optional });
    word = "";
  };
  for (const char of text) {
    if (char === "[" || char === "]" || char === ":") {
      flush();
      if (char === "[") depth++;
      if (char === "]") depth--;
      continue;
    }
    if (word === "") optional = depth > 0;
    word += char;
  }
  flush();
  return nodes;
}

function matchHeader(tokens: readonly string[], nodes: readonly HeaderNode[]): boolean {
  const at = (i: number, j: number): boolean => {
    if (j === nodes.length) return i === tokens.length;
    const node = nodes[j]!;
    const token = tokens[i];
    if (token !== undefined && (token === node.short || token === node.long) && at(i + 1, j + 1))
      return true;
    return node.optional && at(i, j + 1);
  };
  return at(0, 0);
}

/** `+1.040564E-06` (signed) or `2.000000E-09`. */
function scientific(value: number, signed = true): string {
  const [mantissa = "0", exponent = "0"] = value.toExponential(6).split("e");
  const negative = mantissa.startsWith("-");
  const e = Number(exponent);
  const sign = negative ? "-" : signed ? "+" : "";
  return `${sign}${mantissa.replace("-", "")}E${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A Keithley 6485 on one RS-232 line. Commands end in CR; replies end in LF. Set commands
 * are silent, errors go to a FIFO queue read with SYST:ERR?, and a query that fails gets no
 * reply. READ?/MEAS?/INIT take NPLC / lineFrequency seconds on the emulator's clock (input
 * is held meanwhile), so a VirtualClock makes them instant. Fault hooks for tests:
 * injectGarbage, dropNextReply, delayReplies, truncateNextReply, fragmentReplies, pushError.
 */
export class Keithley6485Emulator {
  readonly transport: ByteTransport;
  readonly clock: Clock;
  /** Every command line received, in order, trimmed (for tests). */
  readonly received: string[] = [];
  private readonly lineFrequency: number;
  private readonly identity: string;
  private readonly terminator: string;
  private readonly offset: number;
  private readonly noise: number;
  private readonly random: SeededRandom;
  private model: (t: number) => number;
  private settings: Settings;
  private readonly errors: ScpiError[] = [];
  private eventStatus = 0;
  private timeOrigin: number;
  private last: Measurement | undefined;
  private count = 0;
  /** Commands end at CR; the LF of a CR LF is whitespace at the start of the next line. */
  private readonly framer = new LineFramer({ terminator: "\r", maxLength: 1024 });
  private readonly pending: string[] = [];
  private busy = false;
  private dropReplies = 0;
  private replyDelay = 0;
  private truncateTo: number | undefined;
  private fragmentSize = 0;
  private readonly table: readonly Entry[];
  private readonly timers: PendingTimers;
  private stopListening: Array<() => void> = [];

  constructor(options: Keithley6485EmulatorOptions) {
    const { transport, clock = realClock, lineFrequency = 50 } = options;
    this.transport = transport;
    this.clock = clock;
    this.timers = new PendingTimers(clock);
    this.lineFrequency = lineFrequency;
    this.identity = options.identity ?? KEITHLEY6485_IDENTITY;
    this.terminator = options.replyTerminator ?? "\n";
    this.offset = options.offset ?? 0;
    this.noise = options.noise ?? 0;
    if (!(this.noise >= 0)) throw new RangeError(`noise must be >= 0 A, got ${this.noise}`);
    this.random = new SeededRandom(options.seed ?? 0).fork("keithley6485");
    this.model = currentModel(options.current ?? 0);
    this.settings = this.defaults();
    this.timeOrigin = clock.now();
    this.table = this.commandTable();
  }

  /** Opens the transport if needed and starts answering. */
  async start(): Promise<void> {
    if (!this.transport.isOpen) await this.transport.open();
    this.stopListening.push(
      this.transport.onData((chunk) => this.receive(chunk)),
      this.transport.onClose(() => this.cancelTimers()),
    );
  }

  /** Stops answering and closes the transport. */
  async close(): Promise<void> {
    for (const stop of this.stopListening.splice(0)) stop();
    this.cancelTimers();
    if (this.transport.isOpen) await this.transport.close();
  }

  // ---- inspection and the model, for tests ------------------------------------------

  /** The settings now (a copy). */
  get state(): Keithley6485EmulatorSettings {
    return { ...this.settings, elements: [...this.settings.elements] };
  }

  /** The error queue, oldest first (a copy). */
  get errorQueue(): ReadonlyArray<{ code: number; message: string }> {
    return this.errors.map((e) => ({ ...e }));
  }

  /** Conversions made so far (READ?, MEAS?, INIT, SYST:ZCOR:ACQ). */
  get conversions(): number {
    return this.count;
  }

  /** Replaces the input current model. */
  setCurrent(model: Keithley6485CurrentModel): void {
    this.model = currentModel(model);
  }

  // ---- fault injection --------------------------------------------------------------

  /** Sends a line nobody asked for, e.g. line noise. */
  injectGarbage(text = "#~?!"): void {
    this.send(`${text}${this.terminator}`, 0);
  }

  /** The next reply is lost on the wire. */
  dropNextReply(): void {
    this.dropReplies++;
  }

  /** Every reply from now on leaves `seconds` late on the emulator's clock (0 to end). */
  delayReplies(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`delayReplies: seconds must be >= 0, got ${seconds}`);
    this.replyDelay = seconds;
  }

  /** The next reply is cut after `keep` characters and loses its terminator. */
  truncateNextReply(keep: number): void {
    if (!Number.isInteger(keep) || keep < 0) {
      throw new RangeError(`truncateNextReply: keep must be a whole number, got ${keep}`);
    }
    this.truncateTo = keep;
  }

  /** Replies from now on go out in writes of `size` bytes (0: whole). */
  fragmentReplies(size: number): void {
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`fragmentReplies: size must be a whole number, got ${size}`);
    }
    this.fragmentSize = size;
  }

  /** Puts an error in the queue, as the instrument would on a fault (e.g. a positive code). */
  pushError(code: number, message = MESSAGES[code] ?? "Device-specific error"): void {
    if (this.errors.length >= QUEUE_DEPTH) {
      this.errors[QUEUE_DEPTH - 1] = { code: -350, message: MESSAGES[-350]! };
    } else {
      this.errors.push({ code, message });
    }
    this.eventStatus |= esrBit(code);
  }

  // ---- the line ---------------------------------------------------------------------

  private receive(chunk: Uint8Array): void {
    let lines: readonly string[];
    try {
      lines = this.framer.push(chunk);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      lines = error.lines;
      this.pushError(-363);
    }
    for (const raw of lines) {
      const line = raw.trim();
      if (line === "") continue;
      this.received.push(line);
      this.pending.push(line);
    }
    this.pump();
  }

  /** Handles pending lines in order; a conversion holds the rest until it ends. */
  private pump(): void {
    while (!this.busy && this.pending.length > 0) {
      const outcome = this.handle(this.pending.shift()!);
      if (!outcome) continue;
      const finish = (): void => {
        const reply = outcome.finish?.();
        if (reply !== undefined) this.reply(reply);
      };
      if (outcome.busy !== undefined && outcome.busy > 0) {
        this.busy = true;
        this.timers.later(outcome.busy, () => {
          this.busy = false;
          finish();
          this.pump();
        });
        return;
      }
      finish();
    }
  }

  private handle(line: string): Outcome | undefined {
    // One command per line: `;`-joined commands are not emulated (see README.md).
    if (line.includes(";")) return this.fail(-102);
    const match = /^(:?[*A-Za-z][A-Za-z0-9:]*)(\?)?(?:\s+(.*))?$/.exec(line);
    if (!match) return this.fail(-102);
    const [, head = "", question, param] = match;
    const tokens = head.replace(/^:/, "").toUpperCase().split(":");
    if (tokens.some((token) => token === "")) return this.fail(-102);
    const entry = this.table.find((e) => matchHeader(tokens, e.nodes));
    const handler = question ? entry?.query : entry?.set;
    if (!handler) return this.fail(-113);
    if (question && param !== undefined) return this.fail(-108);
    return handler(param?.trim());
  }

  private fail(code: number): undefined {
    this.pushError(code);
    return undefined;
  }

  private commandTable(): Entry[] {
    const s = (): Settings => this.settings;
    /** A query without parameters, replying `text()`. */
    const query = (text: () => string): Handler => {
      return (param) => (param !== undefined ? this.fail(-108) : { finish: text });
    };
    /** A command without parameters, doing `action`. */
    const none = (action: () => void): Handler => {
      return (param) => {
        if (param !== undefined) return this.fail(-108);
        action();
        return {};
      };
    };
    const flag = (key: "zeroCheck" | "zeroCorrect" | "autorange"): Omit<Entry, "nodes"> => ({
      set: (param) => {
        const on = parseBoolean(param);
        if (typeof on === "number") return this.fail(on);
        s()[key] = on;
        return {};
      },
      query: query(() => (s()[key] ? "1" : "0")),
    });
    /** One conversion of NPLC / lineFrequency seconds; `then` makes the reply from it. */
    const convert = (then: (m: Measurement) => string | undefined): Handler => {
      return (param) => {
        if (param !== undefined) return this.fail(-108);
        const start = this.clock.now();
        const busy = this.integration();
        return { busy, finish: () => then(this.measure(start, start + busy)) };
      };
    };
    const reading = convert((m) => this.formatReading((this.last = m)));
    const entry = (pattern: string, handlers: Omit<Entry, "nodes">): Entry => ({
      nodes: headerPattern(pattern),
      ...handlers,
    });
    return [
      entry("*IDN", { query: query(() => this.identity) }),
      entry("*RST", { set: none(() => (this.settings = this.defaults())) }),
      entry("*CLS", {
        set: none(() => {
          this.errors.length = 0;
          this.eventStatus = 0;
        }),
      }),
      entry("*OPC", { query: query(() => "1") }),
      entry("*ESR", {
        query: query(() => {
          const value = this.eventStatus;
          this.eventStatus = 0;
          return String(value);
        }),
      }),
      entry("SYSTem:ERRor[:NEXT]", {
        query: query(() => {
          const next = this.errors.shift() ?? { code: 0, message: "No error" };
          return `${next.code},"${next.message}"`;
        }),
      }),
      entry("SYSTem:ZCHeck[:STATe]", flag("zeroCheck")),
      entry("SYSTem:ZCORrect[:STATe]", flag("zeroCorrect")),
      entry("SYSTem:ZCORrect:ACQuire", {
        set: (param) => {
          if (param !== undefined) return this.fail(-108);
          const start = this.clock.now();
          const busy = this.integration();
          return {
            busy,
            finish: () => {
              this.count++;
              s().zero = this.sample(start, start + busy);
              return undefined;
            },
          };
        },
      }),
      entry("SYSTem:TIME:RESet", { set: none(() => (this.timeOrigin = this.clock.now())) }),
      entry("[SENSe[:CURRent[:DC]]]:RANGe[:UPPer]", {
        set: (param) => this.setRange(param),
        query: query(() => scientific(s().range, false)),
      }),
      entry("[SENSe[:CURRent[:DC]]]:RANGe:AUTO", flag("autorange")),
      entry("[SENSe[:CURRent[:DC]]]:NPLCycles", {
        set: (param) => this.setNplc(param),
        query: query(() => scientific(s().nplc, false)),
      }),
      entry("READ", { query: reading }),
      entry("MEASure[:CURRent[:DC]]", { query: reading }),
      entry("INITiate[:IMMediate]", { set: convert((m) => void (this.last = m)) }),
      entry("FETCh", {
        query: (param) => {
          if (param !== undefined) return this.fail(-108);
          const last = this.last;
          if (!last) return this.fail(-230);
          return { finish: () => this.formatReading(last) };
        },
      }),
      entry("FORMat:ELEMents", {
        set: (param) => this.setElements(param),
        query: query(() => s().elements.join(",")),
      }),
    ];
  }

  /** RANG <A>|MIN|MAX|DEF|UP|DOWN: a fixed range, the lowest >= |A|; autorange goes off. */
  private setRange(param: string | undefined): Outcome | undefined {
    if (param === undefined || param === "") return this.fail(-109);
    const s = this.settings;
    const word = param.toUpperCase();
    const index = RANGES.indexOf(s.range);
    let range: number | undefined;
    if (word === "MIN") range = RANGES[0];
    else if (word === "MAX" || word === "DEF") range = RANGES.at(-1);
    else if (word === "UP") range = RANGES[Math.min(index + 1, RANGES.length - 1)];
    else if (word === "DOWN") range = RANGES[Math.max(index - 1, 0)];
    else if (decimal.test(param)) {
      const amps = Math.abs(Number(param));
      if (amps > RANGES.at(-1)! * OVERRANGE) return this.fail(-222);
      range = RANGES.find((r) => amps <= r * (1 + 1e-9)) ?? RANGES.at(-1);
    } else return this.fail(-224);
    s.range = range!;
    s.autorange = false;
    return {};
  }

  /** NPLC <n>|MIN|MAX|DEF within 0.01..6 (5 at 50 Hz). */
  private setNplc(param: string | undefined): Outcome | undefined {
    if (param === undefined || param === "") return this.fail(-109);
    const max = this.maxNplc();
    const word = param.toUpperCase();
    let nplc: number;
    if (word === "MIN") nplc = NPLC_MIN;
    else if (word === "MAX") nplc = max;
    else if (word === "DEF") nplc = this.defaultNplc();
    else if (decimal.test(param)) nplc = Number(param);
    else return this.fail(-224);
    if (nplc < NPLC_MIN || nplc > max) return this.fail(-222);
    this.settings.nplc = nplc;
    return {};
  }

  /** FORM:ELEM <list>: any of READ[ing], UNIT[s], TIME, STAT[us]; sent in the canonical order. */
  private setElements(param: string | undefined): Outcome | undefined {
    if (param === undefined || param === "") return this.fail(-109);
    const chosen = new Set<Element>();
    for (const word of param.split(",")) {
      const element = ELEMENT_NAMES[word.trim().toUpperCase()];
      if (!element) return this.fail(-224);
      chosen.add(element);
    }
    this.settings.elements = ELEMENT_ORDER.filter((e) => chosen.has(e));
    return {};
  }

  // ---- the measurement --------------------------------------------------------------

  private defaults(): Settings {
    return {
      range: RANGES.at(-1)!,
      autorange: true,
      nplc: this.defaultNplc(),
      zeroCheck: true,
      zeroCorrect: false,
      zero: 0,
      elements: [...ELEMENT_ORDER],
    };
  }

  private defaultNplc(): number {
    return this.lineFrequency === 50 ? 5 : 6;
  }

  private maxNplc(): number {
    return this.lineFrequency === 50 ? 5 : 6;
  }

  /** Seconds of one conversion. */
  private integration(): number {
    return this.settings.nplc / this.lineFrequency;
  }

  /** What the input reads over [start, end], before zero correction: shunted under zero check. */
  private sample(start: number, end: number): number {
    const input = this.settings.zeroCheck ? 0 : (this.model(start) + this.model(end)) / 2;
    const noise = this.noise > 0 ? this.random.normal(0, this.noise) : 0;
    return input + this.offset + noise;
  }

  private measure(start: number, end: number): Measurement {
    this.count++;
    const s = this.settings;
    let value = this.sample(start, end);
    if (s.zeroCorrect) value -= s.zero;
    if (s.autorange) {
      s.range = RANGES.find((r) => Math.abs(value) <= r * OVERRANGE) ?? RANGES.at(-1)!;
    }
    const overflow = !(Math.abs(value) <= s.range * OVERRANGE);
    const step = s.range * RESOLUTION;
    const status = (overflow ? 1 : 0) | (s.zeroCheck ? 1 << 9 : 0) | (s.zeroCorrect ? 1 << 10 : 0);
    return {
      value: overflow ? OVERFLOW : Math.round(value / step) * step,
      timestamp: (end - this.timeOrigin) % TIMESTAMP_WRAP,
      status,
    };
  }

  /** `+1.040564E-06A,+2.236299E+02,+1.380000E+02`, with the selected elements. */
  private formatReading(m: Measurement): string {
    const { elements } = this.settings;
    const fields: string[] = [];
    if (elements.includes("READ")) {
      fields.push(`${scientific(m.value)}${elements.includes("UNIT") ? "A" : ""}`);
    }
    if (elements.includes("TIME")) fields.push(scientific(m.timestamp));
    if (elements.includes("STAT")) fields.push(scientific(m.status));
    return fields.join(",");
  }

  // ---- output -----------------------------------------------------------------------

  private reply(line: string): void {
    if (this.dropReplies > 0) {
      this.dropReplies--;
      return;
    }
    let text = `${line}${this.terminator}`;
    if (this.truncateTo !== undefined) {
      text = line.slice(0, this.truncateTo);
      this.truncateTo = undefined;
    }
    this.send(text, this.replyDelay);
  }

  private send(text: string, delay: number): void {
    const write = (): void => {
      const bytes = Buffer.from(text, "latin1");
      const size = this.fragmentSize > 0 ? this.fragmentSize : bytes.length;
      for (let at = 0; at < bytes.length; at += size) {
        if (!this.transport.isOpen) return;
        this.transport.write(bytes.subarray(at, at + size)).catch(() => undefined);
      }
    };
    if (delay > 0) this.timers.later(delay, write);
    else write();
  }

  private cancelTimers(): void {
    this.timers.cancelAll();
    this.pending.length = 0;
    this.busy = false;
  }
}

/** ON|OFF|1|0, or the error code: -109 missing, -224 anything else. */
function parseBoolean(param: string | undefined): boolean | number {
  if (param === undefined || param === "") return -109;
  const word = param.toUpperCase();
  if (word === "ON" || word === "1") return true;
  if (word === "OFF" || word === "0") return false;
  return -224;
}

/** The *ESR bit of an error: CME 32 (-1xx), EXE 16 (-2xx), DDE 8 (-3xx, +n), QYE 4 (-4xx). */
function esrBit(code: number): number {
  if (code <= -100 && code > -200) return 32;
  if (code <= -200 && code > -300) return 16;
  if (code <= -400 && code > -500) return 4;
  return code === 0 ? 0 : 8;
}

function currentModel(model: Keithley6485CurrentModel): (t: number) => number {
  if (typeof model === "number") {
    if (!Number.isFinite(model)) throw new RangeError(`current must be finite, got ${model}`);
    return () => model;
  }
  if (typeof model === "function") return model;
  const { position, ...shape } = model.peak;
  const peak = new GaussianPeak(shape);
  return (t) => peak.rateAt(position(t));
}
