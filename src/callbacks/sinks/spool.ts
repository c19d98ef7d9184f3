import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { NamedDocument } from "../../core/index.js";
import { plainJson } from "../plain-json.js";
import { fromPythonJson, toPythonJson } from "../python-json-text.js";
import type { DocumentSequence } from "./sequence.js";
import { SpoolLock } from "./spool-lock.js";

/** A document waiting for its sink, with its place in its run. */
export interface PendingDocument {
  readonly document: NamedDocument;
  readonly sequence: DocumentSequence;
}

/** When the spool asks the disk to hold what was written (fdatasync). */
export type SpoolSync = "every" | "stop" | "never";

export interface SpoolOptions {
  /** The file's name in the directory; default spool.jsonl. */
  name?: string;
  /** Default "stop". */
  sync?: SpoolSync;
  /** Told of a line that is not a spooled document (it is skipped); default: a warning. */
  onSkip?: (message: string) => void;
}

const CHUNK = 1 << 20;
/** How often the read position is saved while documents are taken (and at each stop). */
const SAVE_EVERY = 100;

interface Line {
  readonly pending?: PendingDocument;
  /** Why the line is no document, when it is not. */
  readonly problem?: string;
  /** The file offset after it. */
  readonly end: number;
}

/**
 * An append-only JSONL file of pending documents, one `[name, doc, {run, seq}]` line each
 * (NaN and ±Infinity written as Python's json writes them, so they come back as they went),
 * read back from the front in order. A crash of the process loses no line already appended;
 * `sync` says when the file is also forced to the disk (default: after each stop document,
 * so a finished run survives a power cut). The read position is saved beside the file
 * (`spool.offset`) at close, at each stop document and every 100 documents, so a later
 * process resumes where this one was: after a crash it may send up to 100 documents again,
 * which their sequence numbers tell. A line cut short by a crash is cut off at open; a line
 * that is not a document is skipped and reported. When everything written has been read
 * back the file is emptied. One process at a time owns a spool directory (SpoolLock).
 */
export class Spool {
  readonly path: string;
  private readonly offsetPath: string;
  private readonly lock: SpoolLock;
  private readonly fd: number;
  private readonly sync: SpoolSync;
  private readonly onSkip: (message: string) => void;
  private writeOffset: number;
  private readOffset: number;
  /** Lines read ahead of readOffset. */
  private readonly ahead: Line[] = [];
  private aheadEnd: number;
  private unread: number;
  private takenSinceSave = 0;

