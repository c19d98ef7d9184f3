import { closeSync, openSync, writeSync } from "node:fs";
import type { Event, EventDescriptor, RunStart, RunStop } from "../core/index.js";
import { CallbackBase } from "./callback-base.js";

export interface CsvWriterOptions {
  stream?: string;
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
function quoted(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** A CSV cell: numbers and booleans as they print, text quoted when it must be, the rest as quoted JSON. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return /[",\r\n]/.test(value) ? quoted(value) : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return quoted(JSON.stringify(Array.from(value as unknown as ArrayLike<number>, Number)));
  }
  // Arrays and objects as JSON, always quoted so a reader sees one cell.
  return quoted(JSON.stringify(value));
}

/**
 * Writes one stream of a run as CSV: `seq_num,time,<fields>` then a row per event, each row
 * written to the file as it comes. The file is opened (and truncated) at the stream's
 * descriptor and closed at stop: one file per run.
 */
export class CsvWriter extends CallbackBase {
  readonly path: string;
  private readonly stream: string;
  private fd: number | undefined;
  private descriptorUid: string | undefined;
  private fields: string[] = [];

  constructor(path: string, { stream = "primary" }: CsvWriterOptions = {}) {
    super();
    this.path = path;
    this.stream = stream;
  }

  override start(_doc: RunStart): void {
    this.close();
    this.descriptorUid = undefined;
  }

  override descriptor(doc: EventDescriptor): void {
    if (doc.name !== this.stream || this.descriptorUid !== undefined) return;
    this.descriptorUid = doc.uid;
    this.fields = Object.keys(doc.data_keys);
    this.fd = openSync(this.path, "w");
    this.writeRow(["seq_num", "time", ...this.fields]);
  }

  override event(doc: Event): void {
    if (doc.descriptor !== this.descriptorUid) return;
    this.writeRow([doc.seq_num, doc.time, ...this.fields.map((field) => doc.data[field])]);
  }

  override stop(_doc: RunStop): void {
    this.close();
  }

  private writeRow(values: unknown[]): void {
    if (this.fd !== undefined) writeSync(this.fd, `${values.map(csvCell).join(",")}\r\n`);
  }

  private close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
