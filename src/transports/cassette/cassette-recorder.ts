import type { ByteTransport } from "../byte-transport.js";
import { ListenerSet } from "../listener-set.js";
import { latin1, toHex } from "./cassette-format.js";
import type { CassetteWriter } from "./cassette-writer.js";

export interface CassetteRecorderOptions {
  /** The channel name events carry (default the transport's name). */
  channel?: string;
}

/**
 * A ByteTransport that passes everything through to `inner` and writes each chunk to a
 * cassette: "out" when the driver hands it to write(), "in" as it arrives (listened to from
 * the start, so bytes nobody waits for are kept too). Closing it closes the port, not the
 * cassette: the port may reopen; close the writer when the recording is over.
 */
export class CassetteRecorder implements ByteTransport {
  readonly inner: ByteTransport;
  readonly writer: CassetteWriter;
  readonly channel: string;
  private readonly dataListeners = new ListenerSet<[Uint8Array]>();
  private readonly closeListeners = new ListenerSet<[Error?]>();

  constructor(inner: ByteTransport, writer: CassetteWriter, options: CassetteRecorderOptions = {}) {
    if (writer.kind !== "bytes") {
      throw new TypeError(`${writer.path}: a byte recorder needs a "bytes" cassette`);
    }
    this.inner = inner;
    this.writer = writer;
    this.channel = options.channel ?? inner.name;
    inner.onData((chunk) => {
      this.record("in", chunk);
      this.dataListeners.emit(chunk);
    });
    inner.onClose((error) => this.closeListeners.emit(error));
  }

  get name(): string {
    return this.inner.name;
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Recorded before it is written: a fast reply may arrive before the write resolves. */
  write(data: Uint8Array): Promise<void> {
    this.record("out", data);
    return this.inner.write(data);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.dataListeners.add(listener);
  }

  onClose(listener: (error?: Error) => void): () => void {
    return this.closeListeners.add(listener);
  }

  private record(dir: "out" | "in", bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const { channel, writer } = this;
    writer.write({ t: writer.time(), dir, channel, hex: toHex(bytes), text: latin1(bytes) });
  }
}
