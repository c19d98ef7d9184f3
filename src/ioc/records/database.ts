// The running database: records built from parsed .db files, their links resolved, PINI,
// scanning on the clock, and dbProcess with put-notify bookkeeping. The CA provider
// (provider.ts) serves its fields.
import type { Clock } from "../../core/index.js";
import type { DbDatabase, DbRecord } from "../db/index.js";
import { SEVR, STAT } from "./alarm-codes.js";
import { fieldFromText } from "./field-types.js";
import { putField, type PutValue } from "./field-put.js";
import { getLinkNumber } from "./link-io.js";
import { DEVICE_DTYP, type DeviceChannels } from "./device-channel.js";
import { type HardwareLink, LinkSyntaxError, parseLink } from "./links.js";
import { JoinedNotifies, type NotifyScope, PutNotify } from "./put-notify.js";
import { DBE_ALARM, DBE_VALUE, IocRecord, type RecordHost } from "./record.js";
import { RecordKind } from "./record-kind.js";
import type { RecordSupport } from "./support.js";
import { recordSupports } from "./supports.js";
import { SCAN_IO_INTR, Scanner } from "./scanner.js";
import { CaLinks, type CaLinkOptions } from "./ca-links.js";

export interface IocDatabaseOptions {
  readonly clock: Clock;
  /**
   * Links to names that are no record here go to other IOCs over Channel Access with
   * these settings; without them such links stay unconnected (and are reported).
   */
  readonly caLinks?: CaLinkOptions;
  /** Record supports beyond the built-in types (the motor record). */
  readonly supports?: Readonly<Record<string, RecordSupport>>;
  /** What "hil Device" records' INP/OUT "@address" name: served devices' signals. */
  readonly deviceChannels?: DeviceChannels;
  readonly log?: (message: string) => void;
}

/** A link that could not be made; the IOC still starts, as softIoc does, and reports it. */
export interface LinkProblem {
  readonly record: string;
  readonly field: string;
  readonly message: string;
}

const PINI_YES = 1;
const PINI_RUN = 2;

export class IocDatabase implements RecordHost {
  readonly clock: Clock;
  readonly records = new Map<string, IocRecord>();
  readonly linkProblems: LinkProblem[] = [];
  /** Settles once every record's init has what it waited for from its device. */
  readonly ready: Promise<void>;
  readonly #aliases = new Map<string, string>();
  readonly #kinds = new Map<string, RecordKind>();
  readonly #supports: Readonly<Record<string, RecordSupport>>;
  readonly #scanner: Scanner;
  /** The puts with callback each record's current pass belongs to. */
  readonly #notifiesOf = new Map<IocRecord, Set<NotifyScope>>();
  readonly #idleWaiters = new Map<IocRecord, (() => void)[]>();
  readonly #cpWatches: (() => void)[] = [];
  #current: NotifyScope | undefined;
  readonly #caLinks: CaLinks | undefined;
  readonly #deviceChannels: DeviceChannels;
  readonly #channelWatches: (() => void)[] = [];
  readonly #channelWatched = new Set<IocRecord>();
  readonly log: (message: string) => void;

  constructor(database: DbDatabase, options: IocDatabaseOptions) {
    this.clock = options.clock;
    this.log = options.log ?? (() => {});
    this.#supports = { ...recordSupports, ...options.supports };
    this.#scanner = new Scanner(this.clock, (record) => this.process(record));
    this.#caLinks = options.caLinks ? new CaLinks(this.clock, options.caLinks) : undefined;
    this.#deviceChannels = options.deviceChannels ?? (() => undefined);
    for (const definition of database.records.values()) this.#build(definition);
    for (const [alias, name] of database.aliases) this.#aliases.set(alias, name);
    for (const record of this.records.values()) this.#resolveLinks(record);
    const pending: Promise<void>[] = [];
    for (const record of this.records.values()) {
      const settled = record.kind.support.init?.(record);
      if (settled) pending.push(settled);
    }
    this.ready = Promise.all(pending).then(() => undefined);
  }

  /** A record by its name or an alias. */
  record(name: string): IocRecord | undefined {
    return this.records.get(name) ?? this.records.get(this.#aliases.get(name) ?? "");
  }

  /** iocInit's end: PINI records in PHAS order, CP links' first updates, then the scan lists. */
  start(): void {
    const pini = [...this.records.values()]
      .filter((record) => record.num("PINI") === PINI_YES || record.num("PINI") === PINI_RUN)
      .sort((a, b) => a.num("PHAS") - b.num("PHAS"));
    for (const record of pini) this.process(record);
    for (const record of this.records.values()) this.#watchInputs(record);
    for (const record of this.records.values()) this.#watchChannel(record);
    this.#scanner.start();
  }

