// One field of one record as a CA process variable: `rec.FIELD`, with the record's alarm and
// time stamp, the field's metadata, puts through dbPutField and monitors on the field's posts.
// `rec.FIELD$` serves a string or link field as a character array (long strings).
import {
  AccessRights,
  type CaClientIdentity,
  type CaPv,
  type CaPvState,
  type CaPvUpdate,
  type CaWriteOptions,
  CaPvError,
  ECA,
  DBR,
  type DbrValueInput,
  type DbrValueType,
  epicsTimestampFromUnix,
  type EpicsTimestamp,
  toDbrValue,
} from "../../ca/index.js";
import { menus } from "../db/index.js";
import type { IocDatabase } from "./database.js";
import type { PutValue } from "./field-put.js";
import type { FieldMetadata } from "./support.js";
import { linkText } from "./links.js";
import type { IocRecord } from "./record.js";

/** Characters a `$` read of a link field may hold (EPICS: PVLINK's text). */
const LONG_LINK_SIZE = 4096;

export interface FieldAccess {
  /** Rights of a client on this field (access security); READ|WRITE when absent. */
  rights?(record: IocRecord, field: string, client: CaClientIdentity): number;
  /** A put was refused for want of rights; the IOC logs it with user and host. */
  refused?(record: IocRecord, field: string, client: CaClientIdentity, why: string): void;
}

export class FieldPv implements CaPv {
  readonly nativeType: DbrValueType;
  readonly maxCount: number;
  readonly className: string;
  #state: CaPvState | undefined;
  #version = -1;
  #metadataCache: { version: number; metadata: FieldMetadata } | undefined;
  #stamp: { time: number; epics: EpicsTimestamp } | undefined;

  constructor(
    private readonly database: IocDatabase,
    readonly record: IocRecord,
    readonly field: string,
    private readonly longString: boolean,
    private readonly access: FieldAccess = {},
  ) {
    const support = record.kind.support;
    const info = record.info(field);
    this.className = record.type;
    if (longString) {
      this.nativeType = DBR.CHAR;
      const spec = info?.spec;
      this.maxCount =
        typeof spec === "object" && spec.type === "STRING"
          ? spec.size
          : record.type === "lsi" || record.type === "lso"
            ? Math.max(record.num("SIZV"), 1)
            : LONG_LINK_SIZE;
    } else {
      this.nativeType = support.caType?.(record, field) ?? info?.caType ?? DBR.STRING;
      this.maxCount = support.maxCount?.(record, field) ?? 1;
    }
  }

  read(): CaPvState {
    const version = this.record.version;
    if (!this.#state || version !== this.#version) {
      this.#state = this.#compose();
      this.#version = version;
    }
    return this.#state;
  }

