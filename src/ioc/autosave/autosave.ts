// Saves tracked fields to one .sav file when they change, as synApps autosave's monitor
// sets do: a change starts a timer of `periodSeconds`, every change before it fires joins
// the same write, so a field changing all the time is still saved once per period.
import type { Clock, Timer } from "../../core/index.js";
import { type AutosaveFs, nodeAutosaveFs } from "./autosave-fs.js";
import { dateStamp } from "./date-stamp.js";
import { normalizePvName, type SavedValue } from "./save-file-format.js";
import { backupPathOf, why, writeFileAtomically } from "./save-file-store.js";
import { saveFileBody, saveFileHeader, type SaveEntry } from "./save-file-writer.js";
import { type BootBackup, type RestoredValues, restoreSaveFile } from "./restore.js";

export interface AutosaveOptions {
  /** The save file, e.g. `autosave/ioc.sav`; its backup is the same name plus `B`. */
  readonly file: string;
  /** Times the writes; a VirtualClock runs them with no waiting. */
  readonly clock: Clock;
  /** Longest time from a change to its write, and shortest between writes (default 5 s). */
  readonly periodSeconds?: number;
  /** Where problems go: damaged files, failed writes, fields that cannot be read. */
  readonly log?: (message: string) => void;
  readonly fs?: AutosaveFs;
  /** The copy kept of the file restored at start (default `plain`: `file.bu`). */
  readonly bootBackup?: BootBackup;
}

/** Reads a field's current value as text, or its elements as text for an array. */
export type FieldReader = () => SavedValue;

export class Autosave {
  readonly file: string;
  private readonly clock: Clock;
  private readonly periodSeconds: number;
  private readonly log: (message: string) => void;
  private readonly fs: AutosaveFs;
  private readonly bootBackup: BootBackup;
  private readonly tracked = new Map<string, FieldReader>();
  private timer: Timer | undefined;
  private dirty = false;
  private closed = false;
  /** Writes run one after another; this is the last one queued. */
  private writing: Promise<void> = Promise.resolve();
  /** What the last good write held, less its dated header, so equal saves are skipped. */
  private lastBody: string | undefined;

  constructor(options: AutosaveOptions) {
    this.file = options.file;
    this.clock = options.clock;
    this.periodSeconds = options.periodSeconds ?? 5;
    this.log = options.log ?? ((message) => console.warn(`autosave: ${message}`));
    this.fs = options.fs ?? nodeAutosaveFs;
    this.bootBackup = options.bootBackup ?? "plain";
  }

  /**
   * The values saved by the last run, to apply before PINI. A damaged file is reported and
   * none of its values given; the .savB backup is used instead when it is whole.
   */
  restore(): Promise<RestoredValues> {
    return restoreSaveFile({
      file: this.file,
      fs: this.fs,
      log: this.log,
      now: this.clock.now(),
      bootBackup: this.bootBackup,
    });
  }

  /** Saves `pv` (`rec.FIELD`; `rec` means `rec.VAL`) from now on, read by `read`. */
  track(pv: string, read: FieldReader): void {
    if (this.closed) throw new Error(`autosave of ${this.file} is closed`);
    this.tracked.set(normalizePvName(pv), read);
  }

  /** Whether `pv` is saved, so a caller can skip calling changed() for other fields. */
  isTracked(pv: string): boolean {
    return this.tracked.has(normalizePvName(pv));
  }

  /** Notes that `pv` changed; the file is written within one period. Others are ignored. */
  changed(pv: string): void {
    if (this.isTracked(pv)) this.markDirty();
  }

  private markDirty(): void {
    if (this.closed) return;
    this.dirty = true;
    this.timer ??= this.clock.schedule(this.periodSeconds, () => {
      this.timer = undefined;
      this.queueWrite();
    });
  }

  /** Writes what changed now instead of at the end of the period, and waits for it. */
  async flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.dirty) this.queueWrite();
    await this.writing;
  }

  /** Writes what changed and stops: later changes are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private queueWrite(): void {
    this.writing = this.writing.then(() => this.write());
  }

  private async write(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const body = saveFileBody(this.readAll());
    if (body === this.lastBody) return;
    const text = `${saveFileHeader(dateStamp(this.clock.now()))}\n${body}`;
    try {
      await writeFileAtomically(this.fs, this.file, text);
    } catch (e) {
      this.log(`${this.file}: cannot save: ${why(e)}; the old file is kept`);
      // Try again a period later, unless closing: then the log is all there is to do.
      this.markDirty();
      return;
    }
    this.lastBody = body;
    const backup = backupPathOf(this.file);
    await writeFileAtomically(this.fs, backup, text).catch((e: unknown) =>
      this.log(`${backup}: cannot save the backup: ${why(e)}`),
    );
  }

  private *readAll(): Generator<SaveEntry> {
    for (const [pv, read] of this.tracked) {
      let value: SavedValue | undefined;
      try {
        value = read();
      } catch (e) {
        this.log(`${pv}: cannot read it to save: ${why(e)}`);
      }
      yield { pv, value };
    }
  }
}
