import type {
  DescriptorDataKey,
  Event,
  EventDescriptor,
  RunStart,
  RunStop,
} from "../core/index.js";
import { CallbackBase } from "./callback-base.js";

export interface LiveTableOptions {
  /** Receives each line, without its newline. */
  out?: (line: string) => void;
  /** Rows between repeats of the header. */
  headerEvery?: number;
  /** Least width of a field's column between the bars, as bluesky's min_width. */
  minWidth?: number;
  /** Decimals of numbers whose data key gives no precision. */
  defaultPrecision?: number;
  /** IANA time zone of the time column; the local zone when not given. */
  timeZone?: string;
  /** The stream to tabulate. */
  stream?: string;
}

interface Column {
  title: string;
  width: number;
  cell: (event: Event) => string;
}

const writeLine = (line: string): void => void process.stdout.write(`${line}\n`);

/** Prints the rows of a run as they come, in bluesky's LiveTable layout. */
export class LiveTable extends CallbackBase {
  private readonly fields: readonly string[];
  private readonly out: (line: string) => void;
  private readonly headerEvery: number;
  private readonly minWidth: number;
  private readonly defaultPrecision: number;
  private readonly stream: string;
  private readonly clock: Intl.DateTimeFormat;
  private runStart: RunStart | undefined;
  private descriptorUid: string | undefined;
  private columns: Column[] = [];
  private rows = 0;
  private lastSecond: { second: number; text: string } | undefined;

  constructor(
    fields: readonly string[],
    {
      out = writeLine,
      headerEvery = 50,
      minWidth = 12,
      defaultPrecision = 3,
      timeZone,
      stream = "primary",
    }: LiveTableOptions = {},
  ) {
    super();
    if (!(headerEvery >= 1))
      throw new TypeError(`headerEvery must be at least 1, not ${headerEvery}`);
    this.fields = fields;
    this.out = out;
    this.headerEvery = headerEvery;
    this.minWidth = minWidth;
    this.defaultPrecision = defaultPrecision;
    this.stream = stream;
    this.clock = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZone,
    });
  }

  override start(doc: RunStart): void {
    this.runStart = doc;
    this.descriptorUid = undefined;
    this.columns = [];
    this.rows = 0;
  }

  override descriptor(doc: EventDescriptor): void {
    if (doc.name !== this.stream || this.descriptorUid !== undefined) return;
    this.descriptorUid = doc.uid;
    this.columns = [
      { title: "seq_num", width: 9, cell: (e) => String(e.seq_num) },
      { title: "time", width: 10, cell: (e) => this.clockTime(e.time) },
      ...this.fields.flatMap((field) => this.fieldColumn(field, doc.data_keys[field])),
    ];
    this.printHeader();
  }

  override event(doc: Event): void {
    if (doc.descriptor !== this.descriptorUid) return;
    if (this.rows > 0 && this.rows % this.headerEvery === 0) this.printHeader();
    this.out(this.line(this.columns.map((column) => column.cell(doc))));
    this.rows += 1;
  }

  override stop(doc: RunStop): void {
    if (this.descriptorUid !== undefined) this.out(this.border());
    const start = this.runStart;
    if (start && start.uid === doc.run_start) {
      const plan = start.plan_name ?? "(unnamed plan)";
      this.out(
        `generator ${plan} ['${start.uid.slice(0, 8)}'] (scan num: ${start.scan_id ?? "none"})`,
      );
    }
    this.runStart = undefined;
    this.descriptorUid = undefined;
  }

  /** A column for a field the descriptor has; none for others, nor for arrays (no room). */
  private fieldColumn(field: string, key: DescriptorDataKey | undefined): Column[] {
    if (!key || key.dtype === "array" || key.shape.length > 0) return [];
    const precision = Math.min(100, Math.max(0, key.precision ?? this.defaultPrecision));
    const format = (value: unknown): string => {
      if (value === undefined || value === null) return "";
      if (typeof value !== "number") return String(value);
      return value.toFixed(key.dtype === "integer" ? 0 : precision);
    };
    const width = Math.max(this.minWidth - 2, field.length);
    return [{ title: field, width, cell: (e) => format(e.data[field]) }];
  }

  private printHeader(): void {
    this.out(this.border());
    this.out(this.line(this.columns.map((column) => column.title)));
    this.out(this.border());
  }

  private border(): string {
    return `+${this.columns.map((column) => "-".repeat(column.width + 2)).join("+")}+`;
  }

  private line(cells: string[]): string {
    const padded = cells.map((cell, i) => ` ${cell.padStart(this.columns[i]!.width)} `);
    return `|${padded.join("|")}|`;
  }

  /** HH:MM:SS.s, tenths cut rather than rounded, as bluesky's. */
  private clockTime(time: number): string {
    const ms = Math.floor(time * 1000);
    const tenths = Math.floor(time * 10) % 10;
    return `${this.wholeSecond(Math.floor(ms / 1000))}.${tenths}`;
  }

  /** HH:MM:SS of a second since the epoch; rows come many a second, so the last is kept. */
  private wholeSecond(second: number): string {
    if (second === this.lastSecond?.second) return this.lastSecond.text;
    const parts = this.clock.formatToParts(new Date(second * 1000));
    const part = (type: Intl.DateTimeFormatPartTypes): string =>
      parts.find((p) => p.type === type)?.value ?? "??";
    const text = `${part("hour")}:${part("minute")}:${part("second")}`;
    this.lastSecond = { second, text };
    return text;
  }
}
