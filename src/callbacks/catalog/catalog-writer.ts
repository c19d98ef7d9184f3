import type { Event, EventDescriptor, EventPage, RunStart, RunStop } from "../../core/index.js";
import { CallbackBase } from "../callback-base.js";
import type { RunCatalog, RunFilePaths } from "./run-catalog.js";

export interface CatalogWriterOptions {
  /** The files this run is written to, stored with it. */
  files?: RunFilePaths;
  /** Told once when the catalog cannot be written; the documents go on to other callbacks. */
  warn?: (message: string) => void;
}

/** Event counts are written at most this often (ms): a fast scan pays no write per event. */
const COUNT_INTERVAL_MS = 200;

/**
 * Indexes a run in a RunCatalog as it is written: inserted at start, its streams at their
 * descriptors, events counted as they come (written at the first and then every 200 ms),
 * completed at stop. A run that never stops (the process was killed) stays in the catalog
 * with no exit status, which says so; its counts may miss the last 200 ms of events, which
 * a reindex from its file restores.
 */
export class CatalogWriter extends CallbackBase {
  private readonly catalog: RunCatalog;
  private readonly files: RunFilePaths;
  private readonly warn: (message: string) => void;
  private failed = false;
  /** Events counted but not yet written, by descriptor uid. */
  private readonly pending = new Map<string, number>();
  private lastWrite = -Infinity;

  constructor(catalog: RunCatalog, { files = {}, warn = console.warn }: CatalogWriterOptions = {}) {
    super();
    this.catalog = catalog;
    this.files = files;
    this.warn = warn;
  }

  override start(doc: RunStart): void {
    this.failed = false;
    this.pending.clear();
    this.lastWrite = -Infinity;
    this.guard(() => this.catalog.addStart(doc, this.files));
  }

  override descriptor(doc: EventDescriptor): void {
    this.guard(() => this.catalog.addDescriptor(doc));
  }

  override event(doc: Event): void {
    this.count(doc.descriptor, 1);
  }

  override event_page(doc: EventPage): void {
    this.count(doc.descriptor, doc.seq_num.length);
  }

  override stop(doc: RunStop): void {
    this.guard(() =>
      this.catalog.transaction(() => {
        this.writeCounts();
        this.catalog.addStop(doc);
      }),
    );
  }

  /** Writes the event counts not yet written (a run that ended without a stop document). */
  flush(): void {
    if (this.pending.size > 0) this.guard(() => this.catalog.transaction(() => this.writeCounts()));
  }

  private count(descriptor: string, events: number): void {
    this.pending.set(descriptor, (this.pending.get(descriptor) ?? 0) + events);
    if (performance.now() - this.lastWrite >= COUNT_INTERVAL_MS) {
      this.guard(() => this.catalog.transaction(() => this.writeCounts()));
    }
  }

  private writeCounts(): void {
    for (const [descriptor, events] of this.pending) this.catalog.addEvents(descriptor, events);
    this.pending.clear();
    this.lastWrite = performance.now();
  }

  /** A catalog that cannot be written costs the run its index entry, never its documents. */
  private guard(write: () => void): void {
    if (this.failed) return;
    try {
      write();
    } catch (error) {
      this.failed = true;
      this.warn(`${this.catalog.path}: run not indexed: ${(error as Error).message}`);
    }
  }
}
