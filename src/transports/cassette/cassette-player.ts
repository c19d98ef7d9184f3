import { Buffer } from "node:buffer";
import { basename } from "node:path";
import type { ByteTransport } from "../byte-transport.js";
import { TransportClosedError, quote } from "../errors.js";
import { ListenerSet } from "../listener-set.js";
import type { ShownBytes } from "./cassette-errors.js";
import { CassetteFormatError } from "./cassette-errors.js";
import type { ByteCassette, Cassette } from "./cassette-format.js";
import { chooseChannel, latin1, loadCassette, spacedHex } from "./cassette-format.js";
import type { ReplayTiming } from "./replay-timing.js";
import { ReplayScheduler } from "./replay-timing.js";
import { CassetteReplay, ReplayCursor } from "./replay-cursor.js";

export interface CassettePlayerOptions {
  /**
   * true (default): each request must be the next one recorded. false: a request that is
   * not skips ahead to the next recorded one equal to it (replies in between are dropped).
   */
  strict?: boolean;
  /** When replies come back (default "immediate"). */
  timing?: ReplayTiming;
  /** Which recorded port to play (default the cassette's only one). */
  channel?: string;
  /** Names the port in errors and signal sources (default "cassette:<file name>"). */
  name?: string;
  /**
   * Requests are compared line by line, a line ending with this (default "\n", which ends
   * "\r\n" too); null compares each run of bytes written between two replies, for binary
   * protocols. Either way how the bytes were split into writes does not matter.
   */
  lineEnd?: string | null;
}

/** A run of bytes as the cassette has it. */
interface Chunk {
  readonly line: number;
  readonly t: number;
  readonly bytes: Uint8Array;
}

/** One request (a line, or a run of bytes) and the reply recorded after it, if any. */
interface Request {
  readonly bytes: Uint8Array;
  /** The cassette line where it starts. */
  readonly line: number;
  /** When its last byte was written. */
  readonly t: number;
  readonly reply: readonly Chunk[];
}

/** A partial line that does not match is held until its end, up to this many bytes. */
const HOLD_LIMIT = 4096;

const EMPTY = new Uint8Array(0);

/**
 * Stands in for a port by replaying a cassette: each write must be the next request the
 * cassette recorded (else the write fails with a CassetteMismatchError naming the cassette
 * line, and both requests as text and hex); then the reply recorded after it comes back.
 * Consecutive chunks of one direction count as one stream, so a driver that writes in other
 * pieces than the recording did still matches. Running past the end is a CassetteEndError.
 */
export class CassettePlayer extends CassetteReplay<Request> implements ByteTransport {
  readonly name: string;
  readonly cassette: ByteCassette;
  protected readonly cursor: ReplayCursor<Request>;
  /** Bytes recorded "in" before the first request: played when the port first opens. */
  private readonly greeting: readonly Chunk[];
  private readonly lineEnd: Uint8Array | undefined;
  private readonly scheduler: ReplayScheduler;
  private readonly dataListeners = new ListenerSet<[Uint8Array]>();
  private readonly closeListeners = new ListenerSet<[Error?]>();
  private opened = false;
  private greeted = false;
  /** How many bytes of the next request have been matched. */
  private offset = 0;
  /** Written bytes not yet matched (a partial line held for a whole one). */
  private pending: Uint8Array = EMPTY;

  constructor(cassette: Cassette, options: CassettePlayerOptions = {}) {
    super();
    if (cassette.kind !== "bytes") {
      throw new CassetteFormatError(
        cassette.file,
        1,
        `a ${cassette.kind} cassette: play it with a ModbusCassettePlayer`,
      );
    }
    this.cassette = cassette;
    this.name = options.name ?? `cassette:${basename(cassette.file)}`;
    const lineEnd = options.lineEnd === undefined ? "\n" : options.lineEnd;
    if (lineEnd === "") throw new RangeError("lineEnd must not be empty (null for bytes)");
    this.lineEnd = lineEnd === null ? undefined : Buffer.from(lineEnd, "latin1");
    this.scheduler = new ReplayScheduler(options.timing);
    const channel = chooseChannel(cassette, options.channel);
    const [greeting, requests] = this.split(channel);
    this.greeting = greeting;
    const strict = options.strict ?? true;
    this.cursor = new ReplayCursor(cassette, requests, strict, (request) => shown(request.bytes));
  }

  /** Loads a cassette file and plays it. */
  static async load(file: string, options: CassettePlayerOptions = {}): Promise<CassettePlayer> {
    return new CassettePlayer(await loadCassette(file), options);
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** Every recorded request has been replayed. */
  get done(): boolean {
    return this.cursor.remaining === 0 && this.pending.length === 0;
  }

  async open(): Promise<void> {
    this.opened = true;
    if (this.greeted) return;
    this.greeted = true;
    this.play(this.greeting, this.greeting[0]?.t ?? 0);
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    this.opened = false;
    this.scheduler.cancel();
    this.pending = EMPTY;
    this.offset = 0;
    this.closeListeners.emit();
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.opened) {
      throw new TransportClosedError(this.name, "cannot write: the port is not open");
    }
    this.pending = this.pending.length === 0 ? Uint8Array.from(data) : concat(this.pending, data);
    this.consume();
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.closeListeners.add(listener);
  }