  async stop(): Promise<void> {
    this.#scanner.stop();
    for (const record of this.records.values()) record.kind.support.stop?.(record);
    for (const unwatch of [...this.#cpWatches, ...this.#channelWatches]) unwatch();
    await this.#caLinks?.close();
  }

  /**
   * dbPutField, as a client's put. A refused value throws at once. With `callback` (a put
   * with callback, dbPutNotify) the promise is the put's completion: everything the put
   * processed has finished its pass; such a put to a record busy with an asynchronous pass
   * or another put with callback waits for it first, as dbNotify does. Without, the put is
   * made now (a busy record processes again when its pass ends) and the promise resolves.
   */
  put(
    record: IocRecord,
    field: string,
    value: PutValue,
    { callback = true }: { callback?: boolean } = {},
  ): Promise<void> {
    if (!callback) {
      const previous = this.#current;
      this.#current = undefined;
      try {
        putField(record, field, value);
      } finally {
        this.#current = previous;
      }
      return Promise.resolve();
    }
    if (record.pact || this.#notifiesOf.has(record)) {
      return new Promise<void>((resolve) => this.#whenIdle(record, resolve)).then(() =>
        this.put(record, field, value),
      );
    }
    const notify = new PutNotify();
    const previous = this.#current;
    this.#current = notify;
    try {
      putField(record, field, value);
    } finally {
      this.#current = previous;
    }
    notify.start();
    return notify.done;
  }

  /** dbcar's facts: each link to another IOC's PV, and whether it is connected now. */
  caLinkReport(): { record: string; field: string; pv: string; connected: boolean }[] {
    const report: { record: string; field: string; pv: string; connected: boolean }[] = [];
    for (const record of this.records.values()) {
      for (const [field, link] of record.links) {
        if (link.kind !== "pv" || !link.remote) continue;
        report.push({
          record: record.name,
          field,
          pv: link.pvName,
          connected: link.remote.connected,
        });
      }
    }
    return report;
  }

  /** scanIoRequest: an I/O Intr record has news from its device. */
  ioRequest(record: IocRecord): void {
    this.#scanner.ioRequest(record);
  }

  // RecordHost

  process(record: IocRecord): void {
    if (record.pact) return;
    const notify = this.#current;
    if (notify) {
      notify.enter(record);
      let notifies = this.#notifiesOf.get(record);
      if (!notifies) this.#notifiesOf.set(record, (notifies = new Set()));
      notifies.add(notify);
    }
    if (this.#disabled(record)) {
      this.finished(record);
      return;
    }
    record.kind.support.process(record);
  }

  finished(record: IocRecord): void {
    const notifies = this.#notifiesOf.get(record);
    if (notifies) {
      this.#notifiesOf.delete(record);
      for (const notify of notifies) notify.leave(record);
    }
    const waiters = this.#idleWaiters.get(record);
    if (waiters) {
      this.#idleWaiters.delete(record);
      for (const waiter of waiters) waiter();
    }
    if (record.rpro) {
      record.rpro = false;
      this.scanOnce(record);
    }
  }

  resume(record: IocRecord, work: () => void): void {
    const previous = this.#current;
    // Later work of a pass belongs to the puts that started or joined it.
    const notifies = this.#notifiesOf.get(record);
    this.#current =
      notifies === undefined
        ? undefined
        : notifies.size === 1
          ? notifies.values().next().value
          : new JoinedNotifies(new Set(notifies));
    try {
      work();
    } finally {
      this.#current = previous;
    }
  }

  scanOnce(record: IocRecord): void {
    this.#scanner.once(record);
  }

  postEvent(name: string): void {
    this.#scanner.postEvent(name);
  }

  fieldChanged(record: IocRecord, field: string): void {
    if (field === "SCAN" || field === "EVNT") {
      this.#scanner.remove(record);
      this.#scanner.add(record);
      if (field === "SCAN") this.#watchChannel(record);
    } else if (record.info(field)?.isLink) {
      this.#resolveLink(record, field);
    }
  }

  #whenIdle(record: IocRecord, resolve: () => void): void {
    const waiters = this.#idleWaiters.get(record) ?? [];
    waiters.push(resolve);
    this.#idleWaiters.set(record, waiters);
  }

  /** dbProcess's disable check: SDIS into DISA; DISA = DISV raises DISABLE with DISS. */
  #disabled(record: IocRecord): boolean {
    if (record.links.get("SDIS")?.kind === "pv") {
      const disa = getLinkNumber(record, "SDIS");
      if (disa !== undefined) record.set("DISA", disa);
    }
    if (record.num("DISA") !== record.num("DISV")) return false;
    if (record.num("STAT") !== STAT.DISABLE) {
      record.set("SEVR", record.num("DISS"));
      record.set("STAT", STAT.DISABLE);
      record.set("NSEV", SEVR.NO_ALARM);
      record.set("NSTA", STAT.NO_ALARM);
      record.post("STAT", DBE_VALUE);
      record.post("SEVR", DBE_VALUE);
      record.post(record.kind.support.valueField ?? "VAL", DBE_VALUE | DBE_ALARM);
    }
    return true;
  }