  write(value: DbrValueInput, client: CaClientIdentity, options?: CaWriteOptions): Promise<void> {
    // Rights are checked again at each put: a CALC rule's inputs may have changed them.
    if (!(this.accessRights(client) & AccessRights.WRITE)) {
      const why = "no write access";
      this.access.refused?.(this.record, this.field, client, why);
      return Promise.reject(
        new CaPvError(`${this.record.name}.${this.field}: ${why}`, ECA.NOWTACCESS),
      );
    }
    const put = this.longString ? textOfChars(value) : (value as PutValue);
    try {
      return this.database.put(this.record, this.field, put, {
        callback: options?.callback ?? true,
      });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  writeRefused(client: CaClientIdentity): void {
    this.access.refused?.(this.record, this.field, client, "no write access");
  }

  subscribe(listener: (update: CaPvUpdate) => void): () => void {
    return this.record.watch(this.field, (_field, mask) => {
      this.#version = -1;
      listener({ state: this.read(), events: mask });
    });
  }

  accessRights(client: CaClientIdentity): number {
    const info = this.record.info(this.field);
    const granted =
      this.access.rights?.(this.record, this.field, client) ?? AccessRights.READ_WRITE;
    return info?.readOnly ? granted & AccessRights.READ : granted;
  }

  /**
   * A new state of one fixed shape: a record posts thousands a second, and objects of one
   * shape are what the engine allocates fastest.
   */
  #compose(): CaPvState {
    const record = this.record;
    const m = this.#metadata();
    return {
      value: this.#value(),
      status: record.num("STAT"),
      severity: record.num("SEVR"),
      timestamp: this.#timestamp(),
      ackTransient: record.num("ACKT"),
      ackSeverity: record.num("ACKS"),
      units: m.units,
      precision: m.precision,
      upperDisplayLimit: m.upperDisplayLimit,
      lowerDisplayLimit: m.lowerDisplayLimit,
      upperAlarmLimit: m.upperAlarmLimit,
      upperWarningLimit: m.upperWarningLimit,
      lowerWarningLimit: m.lowerWarningLimit,
      lowerAlarmLimit: m.lowerAlarmLimit,
      upperControlLimit: m.upperControlLimit,
      lowerControlLimit: m.lowerControlLimit,
      enumStrings: m.enumStrings,
      enumText: m.enumText,
    };
  }

  /** The record's time stamp in EPICS form, made again only when the record's time moved. */
  #timestamp(): EpicsTimestamp {
    const time = this.record.time;
    if (this.#stamp?.time !== time) {
      this.#stamp = { time, epics: epicsTimestampFromUnix(time) };
    }
    return this.#stamp.epics;
  }

  /** Units, limits and states: kept until a put or a DBE_PROPERTY post may have moved them. */
  #metadata(): FieldMetadata {
    if (this.#metadataCache?.version === this.record.configVersion) {
      return this.#metadataCache.metadata;
    }
    const record = this.record;
    const metadata = record.kind.support.metadata?.(record, this.field) ?? {};
    const choices =
      this.nativeType === DBR.ENUM && !metadata.enumStrings ? this.#choices() : undefined;
    const complete = choices ? { ...metadata, enumStrings: choices } : metadata;
    this.#metadataCache = { version: record.configVersion, metadata: complete };
    return complete;
  }

  /** A menu's or DTYP's choices. */
  #choices(): readonly string[] | undefined {
    const spec = this.record.info(this.field)?.spec;
    if (typeof spec === "object" && spec.type === "MENU") return menus[spec.menu];
    return spec === "DEVICE" ? this.record.kind.devices : undefined;
  }

  #value(): DbrValueInput {
    const record = this.record;
    const info = record.info(this.field);
    const raw = info?.isLink
      ? linkText(record.links.get(this.field), info.spec === "FWDLINK")
      : record.get(this.field);
    const count = record.kind.support.currentCount?.(record, this.field);
    if (count === 0) return this.longString ? new Uint8Array(0) : [];
    if (this.longString) return charsOf(String(raw), this.maxCount);
    // An enum (or a float) in its native type, so that a read as a string is its state's
    // name (or a float's digits), not a double's; other numbers the codec takes as they are.
    const typed = this.nativeType === DBR.ENUM || this.nativeType === DBR.FLOAT;
    return typeof raw === "number" && typed ? toDbrValue(raw, this.nativeType) : raw;
  }
}

/** A string as a NUL-terminated character array, cut to fit. */
function charsOf(text: string, size: number): Uint8Array {
  const bytes = Buffer.from(text, "utf8").subarray(0, size - 1);
  const chars = new Uint8Array(bytes.length + 1);
  chars.set(bytes);
  return chars;
}

/** What a client wrote to a `$` field: characters up to the first NUL. */
function textOfChars(value: DbrValueInput): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return String(value[0] ?? "");
  const bytes = Uint8Array.from(value as ArrayLike<number>);
  const end = bytes.indexOf(0);
  return Buffer.from(end >= 0 ? bytes.subarray(0, end) : bytes).toString("utf8");
}
