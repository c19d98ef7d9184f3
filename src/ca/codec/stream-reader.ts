import { checkCommand, decodeMessage, type CaMessage } from "./commands.js";
import { caCommandName } from "./constants.js";
import { RemoteProtocolError } from "./errors.js";
import { EXTENDED_HEADER_SIZE, HEADER_SIZE, readHeader, type CaHeader } from "./header.js";
import { ownedBuffer } from "./owned.js";
import type { CaSender } from "./wire.js";

export interface CaStreamReaderOptions {
  /** Who is at the other end: a server reads "client" messages, a client "server" ones. */
  sender: CaSender;
  /**
   * Largest payload accepted, in bytes (default 16 MiB + 1 KiB, room for a 2 Mi-element
   * DOUBLE array with CTRL metadata). Set it from EPICS_CA_MAX_ARRAY_BYTES plus some margin.
   */
  maxPayloadSize?: number;
}

/** 16 MiB of array plus room for the largest metadata (DBR_CTRL_ENUM's 422 bytes). */
export const DEFAULT_MAX_PAYLOAD_SIZE = 16 * 1024 * 1024 + 1024;

interface Pending {
  header: CaHeader;
  headerSize: number;
  total: number;
}

/** A large message being copied into its own buffer as its bytes arrive. */
interface Assembly {
  pending: Pending;
  bytes: Uint8Array;
  filled: number;
}

/**
 * Messages at least this long are assembled in a buffer of their own from the moment their
 * header is in, so the chunks they arrive in need not be kept (or may be reused at once).
 */
const ASSEMBLE_FROM = 64 * 1024;

/**
 * Frames a TCP byte stream into messages. Chunks are kept as they arrive (a list plus an
 * offset into the first); a message is decoded in place when it lies within one chunk,
 * assembled once when its last byte is in, and a large one is copied into its own buffer
 * as it arrives. Decoded messages never share memory with the chunks. Chunks are kept as
 * given unless `push` is told the caller reuses them (a socket reading into one buffer),
 * in which case only the bytes of an incomplete message are copied.
 * After a RemoteProtocolError the stream cannot be resynchronised: every later push throws
 * the same error, and the owner closes the circuit.
 */
export class CaStreamReader {
  readonly sender: CaSender;
  readonly maxPayloadSize: number;
  #chunks: Uint8Array[] = [];
  #head = 0;
  #offset = 0;
  #buffered = 0;
  #pending: Pending | undefined;
  #assembly: Assembly | undefined;
  #failure: RemoteProtocolError | undefined;
  readonly #scratch = new Uint8Array(EXTENDED_HEADER_SIZE);

  constructor({ sender, maxPayloadSize = DEFAULT_MAX_PAYLOAD_SIZE }: CaStreamReaderOptions) {
    if (sender !== "client" && sender !== "server") {
      throw new TypeError(
        `CaStreamReader: sender must be "client" or "server", got ${String(sender)}`,
      );
    }
    if (!Number.isInteger(maxPayloadSize) || maxPayloadSize < 0) {
      throw new TypeError(`CaStreamReader: maxPayloadSize must be a non-negative integer`);
    }
    this.sender = sender;
    this.maxPayloadSize = maxPayloadSize;
  }

  /** Bytes received and not yet returned as messages. */
  get bufferedBytes(): number {
    return this.#buffered + (this.#assembly?.filled ?? 0);
  }