  #kind(type: string): RecordKind {
    let kind = this.#kinds.get(type);
    if (!kind) {
      const support = this.#supports[type];
      if (!support) throw new Error(`record type "${type}" has no record support`);
      kind = new RecordKind(type, support);
      this.#kinds.set(type, kind);
    }
    return kind;
  }

  #build(definition: DbRecord): void {
    const kind = this.#kind(definition.type);
    const record = new IocRecord(this, kind, definition.name);
    record.set("NAME", definition.name);
    // iocInit starts every record undefined and INVALID until it processes.
    record.set("SEVR", SEVR.INVALID);
    for (const field of definition.fields.values()) {
      const info = kind.field(field.name);
      if (!info) continue;
      record.set(field.name, fieldFromText(info.spec, field.value, kind.devices));
      // A value given in the file defines the record's value (dbPut of VAL at load).
      if (field.name === "VAL" && field.value !== "") record.udf = false;
    }
    this.records.set(definition.name, record);
    for (const alias of definition.aliases) this.#aliases.set(alias, definition.name);
    this.#scanner.add(record);
  }

  #resolveLinks(record: IocRecord): void {
    for (const info of record.kind.fields.values()) {
      if (info.isLink) this.#resolveLink(record, info.name);
    }
  }

  #resolveLink(record: IocRecord, field: string): void {
    const text = record.text(field);
    try {
      const link = parseLink(text);
      record.links.set(field, link);
      if (link.kind === "hardware") this.#bindChannel(record, field, link);
      if (link.kind !== "pv") return;
      link.target = this.record(link.recordName);
      if (!link.target && this.#caLinks) {
        link.remote = this.#caLinks.remote(link);
      } else if (!link.target) {
        this.#problem(record, field, `no record "${link.recordName}" in this IOC (${link.pvName})`);
      } else if (!link.target.info(link.field)) {
        this.#problem(record, field, `record "${link.recordName}" has no field ${link.field}`);
        link.target = undefined;
      }
    } catch (error) {
      if (!(error instanceof LinkSyntaxError)) throw error;
      record.links.set(field, { kind: "constant", text, value: undefined });
      this.#problem(record, field, error.message);
    }
  }

  /** A "hil Device" record's address names one of the served devices' channels. */
  #bindChannel(record: IocRecord, field: string, link: HardwareLink): void {
    if (record.kind.devices[record.num("DTYP")] !== DEVICE_DTYP) return;
    // The motor record's support finds its Motor device itself.
    if (record.type === "motor") return;
    const address = link.text.slice(1).trim();
    const channel = this.#deviceChannels(address);
    if (!channel) {
      throw new Error(`record "${record.name}": "${link.text}" names no served device signal`);
    }
    if (field === "OUT" && !channel.write) {
      throw new Error(`record "${record.name}": OUT "${link.text}" names a read-only signal`);
    }
    link.channel = channel;
  }

  /**
   * An I/O Intr record served from a device processes whenever the device has news (a
   * periodic one asks its device at each pass instead; one put to I/O Intr starts listening).
   */
  #watchChannel(record: IocRecord): void {
    const link = record.links.get("INP");
    if (link?.kind !== "hardware" || !link.channel) return;
    if (record.num("SCAN") !== SCAN_IO_INTR || this.#channelWatched.has(record)) return;
    this.#channelWatched.add(record);
    const news = (): void => {
      // At once rather than queued: a client told an acquisition is done reads its result.
      if (record.num("SCAN") === SCAN_IO_INTR && !record.pact) this.process(record);
    };
    this.#channelWatches.push(link.channel.watch(news));
  }

  #problem(record: IocRecord, field: string, message: string): void {
    this.linkProblems.push({ record: record.name, field, message });
  }

  /** CP/CPP input links: a change of the source processes the record (CPP: when passive). */
  #watchInputs(record: IocRecord): void {
    for (const link of record.links.values()) {
      if (link.kind !== "pv" || (link.process !== "CP" && link.process !== "CPP")) continue;
      const onlyPassive = link.process === "CPP";
      const trigger = (): void => {
        if (!onlyPassive || record.scanPassive) this.scanOnce(record);
      };
      const target = link.target;
      if (!target) {
        // A CA link's first update comes on connection and processes the record then.
        if (link.remote) this.#cpWatches.push(link.remote.watch(trigger));
        continue;
      }
      this.#cpWatches.push(
        target.watch(link.field, (_field, mask) => {
          if (mask & (DBE_VALUE | DBE_ALARM)) trigger();
        }),
      );
      trigger();
    }
  }
}
