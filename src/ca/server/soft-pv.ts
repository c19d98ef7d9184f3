/**
 * A process variable held in memory: a value with its metadata, posted by the program and
 * written by clients. It is the model for examples and tests, and a base for anything that
 * only needs "store the value, tell the subscribers".
 */
import { realClock, type Clock } from "../../core/index.js";
import {
  AccessRights,
  DBE,
  DBR,
  epicsTimestampFromUnix,
  toDbrValue,
  valueTypeOf,
  type DbrMetadata,
  type DbrValue,
  type DbrValueInput,
  type DbrValueType,
} from "../codec/index.js";
import type { CaClientIdentity, CaPv, CaPvState, CaPvUpdate } from "./provider.js";

/** The metadata of a PV: everything of its state but the value. */
export type SoftPvMetadata = Omit<DbrMetadata, "value">;

/**
 * Called with each client write (already converted to the native type), before the value is
 * stored. Throwing refuses the write (the value stays); a returned promise is the write's
 * completion, which a WRITE_NOTIFY waits for (a motor reaching its target).
 */
export type SoftPvWriteHandler = (
  value: DbrValue,
  client: CaClientIdentity,
  pv: SoftPv,
) => void | Promise<void>;

export interface SoftPvOptions {
  value: DbrValueInput;
  /** The DBF type (default: ENUM with enumStrings, else from the value: number DOUBLE, text STRING). */
  nativeType?: DbrValueType;
  /** Most elements the value may hold (default: the initial value's length). */
  maxCount?: number;
  metadata?: SoftPvMetadata;
  /** The record type DBR_CLASS_NAME reports. */
  className?: string;
  /** Clients may write (default true). */
  writable?: boolean;
  onWrite?: SoftPvWriteHandler;
  /** Per-client rights; by default READ, plus WRITE when writable. */
  accessRights?: (client: CaClientIdentity) => number;
  /** Time stamps come from it (default the real clock). */
  clock?: Clock;
}

function inferType(value: DbrValueInput, metadata: SoftPvMetadata | undefined): DbrValueType {
  if (metadata?.enumStrings) return DBR.ENUM;
  if (typeof value === "string") return DBR.STRING;
  if (typeof value === "number") return DBR.DOUBLE;
  if (Array.isArray(value)) {
    return value.length > 0 && typeof value[0] === "string" ? DBR.STRING : DBR.DOUBLE;
  }
  const typed =
    value instanceof Float64Array ||
    value instanceof Float32Array ||
    value instanceof Int32Array ||
    value instanceof Int16Array ||
    value instanceof Uint16Array ||
    value instanceof Uint8Array;
  return typed ? valueTypeOf(value) : DBR.DOUBLE;
}

function sameValue(a: DbrValue, b: DbrValue): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    // NaN equals NaN here: re-posting a NaN is no change.
    if (x !== y && !(typeof x === "number" && typeof y === "number" && x !== x && y !== y)) {
      return false;
    }
  }
  return true;
}

const ALARM_FIELDS = new Set(["status", "severity"]);
const STAMP_FIELDS = new Set(["timestamp"]);

function sameMetadataValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

export class SoftPv implements CaPv {
  readonly nativeType: DbrValueType;
  readonly maxCount: number;
  readonly className: string | undefined;
  readonly write: CaPv["write"];
  readonly #listeners = new Set<(update: CaPvUpdate) => void>();
  readonly #clock: Clock;
  readonly #onWrite: SoftPvWriteHandler | undefined;
  readonly #accessRights: ((client: CaClientIdentity) => number) | undefined;
  #state: CaPvState & { value: DbrValue };

  constructor(options: SoftPvOptions) {
    this.nativeType = options.nativeType ?? inferType(options.value, options.metadata);
    this.#clock = options.clock ?? realClock;
    this.#onWrite = options.onWrite;
    this.#accessRights = options.accessRights;
    this.className = options.className;
    const metadata = { ...options.metadata };
    const value = toDbrValue(options.value, this.nativeType, metadata);
    this.maxCount = options.maxCount ?? Math.max(1, value.length);
    this.#state = {
      status: 0,
      severity: 0,
      ...metadata,
      timestamp: metadata.timestamp ?? epicsTimestampFromUnix(this.#clock.now()),
      value: this.#clip(value),
    };
    this.write =
      options.writable === false
        ? undefined
        : (input: DbrValueInput, client: CaClientIdentity) => this.#write(input, client);
  }

  /** The current state (the same object until the next post: treat it as read-only). */
  read(): CaPvState {
    return this.#state;
  }

  /** The value as the native type's array. */
  get value(): DbrValue {
    return this.#state.value;
  }

  subscribe(listener: (update: CaPvUpdate) => void): () => void {
    // A wrapper per call, so subscribing one function twice gives two subscriptions.
    const entry = (update: CaPvUpdate): void => listener(update);
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  accessRights(client: CaClientIdentity): number {
    if (this.#accessRights) return this.#accessRights(client);
    return this.write ? AccessRights.READ_WRITE : AccessRights.READ;
  }

  /** Subscribers now, for tests and diagnostics. */
  get subscriberCount(): number {
    return this.#listeners.size;
  }

  /**
   * Sets the value (converted to the native type) and any metadata, stamps the time (unless
   * `metadata.timestamp` is given) and tells the subscribers what changed: VALUE|LOG for the
   * value, ALARM for status or severity, PROPERTY for the rest. Nothing changed, no post,
   * as a record with MDEL 0 does. An array of the native type is kept, not copied; posting
   * the same array again after changing it in place counts as a new value.
   */
  post(value?: DbrValueInput, metadata: SoftPvMetadata = {}): void {
    const previous = this.#state;
    const context = { ...previous, ...metadata };
    const next =
      value === undefined
        ? previous.value
        : this.#clip(toDbrValue(value, this.nativeType, context));
    // The same array posted again was changed in place: that is a new value.
    const unchanged =
      value === undefined || (next !== previous.value && sameValue(next, previous.value));
    let events = unchanged ? 0 : DBE.VALUE | DBE.LOG;
    for (const [key, field] of Object.entries(metadata)) {
      if (STAMP_FIELDS.has(key)) continue;
      if (sameMetadataValue(field, (previous as unknown as Record<string, unknown>)[key])) continue;
      events |= ALARM_FIELDS.has(key) ? DBE.ALARM : DBE.PROPERTY;
    }
    if (events === 0) return;
    this.#state = {
      ...context,
      timestamp: metadata.timestamp ?? epicsTimestampFromUnix(this.#clock.now()),
      value: next,
    };
    const update: CaPvUpdate = { state: this.#state, events };
    for (const listener of [...this.#listeners]) {
      try {
        listener(update);
      } catch {
        // One failing subscriber must not starve the others.
      }
    }
  }

  #clip(value: DbrValue): DbrValue {
    if (value.length <= this.maxCount) return value;
    return Array.isArray(value) ? value.slice(0, this.maxCount) : value.subarray(0, this.maxCount);
  }

  #write(input: DbrValueInput, client: CaClientIdentity): void | Promise<void> {
    const value = toDbrValue(input, this.nativeType, this.#state);
    const completion = this.#onWrite?.(value, client, this);
    this.post(value);
    return completion;
  }
}
