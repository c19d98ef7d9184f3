import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Clock } from "../../core/index.js";
import { realClock } from "../../core/index.js";
import type { ByteEvent, CassetteHeader, CassetteKind, ModbusEvent } from "./cassette-format.js";
import { CASSETTE_VERSION, roundTime } from "./cassette-format.js";

export interface CassetteWriterOptions {
  kind: CassetteKind;
  /** What is being recorded, for people: "the SMC100 driver against its emulator: ...". */
  recorded: string;
  /** Times the events (default the real clock); t = 0 when the writer is created. */
  clock?: Clock;
  /** Anything a tool needs to replay the cassette; JSON. */
  meta?: Record<string, unknown>;
}

/**
 * Writes one cassette file: the header at once, then each event as one line, handed to the
 * operating system before write() returns, so a crash loses nothing already recorded.
 * Several recorders (one per port) may share one writer; each event names its channel.
 */
export class CassetteWriter {
  readonly path: string;
  readonly kind: CassetteKind;
  readonly clock: Clock;
  private readonly start: number;
  private fd: number | undefined;
  private count = 0;

  /** Creates (or truncates) the file and its folder, and writes the header line. */
  constructor(path: string, { kind, recorded, clock = realClock, meta }: CassetteWriterOptions) {
    this.path = path;
    this.kind = kind;
    this.clock = clock;
    this.start = clock.now();
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
    const header: CassetteHeader = {
      cassette: "hil",
      version: CASSETTE_VERSION,
      kind,
      recorded,
      start: this.start,
      ...(meta ? { meta } : {}),
    };
    writeSync(this.fd, `${JSON.stringify(header)}\n`);
  }

  /** Events written so far. */
  get events(): number {
    return this.count;
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  /** Seconds since the writer was created, on its clock, to the microsecond. */
  time(): number {
    return roundTime(Math.max(0, this.clock.now() - this.start));
  }

  /** Appends one event; after close() it is dropped (a reply that came too late to keep). */
  write(event: ByteEvent | ModbusEvent): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    this.count++;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