  constructor(dir: string, options: SpoolOptions = {}) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, options.name ?? "spool.jsonl");
    this.offsetPath = join(dir, "spool.offset");
    this.sync = options.sync ?? "stop";
    this.onSkip = options.onSkip ?? ((message) => console.warn(message));
    this.lock = SpoolLock.take(join(dir, "spool.lock"));
    try {
      this.fd = openSync(this.path, "a+");
    } catch (error) {
      this.lock.release();
      throw error;
    }
    this.writeOffset = this.cutTornTail(fstatSync(this.fd).size);
    this.readOffset = this.savedOffset();
    this.aheadEnd = this.readOffset;
    this.unread = this.countLines(this.readOffset);
  }

  /** Documents written and not yet taken. */
  get size(): number {
    return this.unread;
  }

  append(pending: PendingDocument): void {
    this.appendAll([pending]);
  }

  /** Appends documents in order with one write. */
  appendAll(pendings: readonly PendingDocument[]): void {
    if (pendings.length === 0) return;
    let text = "";
    let stop = false;
    for (const { document, sequence } of pendings) {
      const [name, doc] = document;
      text += `${toPythonJson([name, plainJson(doc), { run: sequence.run, seq: sequence.seq }])}\n`;
      stop ||= name === "stop";
    }
    const bytes = Buffer.from(text);
    for (let written = 0; written < bytes.length;) {
      written += writeSync(this.fd, bytes, written);
    }
    this.writeOffset += bytes.length;
    this.unread += pendings.length;
    if (this.sync === "every" || (this.sync === "stop" && stop)) {
      fdatasync(this.fd, () => undefined); // off the caller's path; close() syncs for sure
    }
  }

  /** The oldest document not yet taken, or undefined; lines that are none are skipped. */
  peek(): PendingDocument | undefined {
    while (this.unread > 0) {
      if (this.ahead.length === 0) this.readAhead();
      const first = this.ahead[0];
      if (!first) return undefined;
      if (first.pending) return first.pending;
      this.advance();
      this.onSkip(first.problem ?? `${this.path}: a line skipped`);
    }
    return undefined;
  }

  /** Takes the oldest document; the file empties once all are taken. */
  take(): void {
    if (this.peek()) this.advance();
  }

  close(): void {
    this.saveOffset();
    if (this.sync !== "never") fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.lock.release();
  }

  private advance(): void {
    const first = this.ahead.shift();
    if (!first) return;
    this.readOffset = first.end;
    this.unread -= 1;
    if (this.unread === 0) {
      ftruncateSync(this.fd);
      this.writeOffset = 0;
      this.readOffset = 0;
      this.aheadEnd = 0;
      this.saveOffset();
    } else if (++this.takenSinceSave >= SAVE_EVERY || first.pending?.document[0] === "stop") {
      this.saveOffset();
    }
  }

  private saveOffset(): void {
    this.takenSinceSave = 0;
    writeFileSync(this.offsetPath, `${this.readOffset}\n`);
  }

  /** Where an earlier process left off: a saved offset at a line's start, else the start. */
  private savedOffset(): number {
    let offset: number;
    try {
      offset = Number.parseInt(readFileSync(this.offsetPath, "utf8"), 10);
    } catch {
      return 0;
    }
    if (!Number.isInteger(offset) || offset <= 0 || offset > this.writeOffset) return 0;
    const before = Buffer.alloc(1);
    readSync(this.fd, before, 0, 1, offset - 1);
    return before[0] === 10 ? offset : 0;
  }

  /** A last line without its newline was cut short by a crash: cut it off. */
  private cutTornTail(size: number): number {
    const buffer = Buffer.alloc(Math.min(CHUNK, size));
    let end = 0; // no newline at all: nothing whole
    for (let position = size; position > 0;) {
      const length = Math.min(buffer.length, position);
      position -= length;
      readSync(this.fd, buffer, 0, length, position);
      const nl = buffer.subarray(0, length).lastIndexOf(10);
      if (nl >= 0) {
        end = position + nl + 1;
        break;
      }
    }
    if (end < size) {
      ftruncateSync(this.fd, end);
      this.onSkip(`${this.path}: cut ${size - end} bytes of a last line left unfinished`);
    }
    return end;
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
        this.ahead.push(this.parse(line, position + lineStart));
        this.aheadEnd = position + lineStart;
      }
      if (lineStart === 0) size *= 2; // a line longer than the chunk
      position += lineStart;
    }
  }

  private parse(line: string, end: number): Line {
    try {
      const [name, doc, sequence] = fromPythonJson(line) as [string, unknown, DocumentSequence];
      if (typeof name !== "string" || typeof doc !== "object" || doc === null) throw new Error();
      return { pending: { document: [name, doc] as NamedDocument, sequence }, end };
    } catch {
      return {
        problem: `${this.path}: the line ending at byte ${end} is no document; skipped`,
        end,
      };
    }
  }

  private countLines(from: number): number {
    const buffer = Buffer.alloc(CHUNK);
    let lines = 0;
    for (let position = from; position < this.writeOffset;) {
      const n = readSync(this.fd, buffer, 0, CHUNK, position);
      if (n === 0) break;
      for (let i = 0; i < n; i++) if (buffer[i] === 10) lines += 1;
      position += n;
    }
    return lines;
  }
}