  /** Matches the pending bytes against the cassette, playing each reply as its request ends. */
  private consume(): void {
    while (this.pending.length > 0) {
      const request = this.cursor.next;
      if (!request) {
        const [actual] = this.cut(this.pending);
        this.pending = EMPTY;
        this.cursor.pastEnd(shown(actual));
      }
      const want = request.bytes.subarray(this.offset);
      const n = Math.min(want.length, this.pending.length);
      if (equal(this.pending.subarray(0, n), want.subarray(0, n))) {
        this.offset += n;
        this.pending = this.pending.subarray(n);
        if (this.offset === request.bytes.length) {
          this.cursor.take();
          this.offset = 0;
          this.play(request.reply, request.t);
        }
        continue;
      }
      // A different request: wait for its whole line, to compare (and show) all of it.
      const { lineEnd } = this;
      if (lineEnd && indexOf(this.pending, lineEnd) < 0 && this.pending.length < HOLD_LIMIT) {
        return;
      }
      const [tail, rest] = this.cut(this.pending);
      const actual = concat(request.bytes.subarray(0, this.offset), tail);
      this.offset = 0;
      this.pending = EMPTY;
      // Not strict, and recorded later: match it again from there.
      this.cursor.skipTo((r) => equal(r.bytes, actual), shown(actual));
      this.pending = concat(actual, rest);
    }
  }

  /** The first request in `bytes` (up to and with the line end) and what follows it. */
  private cut(bytes: Uint8Array): [Uint8Array, Uint8Array] {
    const { lineEnd } = this;
    const at = lineEnd ? indexOf(bytes, lineEnd) : -1;
    if (at < 0) return [bytes, EMPTY];
    const end = at + lineEnd!.length;
    return [bytes.subarray(0, end), bytes.subarray(end)];
  }

  private play(reply: readonly Chunk[], requestTime: number): void {
    if (reply.length === 0) return;
    const emit = (bytes: Uint8Array): void => {
      if (this.opened) this.dataListeners.emit(bytes);
    };
    if (this.scheduler.immediate) {
      const bytes = reply.length === 1 ? reply[0]!.bytes : concat(...reply.map((c) => c.bytes));
      this.scheduler.after(0, () => emit(bytes));
      return;
    }
    for (const chunk of reply) this.scheduler.after(chunk.t - requestTime, () => emit(chunk.bytes));
  }

  /** The channel's events as a greeting (in before any out) and requests with their replies. */
  private split(channel: string | undefined): [Chunk[], Request[]] {
    const greeting: Chunk[] = [];
    const requests: Request[] = [];
    let out: Chunk[] = [];
    let reply: Chunk[] = greeting;
    const flush = (): void => {
      if (out.length === 0) return;
      reply = [];
      requests.push(...this.requestsOf(out, reply));
      out = [];
    };
    for (const { line, event } of this.cassette.events) {
      if (event.channel !== channel) continue;
      const chunk: Chunk = { line, t: event.t, bytes: Buffer.from(event.hex, "hex") };
      if (event.dir === "out") out.push(chunk);
      else {
        flush();
        reply.push(chunk);
      }
    }
    flush();
    return [greeting, requests];
  }

  /** Splits a run of "out" chunks into requests (lines, or the whole run); the last gets `reply`. */
  private requestsOf(chunks: readonly Chunk[], reply: readonly Chunk[]): Request[] {
    const bytes = concat(...chunks.map((c) => c.bytes));
    /** The chunk holding byte `i`. */
    const chunkAt = (i: number): Chunk => {
      let end = 0;
      for (const chunk of chunks) {
        end += chunk.bytes.length;
        if (i < end) return chunk;
      }
      return chunks.at(-1)!;
    };
    const pieces: Request[] = [];
    let start = 0;
    while (start < bytes.length) {
      const [piece] = this.cut(bytes.subarray(start));
      const end = start + piece.length;
      const last = end === bytes.length;
      const { line } = chunkAt(start);
      pieces.push({ bytes: piece, line, t: chunkAt(end - 1).t, reply: last ? reply : [] });
      start = end;
    }
    return pieces;
  }
}

/** Bytes as errors show them: quoted latin1 and spaced hex (the first 64 bytes). */
export function shown(bytes: Uint8Array): ShownBytes {
  const hex =
    spacedHex(bytes.subarray(0, 64)) + (bytes.length > 64 ? ` ... (${bytes.length} bytes)` : "");
  return { text: quote(latin1(bytes)), hex };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle);
}
