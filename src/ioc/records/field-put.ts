// dbPut and dbPutField: a value into a record's field, converted to the field's type, checked
// by the record support, posted to monitors, and processing the record when the field asks.
import { toDbrValue, type DbrValue, DBR } from "../../ca/index.js";
import { menus } from "../db/index.js";
import { type FieldValue, castToField, dbfOf } from "./field-types.js";
import { linkText, parseLink } from "./links.js";
import { DBE_LOG, DBE_PROPERTY, DBE_VALUE, type IocRecord } from "./record.js";

/** A put the field refuses; the CA server answers it with ECA_PUTFAIL. */
export class FieldPutError extends Error {
  constructor(record: IocRecord, field: string, why: string) {
    super(`${record.name}.${field}: ${why}`);
    this.name = "FieldPutError";
  }
}

/** What a put carries: a field's own value, or a CA value (always an array). */
export type PutValue = FieldValue | DbrValue;

export interface PutOptions {
  /** Process the record as dbPutField does (default true); a link's put decides itself. */
  readonly process?: boolean;
}

function first(value: PutValue): number | string {
  if (typeof value === "number" || typeof value === "string") return value;
  return value.length > 0 ? value[0]! : "";
}

function choicesOf(record: IocRecord, field: string): readonly string[] | undefined {
  const info = record.info(field)!;
  const spec = info.spec;
  if (typeof spec === "object" && spec.type === "MENU") return menus[spec.menu];
  if (spec === "DEVICE") return record.kind.devices;
  return record.kind.support.metadata?.(record, field).enumStrings;
}

function toNumber(record: IocRecord, field: string, raw: number | string): number {
  if (typeof raw === "number") return raw;
  const choices =
    dbfOf(record.info(field)!.spec) === "DOUBLE" ? undefined : choicesOf(record, field);
  const index = choices?.indexOf(raw) ?? -1;
  if (index >= 0) return index;
  const text = raw.trim();
  const x = text === "" ? 0 : Number(text);
  if (Number.isNaN(x) && !/^[+-]?nan$/i.test(text)) {
    throw new FieldPutError(record, field, `"${raw}" is not a number`);
  }
  return x;
}

/** The value converted to what the field stores. */
function convert(record: IocRecord, field: string, value: PutValue): FieldValue {
  const support = record.kind.support;
  const arrayType = support.caType?.(record, field);
  const maxCount = support.maxCount?.(record, field) ?? 1;
  if (arrayType !== undefined && maxCount > 1) {
    const input = typeof value === "number" || typeof value === "string" ? [value] : value;
    const converted = toDbrValue(input as DbrValue, arrayType);
    return converted.slice(0, maxCount) as FieldValue;
  }
  const info = record.info(field)!;
  const raw = first(value);
  if (info.isLink) return linkText(parseLink(String(raw)));
  if (dbfOf(info.spec) === "STRING") {
    const size = typeof info.spec === "object" && "size" in info.spec ? info.spec.size - 1 : 39;
    return (typeof raw === "number" ? String(raw) : raw).slice(0, size);
  }
  if (arrayType === DBR.STRING) return String(raw);
  return castToField(info.spec, toNumber(record, field, raw));
}

/**
 * dbPut, then (unless told not to) dbPutField's processing: the record processes when the
 * field is PROC, or the field is marked pp and the record is passive. A record busy with an
 * asynchronous pass processes again when it completes.
 */
export function putField(
  record: IocRecord,
  field: string,
  value: PutValue,
  options: PutOptions = {},
): void {
  const info = record.info(field);
  if (
    !info ||
    (info.caType === undefined && record.kind.support.caType?.(record, field) === undefined)
  ) {
    throw new FieldPutError(record, field, "no such field");
  }
  if (info.readOnly) throw new FieldPutError(record, field, "the field is read-only");
  const stored = convert(record, field, value);
  const support = record.kind.support;
  const refusal = support.check?.(record, field, stored);
  if (refusal !== undefined) throw new FieldPutError(record, field, refusal);
  if (info.isLink) record.links.set(field, parseLink(String(stored)));
  record.set(field, stored);
  record.host.fieldChanged(record, field);
  support.afterPut?.(record, field, stored);
  record.configVersion += 1;
  const valueField = field === (support.valueField ?? "VAL");
  if (valueField) record.udf = false;
  if (!(valueField && info.pp)) record.post(field, DBE_VALUE | DBE_LOG);
  if (info.property) record.post(field, DBE_PROPERTY);
  if (options.process === false) return;
  if (field === "PROC" || (info.pp && record.scanPassive)) {
    if (record.pact) record.rpro = true;
    else record.host.process(record);
  }
}
