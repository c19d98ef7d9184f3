// How each DBF field type is held in memory, served over Channel Access and read from text.
// The CA types are EPICS's dbDBRnewToDBRold mapping: what caget and cainfo show a field as.
import { DBR, type DbrValueType } from "../../ca/index.js";
import type { FieldSpec } from "../db/index.js";
import { menus } from "../db/index.js";

/** A typed array a record's array field holds (waveform VAL and the like). */
export type NumericArray =
  Float64Array | Float32Array | Int32Array | Int16Array | Uint16Array | Uint8Array;

/**
 * What a field holds: a number (menus and enums as their index), a string, or an array (of
 * strings for a waveform whose FTVL is STRING).
 */
export type FieldValue = number | string | NumericArray | readonly string[];

export type DbfName = Exclude<FieldSpec, object> | "STRING" | "MENU";

export function dbfOf(spec: FieldSpec): DbfName {
  return typeof spec === "object" ? spec.type : spec;
}

export function isLinkSpec(spec: FieldSpec): boolean {
  return spec === "INLINK" || spec === "OUTLINK" || spec === "FWDLINK";
}

/** The DBR type a field is served as, or undefined for a field clients cannot reach. */
export function caTypeOf(spec: FieldSpec): DbrValueType | undefined {
  switch (dbfOf(spec)) {
    case "STRING":
    case "INLINK":
    case "OUTLINK":
    case "FWDLINK":
      return DBR.STRING;
    case "CHAR":
    case "UCHAR":
      return DBR.CHAR;
    case "SHORT":
      return DBR.SHORT;
    case "USHORT":
    case "LONG":
      return DBR.LONG;
    case "ULONG":
    case "INT64":
    case "UINT64":
    case "DOUBLE":
      return DBR.DOUBLE;
    case "FLOAT":
      return DBR.FLOAT;
    case "ENUM":
    case "MENU":
    case "DEVICE":
      return DBR.ENUM;
    default:
      return undefined;
  }
}

/** The DBR type of each menuFtype choice (a waveform's FTVL), by index. */
const FTYPE_CA: readonly DbrValueType[] = [
  DBR.STRING,
  DBR.CHAR,
  DBR.CHAR,
  DBR.SHORT,
  DBR.LONG,
  DBR.LONG,
  DBR.DOUBLE,
  DBR.DOUBLE,
  DBR.DOUBLE,
  DBR.FLOAT,
  DBR.DOUBLE,
  DBR.ENUM,
];

export function caTypeOfFtype(ftvl: number): DbrValueType {
  return FTYPE_CA[ftvl] ?? DBR.DOUBLE;
}

/** Casts a number into what a field of the spec stores, as C's assignment would. */
export function castToField(spec: FieldSpec, x: number): number {
  switch (dbfOf(spec)) {
    case "CHAR":
      return (Math.trunc(x) << 24) >> 24;
    case "UCHAR":
      return Math.trunc(x) & 0xff;
    case "SHORT":
      return (Math.trunc(x) << 16) >> 16;
    case "USHORT":
    case "ENUM":
    case "MENU":
    case "DEVICE":
      return Math.trunc(x) & 0xffff;
    case "LONG":
      return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
    case "ULONG":
      return Number.isFinite(x) ? Math.trunc(x) >>> 0 : 0;
    case "INT64":
    case "UINT64":
      return Number.isFinite(x) ? Math.trunc(x) : 0;
    case "FLOAT":
      return Math.fround(x);
    default:
      return x;
  }
}

/** The value a field has before anything sets it. */
export function defaultOf(spec: FieldSpec): FieldValue {
  const dbf = dbfOf(spec);
  return dbf === "STRING" || isLinkSpec(spec) ? "" : 0;
}

/**
 * A database file's text as the field stores it. The checker (db/field-check.ts) has
 * refused what softIoc refuses, so this only converts.
 */
export function fieldFromText(
  spec: FieldSpec,
  text: string,
  devices: readonly string[],
): FieldValue {
  if (typeof spec === "object" && spec.type === "STRING") return text;
  if (isLinkSpec(spec)) return text.trim();
  if (text.trim() === "") return defaultOf(spec);
  if (typeof spec === "object") return indexOf(menus[spec.menu] ?? [], text);
  if (spec === "DEVICE") return indexOf(devices, text);
  return castToField(spec, Number(text.trim()));
}

function indexOf(choices: readonly string[], text: string): number {
  const index = choices.indexOf(text);
  return index >= 0 ? index : Number(text.trim());
}

/** A number as C's %g with `digits` significant digits (all of them when undefined). */
function formatNumber(x: number, digits: number | undefined): string {
  return digits === undefined || !Number.isFinite(x)
    ? String(x)
    : String(Number(x.toPrecision(digits)));
}

/** A field's value as one text (dbgf, dbpr, a string read through a link); arrays space-separated. */
export function formatField(value: FieldValue, digits?: number): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value, digits);
  return Array.from(value, (x: number | string) =>
    typeof x === "string" ? x : formatNumber(x, digits),
  ).join(" ");
}

/** A field's value as autosave writes it: one text, or one per element of an array. */
export function fieldTexts(value: FieldValue, digits: number): string | string[] {
  if (typeof value === "object") {
    return Array.from(value, (x: number | string) =>
      typeof x === "string" ? x : formatNumber(x, digits),
    );
  }
  return formatField(value, digits);
}
