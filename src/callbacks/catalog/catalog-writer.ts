import type { Event, EventDescriptor, EventPage, RunStart, RunStop } from "../../core/index.js";
import { CallbackBase } from "../callback-base.js";
import type { RunCatalog, RunFilePaths } from "./run-catalog.js";

export interface CatalogWriterOptions {
  /** The files this run is written to, stored with it. */
  files?: RunFilePaths;
  /** Told once when the catalog cannot be written; the documents go on to other callbacks. */
  warn?: (message: string) => void;
}

/**
 * Indexes a run in a RunCatalog as it is written: inserted at start, its streams at their
 * descriptors, events counted as they come, completed at stop. A run that never stops (the
 * process was killed) stays in the catalog with no exit status, which says so.
 */
export class CatalogWriter extends CallbackBase {
  private readonly catalog: RunCatalog;
  private readonly files: RunFilePaths;
  private readonly warn: (message: string) => void;
  private failed = false;

  constructor(catalog: RunCatalog, { files = {}, warn = console.warn }: CatalogWriterOptions = {}) {
    super();
    this.catalog = catalog;
    this.files = files;
    this.warn = warn;
  }

  override start(doc: RunStart): void {
    this.failed = false;
    this.guard(() => this.catalog.addStart(doc, this.files));
  }

  override descriptor(doc: EventDescriptor): void {
    this.guard(() => this.catalog.addDescriptor(doc));
  }

  override event(doc: Event): void {
    this.guard(() => this.catalog.addEvents(doc.descriptor, 1));
  }

  override event_page(doc: EventPage): void {
    this.guard(() => this.catalog.addEvents(doc.descriptor, doc.seq_num.length));
  }

  override stop(doc: RunStop): void {
    this.guard(() => this.catalog.addStop(doc));
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
