import type { NamedDocument } from "../../core/index.js";

/**
 * A document's place in its run: `run` is the run's start uid and `seq` counts the run's
 * documents from 1 (the start document) in the order the engine emitted them, whatever
 * their kind, so the stop document's `seq` is the run's document count. Bluesky has no
 * such number (events' `seq_num` counts only one stream's events), and event-model's event
 * schema forbids extra fields, so it travels beside the document, never inside it.
 */
export interface DocumentSequence {
  readonly run: string;
  readonly seq: number;
}

/** Documents that others name by uid to say which run they belong to. */
const OWNERS: ReadonlySet<string> = new Set(["descriptor", "resource", "stream_resource"]);

/**
 * Numbers documents per run as they are emitted. Documents find their run through
 * `run_start` (descriptor, stop, resource, stream_resource), their descriptor (event,
 * event_page) or their resource (datum, datum_page, stream_datum); one that names none
 * belongs to the run started last.
 */
export class DocumentSequencer {
  private readonly counts = new Map<string, number>();
  private readonly owners = new Map<string, string>();
  private last = "";

  next(...[name, doc]: NamedDocument): DocumentSequence {
    const fields = doc as unknown as Record<string, unknown>;
    let run: string;
    if (name === "start") {
      run = String(fields.uid);
      this.last = run;
    } else {
      run =
        (typeof fields.run_start === "string" ? fields.run_start : undefined) ??
        this.ownerOf(fields.descriptor) ??
        this.ownerOf(fields.resource) ??
        this.ownerOf(fields.stream_resource) ??
        this.last;
    }
    if (OWNERS.has(name) && typeof fields.uid === "string") {
      this.owners.set(fields.uid, run);
    }
    const seq = (this.counts.get(run) ?? 0) + 1;
    this.counts.set(run, seq);
    if (name === "stop") this.forget(run);
    return { run, seq };
  }

  private ownerOf(key: unknown): string | undefined {
    return typeof key === "string" ? this.owners.get(key) : undefined;
  }

  private forget(run: string): void {
    this.counts.delete(run);
    for (const [key, owner] of this.owners) if (owner === run) this.owners.delete(key);
  }
}

/** What a receiver learns from one document's sequence number. */
export type SequenceVerdict =
  { kind: "next" } | { kind: "repeat" } | { kind: "gap"; missing: number };

/**
 * The receiving side: tells, per run, whether each sequence number follows the last one,
 * repeats it (a replay after a reconnect, or a split event page) or skips some (a gap).
 */
export class SequenceChecker {
  private readonly last = new Map<string, number>();
  gaps = 0;
  missing = 0;

  check({ run, seq }: DocumentSequence): SequenceVerdict {
    const last = this.last.get(run) ?? 0;
    if (seq <= last) return { kind: "repeat" };
    this.last.set(run, seq);
    if (seq === last + 1) return { kind: "next" };
    this.gaps += 1;
    this.missing += seq - last - 1;
    return { kind: "gap", missing: seq - last - 1 };
  }
}
