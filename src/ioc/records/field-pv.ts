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
  toDbrValue,
} from "../../ca/index.js";
import { menus } from "../db/index.js";
import type { IocDatabase } from "./database.js";
import type { PutValue } from "./field-put.js";
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

  #compose(): CaPvState {
    const record = this.record;
    const metadata = record.kind.support.metadata?.(record, this.field) ?? {};
    const choices =
      this.nativeType === DBR.ENUM && !metadata.enumStrings ? this.#choices() : undefined;
    return {
      ...metadata,
      ...(choices ? { enumStrings: choices } : {}),
      status: record.num("STAT"),
      severity: record.num("SEVR"),
      timestamp: epicsTimestampFromUnix(record.time),
      ackTransient: record.num("ACKT"),
      ackSeverity: record.num("ACKS"),
      value: this.#value(),
    };
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
    // In the native type, so that what the server converts to starts from the field's type
    // (an enum read as a string is its state's name, not the number's digits).
    return typeof raw === "number" ? toDbrValue(raw, this.nativeType) : raw;
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
