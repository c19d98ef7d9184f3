// An emulated Lake Shore Model 336 speaking its command set over ByteTransports: the USB port
// (a pty or one end of a memory pair) and any number of TCP connections (serveTcp), all on
// one instrument whose two heater loops run on the thermal model on a Clock. It follows the
// fact sheet (../shared/reference/instruments.md §2), not the driver; the choices where the
// sheet is silent are in drivers/lakeshore-336/README.md, the single source of truth.
import { Buffer } from "node:buffer";
import type { Clock } from "../../src/core/index.js";
import { realClock } from "../../src/core/index.js";
import type { ByteTransport } from "../../src/transports/index.js";
import { LineFramer, LineTooLongError } from "../../src/transports/index.js";
import type { LakeShore336Physics } from "./lakeshore-336-instrument.js";
import { LakeShore336Instrument } from "./lakeshore-336-instrument.js";
import { PendingTimers } from "./pending-timers.js";
import { TcpListener } from "./tcp-listener.js";

/** What the emulator answers to *IDN?. */
export const LAKESHORE336_IDENTITY = "LSCI,MODEL336,1234567/1234567,2.9";

/** The TCP port of the instrument's Ethernet interface. */
export const LAKESHORE336_TCP_PORT = 7777;

/** Longest request line taken; a longer one is dropped with a command error (our figure). */
const MAX_LINE = 256;

export interface LakeShore336EmulatorOptions extends LakeShore336Physics {
  /** The instrument's USB port: a pty's far side or one end of a memory pair (optional). */
  transport?: ByteTransport;
  clock?: Clock;
  /** The *IDN? reply (default LAKESHORE336_IDENTITY). */
  identity?: string;
}

/**
 * A Lake Shore 336: requests end in LF (a CR before it is ignored), commands on one line are
 * joined by `;` and the replies of its queries come back joined by `;` on one line ending in
 * CR LF. Set commands are silent; a bad command gets no reply and sets an *ESR? bit. Test
 * hooks: received, dropNextReply, delayReplies, injectGarbage, setReadingStatus.
 */
export class LakeShore336Emulator {
  readonly clock: Clock;
  readonly transport: ByteTransport | undefined;
  /** Every request line received on any link, in order, trimmed (for tests). */
  readonly received: string[] = [];
  private readonly instrument: LakeShore336Instrument;
  private readonly timers: PendingTimers;
  private readonly links = new Map<ByteTransport, () => void>();
  private dropReplies = 0;
  private replyDelay = 0;

  constructor(options: LakeShore336EmulatorOptions = {}) {
    const { transport, clock = realClock, identity = LAKESHORE336_IDENTITY, ...physics } = options;
    this.clock = clock;
    this.transport = transport;
    this.timers = new PendingTimers(clock);
    this.instrument = new LakeShore336Instrument(clock, physics, identity);
  }

  /** Opens the USB transport, if there is one, and starts answering on it. */
  async start(): Promise<void> {
    if (this.transport) await this.serve(this.transport);
  }

  /** Answers on one more link (a TCP connection); returns what stops that. */
  async serve(transport: ByteTransport): Promise<() => Promise<void>> {
    if (!transport.isOpen) await transport.open();
    const framer = new LineFramer({ terminator: "\n", maxLength: MAX_LINE });
    const offs = [
      transport.onData((chunk) => this.receive(transport, framer, chunk)),
      transport.onClose(() => this.detach(transport)),
    ];
    this.links.set(transport, () => offs.forEach((off) => off()));
    return async () => {
      this.detach(transport);
      if (transport.isOpen) await transport.close();
    };
  }

  /** Serves every connection to a TCP port (default 127.0.0.1 and a free port). */
  serveTcp(options: { host?: string; port?: number } = {}): Promise<TcpListener> {
    return TcpListener.start({ ...options, serve: (transport) => this.serve(transport) });
  }

  /** Stops answering and closes every link it serves. */
  async close(): Promise<void> {
    this.timers.cancelAll();
    const transports = [...this.links.keys()];
    for (const transport of transports) this.detach(transport);
    await Promise.all(transports.map((t) => (t.isOpen ? t.close() : undefined)));
  }

  // ---- inspection, for tests --------------------------------------------------------

  /** Kelvin at an input (A–D) now. */
  temperature(input = "A"): number {
    return this.instrument.temperature(input);
  }

  /** Heater output of output 1 or 2 now, %. */
  heater(output = 1): number {
    return this.instrument.heater(output);
  }

  /** An output's setpoint, ramp, range and PID gains. */
  settings(output = 1): ReturnType<LakeShore336Instrument["settings"]> {
    return this.instrument.settings(output);
  }

  /** Makes an input's RDGST? report `bits` (0 clears); KRDG? then sends +0.0000. */
  setReadingStatus(input: string, bits: number): void {
    this.instrument.setReadingStatus(input, bits);
  }

  /** The event status register (not cleared by looking). */
  get eventStatus(): number {
    return this.instrument.eventStatus;
  }

  // ---- fault injection --------------------------------------------------------------

  /** The next reply is lost on the wire. */
  dropNextReply(): void {
    this.dropReplies++;
  }

  /** Every reply from now on leaves `seconds` late on the clock (0 to end). */
  delayReplies(seconds: number): void {
    if (!(seconds >= 0)) throw new RangeError(`delayReplies: seconds must be >= 0, got ${seconds}`);
    this.replyDelay = seconds;
  }

  /** Sends a line nobody asked for on every link, e.g. line noise. */
  injectGarbage(text = "#~?!"): void {
    for (const transport of this.links.keys()) this.send(transport, `${text}\r\n`, 0);
  }

  // ---- the line ---------------------------------------------------------------------

  private receive(transport: ByteTransport, framer: LineFramer, chunk: Uint8Array): void {
    let lines: readonly string[];
    try {
      lines = framer.push(chunk);
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      lines = error.lines;
      this.instrument.refuseLine();
    }
    for (const raw of lines) {
      const line = raw.trim();
      if (line === "") continue;
      this.received.push(line);
      const reply = this.instrument.execute(line);
      if (reply !== undefined) this.reply(transport, reply);
    }
  }

  private reply(transport: ByteTransport, line: string): void {
    if (this.dropReplies > 0) {
      this.dropReplies--;
      return;
    }
    this.send(transport, `${line}\r\n`, this.replyDelay);
  }

  private send(transport: ByteTransport, text: string, delay: number): void {
    const write = (): void => {
      if (!transport.isOpen) return;
      transport.write(Buffer.from(text, "latin1")).catch(() => undefined);
    };
    if (delay > 0) this.timers.later(delay, write);
    else write();
  }

  private detach(transport: ByteTransport): void {
    this.links.get(transport)?.();
    this.links.delete(transport);
  }
}
