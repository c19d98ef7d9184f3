// Record support: what each record type does when it processes, and how its fields look to
// clients. The shared machinery (alarms, links, monitors, forward links) is in the record
// and the processing modules; a support holds only what its type does differently.
import type { DbrMetadata, DbrValueType } from "../../ca/index.js";
import type { FieldValue } from "./field-types.js";
import type { IocRecord } from "./record.js";

/** Metadata of a field as clients see it in GR/CTRL replies. */
export type FieldMetadata = Omit<DbrMetadata, "status" | "severity" | "timestamp">;

export interface RecordSupport {
  /**
   * After the record's links are resolved, before PINI: load constants, set up state. A
   * promise is settings still coming from a device; the IOC serves once they have come.
   */
  init?(record: IocRecord): void | Promise<void>;
  /**
   * One pass of processing. Calls `record.finish()` (monitors, forward link) when the pass
   * is complete; an asynchronous record keeps `record.pact` and finishes later.
   */
  process(record: IocRecord): void;
  /** Why a put's value is refused before it is stored (special's check); undefined to take it. */
  check?(record: IocRecord, field: string, value: FieldValue): string | undefined;
  /** A put stored a field: derive what follows from it (special's after-put). */
  afterPut?(record: IocRecord, field: string, value: FieldValue): void;
  /** The database stops: end timers and subscriptions the record holds. */
  stop?(record: IocRecord): void;
  /** Units, precision, limits and enum strings of a field. */
  metadata?(record: IocRecord, field: string): FieldMetadata;
  /** A field whose CA type depends on the record (a waveform's VAL follows FTVL). */
  caType?(record: IocRecord, field: string): DbrValueType | undefined;
  /** Elements a field holds at most (NELM for arrays); 1 when absent. */
  maxCount?(record: IocRecord, field: string): number;
  /** get_array_info: elements a field holds now, when that can be none (an empty lsi). */
  currentCount?(record: IocRecord, field: string): number | undefined;
  /** The field clients get for the record's bare name; VAL when absent. */
  readonly valueField?: string;
}
