import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { HilError } from "../../core/index.js";
import type { NamedDocument } from "../../core/index.js";
import type { DocumentSequence } from "./sequence.js";

/** A document waiting for its sink, with its place in its run. */
export interface PendingDocument {
  readonly document: NamedDocument;
  readonly sequence: DocumentSequence;
}

/** When the spool asks the disk to hold what was written (fdatasync). */
export type SpoolSync = "every" | "stop" | "never";

/** JSON has no typed arrays nor bigints: write them as plain arrays and numbers. */
function plainValue(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
  }
  return typeof value === "bigint" ? Number(value) : value;
}

const CHUNK = 1 << 20;

/**
 * An append-only JSONL file of pending documents, one `[name, doc, {run, seq}]` line each,
 * read back from the front in order. Lines are written with one write() each, so a crash of
 * the process loses none already appended; `sync` says when the file is also forced to the
 * disk (default: after each stop document, so a finished run survives a power cut). When
 * everything written has been read back the file is truncated to nothing. A spool found on
 * disk at open (an earlier process ended with documents unsent) is replayed from its start.
 * One process at a time owns a spool directory (`spool.lock` holds its pid): a second one
 * is refused, naming the first, as two readers would send each document twice.
 */
export class Spool {
  readonly path: string;
  private readonly lockPath: string;
  private readonly fd: number;
  private readonly sync: SpoolSync;
  private writeOffset: number;
  private readOffset = 0;
  /** Lines read ahead of readOffset, with the offset after each. */
  private readonly ahead: Array<{ pending: PendingDocument; end: number }> = [];
  private aheadEnd = 0;
  private unread: number;

  constructor(dir: string, { name = "spool.jsonl", sync = "stop" as SpoolSync } = {}) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, name);
    this.lockPath = join(dir, "spool.lock");
    lockSpool(this.lockPath);
    this.fd = openSync(this.path, "a+");
    this.sync = sync;
    this.writeOffset = fstatSync(this.fd).size;
    this.unread = this.writeOffset > 0 ? this.countLines() : 0;
  }

  /** Documents written and not yet taken. */
  get size(): number {
    return this.unread;
  }

  append(pending: PendingDocument): void {
    const [name, doc] = pending.document;
    const { run, seq } = pending.sequence;
    const line = `${JSON.stringify([name, doc, { run, seq }], plainValue)}\n`;
    this.writeOffset += writeSync(this.fd, line);
    this.unread += 1;
    if (this.sync === "every" || (this.sync === "stop" && name === "stop")) fdatasyncSync(this.fd);
  }

  /** The oldest document not yet taken, or undefined. */
  peek(): PendingDocument | undefined {
    if (this.unread === 0) return undefined;
    if (this.ahead.length === 0) this.readAhead();
    return this.ahead[0]?.pending;
  }

  /** Takes the oldest document; the file empties once all are taken. */
  take(): void {
    const first = this.ahead.shift();
    if (!first) return;
    this.readOffset = first.end;
    this.unread -= 1;
    if (this.unread === 0) {
      ftruncateSync(this.fd);
      this.writeOffset = 0;
      this.readOffset = 0;
      this.aheadEnd = 0;
    }
  }

  close(): void {
    if (this.sync !== "never") fdatasyncSync(this.fd);
    closeSync(this.fd);
    rmSync(this.lockPath, { force: true });
  }

  private readAhead(): void {
    let position = Math.max(this.readOffset, this.aheadEnd);
    let size = CHUNK;
    while (this.ahead.length === 0 && position < this.writeOffset) {
      const length = Math.min(size, this.writeOffset - position);
      const buffer = Buffer.allocUnsafe(length);
      const bytes = buffer.subarray(0, readSync(this.fd, buffer, 0, length, position));
      if (bytes.length === 0) break;
      let lineStart = 0;
      for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, lineStart)) {
        const line = bytes.toString("utf8", lineStart, nl);
        lineStart = nl + 1;
        const end = position + lineStart;
        if (line.trim() !== "") this.ahead.push({ pending: this.parse(line, end), end });
        this.aheadEnd = end;
      }
      if (lineStart === 0) {
        if (position + bytes.length >= this.writeOffset) break; // a line cut short by a crash
        size *= 2; // a line longer than the chunk
      }
      position += lineStart;
    }
  }

  private parse(line: string, end: number): PendingDocument {
    try {
      const [name, doc, sequence] = JSON.parse(line) as [string, unknown, DocumentSequence];
      return { document: [name, doc] as NamedDocument, sequence };
    } catch (error) {
      throw new HilError(
        "HIL_SPOOL_CORRUPT",
        `${this.path}: unreadable line ending at byte ${end}`,
        {
          cause: error,
        },
      );
    }
  }

  private countLines(): number {
    const buffer = Buffer.alloc(CHUNK);
    let lines = 0;
    for (let position = 0; position < this.writeOffset;) {
      const n = readSync(this.fd, buffer, 0, CHUNK, position);
      if (n === 0) break;
      for (let i = 0; i < n; i++) if (buffer[i] === 10) lines += 1;
      position += n;
    }
    return lines;
  }
}

/** Takes the spool's lock, or throws naming the live process holding it; a dead one's is taken over. */
function lockSpool(lockPath: string): void {
  for (;;) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new HilError(
        "HIL_SPOOL_IN_USE",
        `${lockPath}: this spool is in use by process ${holder}${holder === process.pid ? " (this one)" : ""}`,
      );
    }
    rmSync(lockPath, { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
