// One record: its fields, links, alarm state and monitors. Processing (processing.ts) and the
// record supports (types/) work on it; the field PVs (field-pv.ts) serve it to clients.
import type { Clock } from "../../core/index.js";
import type { FieldValue } from "./field-types.js";
import { castToField } from "./field-types.js";
import type { Link } from "./links.js";
import type { FieldInfo, RecordKind } from "./record-kind.js";

/** DBE bits a post carries. */
export const DBE_VALUE = 1;
export const DBE_LOG = 2;
export const DBE_ALARM = 4;
export const DBE_PROPERTY = 8;

/** What a record needs from the database it lives in. */
export interface RecordHost {
  readonly clock: Clock;
  /** dbProcess: processes the record now, within the current put-notify if any. */
  process(record: IocRecord): void;
  /** Raises a named event (SCAN Event records with that EVNT process). */
  postEvent(name: string): void;
  /** scanOnce: processes the record soon, outside the current pass. */
  scanOnce(record: IocRecord): void;
  /** The pass is complete (recGblFwdLink's bookkeeping): put-notify, RPRO. */
  finished(record: IocRecord): void;
  /** Runs an asynchronous record's later work as dbProcess would: within its put-notify. */
  resume(record: IocRecord, work: () => void): void;
  /** A field was put at run time (a link to resolve again, SCAN to reschedule). */
  fieldChanged(record: IocRecord, field: string): void;
  log(message: string): void;
}

export type FieldWatcher = (field: string, mask: number) => void;

export class IocRecord {
  /** Own values over the kind's initial ones (the prototype): one lookup for either. */
  readonly #values: Record<string, FieldValue>;
  readonly links = new Map<string, Link>();
  #watchers: Map<string, Set<FieldWatcher>> | undefined;
  /** Processing is active (an asynchronous record between its start and completion): PACT. */
  get pact(): boolean {
    return this.num("PACT") !== 0;
  }

  set pact(active: boolean) {
    if (this.pact !== active) this.set("PACT", active ? 1 : 0);
  }

  /** A put came while PACT: process again when this pass completes. */
  rpro = false;
  /** The time stamp of the last processing, in POSIX seconds. */
  time: number;
  /** Where the pending alarm's message comes from (AMSG). */
  nextMessage = "";
  /** Counts every stored change, so a field's served state knows when it is stale. */
  version = 0;
  /**
   * Counts puts and DBE_PROPERTY posts: the units, limits and states clients see change only
   * then, so a field's metadata is kept until it moves.
   */
  configVersion = 0;
  /** State a record support keeps between passes. */
  private: unknown;
  /** An output's write to its device in progress: the pass ends when it settles. */
  deviceWrite: Promise<FieldValue | undefined> | undefined;

  constructor(
    readonly host: RecordHost,
    readonly kind: RecordKind,
    readonly name: string,
  ) {
    this.time = host.clock.now();
    this.#values = Object.create(kind.initialValues) as Record<string, FieldValue>;
  }

  get type(): string {
    return this.kind.type;
  }

  info(field: string): FieldInfo | undefined {
    return this.kind.field(field);
  }

  get(field: string): FieldValue {
    return this.#values[field] ?? 0;
  }

  num(field: string): number {
    const value = this.get(field);
    return typeof value === "number" ? value : Number(value);
  }

  text(field: string): string {
    const value = this.get(field);
    return typeof value === "string" ? value : String(value);
  }

  /** Stores a value (a number cast to the field's type) without posting it. */
  set(field: string, value: FieldValue): void {
    const info = this.kind.field(field);
    this.version += 1;
    this.#values[field] = typeof value === "number" && info ? castToField(info.spec, value) : value;
  }

  /** Stores and posts DBE_VALUE|DBE_LOG when the value changed. */
  update(field: string, value: FieldValue): void {
    const before = this.get(field);
    this.set(field, value);
    const after = this.get(field);
    if (!Object.is(before, after)) this.post(field, DBE_VALUE | DBE_LOG);
  }

  get scanPassive(): boolean {
    return this.num("SCAN") === 0;
  }

  get udf(): boolean {
    return this.num("UDF") !== 0;
  }

  set udf(undefinedValue: boolean) {
    this.set("UDF", undefinedValue ? 1 : 0);
  }

  /** recGblSetSevr: raises the pending alarm when the severity is higher. */
  raiseAlarm(status: number, severity: number, message = ""): boolean {
    if (severity <= this.num("NSEV")) return false;
    this.set("NSTA", status);
    this.set("NSEV", severity);
    this.nextMessage = message;
    return true;
  }

  /**
   * recGblResetAlarms: makes the pending alarm current, posts STAT/SEVR/ACKS as they
   * change and returns DBE_ALARM when the value field's monitors must hear of it.
   */
  resetAlarms(): number {
    const previousStatus = this.num("STAT");
    const previousSeverity = this.num("SEVR");
    const previousMessage = this.text("AMSG");
    const status = this.num("NSTA");
    const severity = this.num("NSEV");
    this.set("STAT", status);
    this.set("SEVR", severity);
    this.set("AMSG", this.nextMessage);
    this.set("NSTA", 0);
    this.set("NSEV", 0);
    this.nextMessage = "";
    let statusMask = 0;
    if (previousSeverity !== severity) {
      statusMask = DBE_ALARM;
      this.post("SEVR", DBE_VALUE);
    }
    if (previousStatus !== status) statusMask |= DBE_VALUE;
    if (previousMessage !== this.text("AMSG")) {
      statusMask |= DBE_VALUE;
      this.post("AMSG", DBE_VALUE);
    }
    if (statusMask === 0) return 0;
    this.post("STAT", statusMask);
    if (this.num("ACKT") === 0 || severity >= this.num("ACKS")) {
      this.set("ACKS", severity);
      this.post("ACKS", DBE_VALUE);
    }
    return DBE_ALARM;
  }

  /** recGblGetTimeStamp with TSE 0: the clock's time now. */
  stamp(): void {
    this.time = this.host.clock.now();
    this.version += 1;
  }

  /** Tells the field's watchers; a DBE_PROPERTY post reaches every field's watchers. */
  post(field: string, mask: number): void {
    if (mask & DBE_PROPERTY) this.configVersion += 1;
    if (!this.#watchers) return;
    if (mask & DBE_PROPERTY) {
      for (const [name, watchers] of this.#watchers) {
        for (const watcher of [...watchers]) watcher(name, mask);
      }
      return;
    }
    const watchers = this.#watchers.get(field);
    if (watchers) for (const watcher of [...watchers]) watcher(field, mask);
  }

  watch(field: string, watcher: FieldWatcher): () => void {
    this.#watchers ??= new Map();
    let watchers = this.#watchers.get(field);
    if (!watchers) this.#watchers.set(field, (watchers = new Set()));
    watchers.add(watcher);
    return () => watchers.delete(watcher);
  }
}