  /** Bytes still needed to complete the next message (at least 1 while it is partial). */
  get bytesNeeded(): number {
    if (this.#assembly) return this.#assembly.bytes.length - this.#assembly.filled;
    if (this.#pending) return this.#pending.total - this.#buffered;
    // Without a pending header, at least 16 bytes are missing, or 24 for an extended one.
    return (this.#buffered >= HEADER_SIZE ? EXTENDED_HEADER_SIZE : HEADER_SIZE) - this.#buffered;
  }

  /**
   * Takes the next chunk of the stream and returns the messages it completes, in order.
   * Throws RemoteProtocolError for an unknown command, a payload over `maxPayloadSize` or a
   * message whose payload cannot hold its fields.
   */
  push(chunk: Uint8Array, { reused = false }: { reused?: boolean } = {}): CaMessage[] {
    if (this.#failure) throw this.#failure;
    const messages: CaMessage[] = [];
    try {
      let rest = chunk;
      if (this.#assembly) {
        const assembly = this.#assembly;
        rest = this.#fillAssembly(assembly, chunk);
        if (!this.#assembly) messages.push(this.#decodeAssembled(assembly));
      }
      if (rest.length > 0) {
        this.#chunks.push(rest);
        this.#buffered += rest.length;
      }
      for (let message = this.#next(); message; message = this.#next()) messages.push(message);
      if (reused) this.#keepCopies(chunk);
    } catch (error) {
      if (error instanceof RemoteProtocolError) this.#failure = error;
      throw error;
    }
    return messages;
  }

  /** Copies what the assembly lacks from `chunk`; returns the bytes beyond the message. */
  #fillAssembly(assembly: Assembly, chunk: Uint8Array): Uint8Array {
    const take = Math.min(chunk.length, assembly.bytes.length - assembly.filled);
    assembly.bytes.set(chunk.subarray(0, take), assembly.filled);
    assembly.filled += take;
    if (assembly.filled === assembly.bytes.length) this.#assembly = undefined;
    return chunk.subarray(take);
  }

  #decodeAssembled({ pending, bytes }: Assembly): CaMessage {
    return decodeMessage(pending.header, bytes.subarray(pending.headerSize), this.sender, "stream");
  }

  /** Replaces the kept parts of a chunk the caller will reuse with copies of them. */
  #keepCopies(chunk: Uint8Array): void {
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const kept = this.#chunks[i]!;
      if (kept.buffer !== chunk.buffer) continue;
      const start = i === this.#head ? this.#offset : 0;
      // A copy, made with the constructor: a Buffer's slice() would only be a view.
      this.#chunks[i] = new Uint8Array(kept.subarray(start));
      if (i === this.#head) this.#offset = 0;
    }
  }

  #next(): CaMessage | undefined {
    const pending = this.#pending ?? this.#readPending();
    if (!pending) return undefined;
    if (this.#buffered < pending.total) {
      if (pending.total >= ASSEMBLE_FROM) this.#startAssembly(pending);
      return undefined;
    }
    this.#pending = undefined;
    const bytes = this.#take(pending.total);
    return decodeMessage(pending.header, bytes.subarray(pending.headerSize), this.sender, "stream");
  }

  /** Moves the buffered start of a large message into a buffer of its own. */
  #startAssembly(pending: Pending): void {
    const bytes = ownedBuffer(pending.total);
    const filled = this.#buffered;
    bytes.set(this.#take(filled), 0);
    this.#pending = undefined;
    this.#assembly = { pending, bytes, filled };
  }

  /** Reads and checks the next header once enough bytes are buffered. */
  #readPending(): Pending | undefined {
    if (this.#buffered < HEADER_SIZE) return undefined;
    const at = readHeader(this.#peek(Math.min(this.#buffered, EXTENDED_HEADER_SIZE)));
    if (!at) return undefined;
    const { header, size } = at;
    checkCommand(header.command, this.sender);
    if (header.payloadSize > this.maxPayloadSize) {
      throw new RemoteProtocolError(
        `${caCommandName(header.command)} announces a payload of ${header.payloadSize} bytes, ` +
          `over the maximum of ${this.maxPayloadSize} (raise maxPayloadSize for larger arrays)`,
        { command: header.command },
      );
    }
    this.#pending = { header, headerSize: size, total: size + header.payloadSize };
    return this.#pending;
  }

  /** The first `n` (≤ 24) buffered bytes, without consuming them. */
  #peek(n: number): Uint8Array {
    const first = this.#chunks[this.#head]!;
    if (first.length - this.#offset >= n) return first.subarray(this.#offset, this.#offset + n);
    let filled = 0;
    let offset = this.#offset;
    for (let i = this.#head; filled < n; i++) {
      const chunk = this.#chunks[i]!;
      const part = chunk.subarray(offset, offset + (n - filled));
      this.#scratch.set(part, filled);
      filled += part.length;
      offset = 0;
    }
    return this.#scratch.subarray(0, n);
  }

  /** Consumes `n` buffered bytes: a view when they lie in one chunk, else one assembled copy. */
  #take(n: number): Uint8Array {
    this.#buffered -= n;
    const first = this.#chunks[this.#head]!;
    if (first.length - this.#offset >= n) {
      const view = first.subarray(this.#offset, this.#offset + n);
      this.#advance(n);
      return view;
    }
    // Nothing else sees this buffer, so decoding may swap a large array in it in place.
    const out = ownedBuffer(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[this.#head]!;
      const part = chunk.subarray(this.#offset, this.#offset + (n - filled));
      out.set(part, filled);
      filled += part.length;
      this.#advance(part.length);
    }
    return out;
  }

  #advance(n: number): void {
    this.#offset += n;
    while (this.#head < this.#chunks.length && this.#offset >= this.#chunks[this.#head]!.length) {
      this.#offset -= this.#chunks[this.#head]!.length;
      this.#head++;
    }
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
