// The records that serve one signal, chosen by its datatype and access, with the units,
// precision and limits its describe() gives; made as database records directly (no text to
// escape or expand), each value fitted to its field as a record type holds it.
import type { DataKey, SignalR } from "../../core/index.js";
import { SignalRW } from "../../core/index.js";
import { type DbRecord, fieldValueProblem, stringFieldSize } from "../db/index.js";
import { DEVICE_DTYP } from "../records/index.js";
import {
  arrayMapping,
  booleanMapping,
  choiceMapping,
  integerMapping,
  numberMapping,
  textMapping,
  type ValueMapping,
} from "./signal-channel.js";

/** One record of the generated database. */
export interface RecordPlan {
  readonly type: string;
  readonly name: string;
  /** Field values in the order written. */
  readonly fields: ReadonlyArray<readonly [string, string]>;
}

/** An input and, for a writable signal, an output record type with how values map. */
interface RecordTypes {
  readonly input: string;
  readonly output: string;
  readonly mapping: ValueMapping;
}

const MAX_STATES = 16;
/** Elements an array record holds at least. */
const MIN_ARRAY_ELEMENTS = 1024;
/** Bytes of an mbb state string, with its terminating zero. */
const STATE_SIZE = 26;
const STATE_FIELDS = [
  "ZR",
  "ON",
  "TW",
  "TH",
  "FR",
  "FV",
  "SX",
  "SV",
  "EI",
  "NI",
  "TE",
  "EL",
  "TV",
  "TT",
  "FT",
  "FF",
];

export function recordTypesOf(signal: SignalR<unknown>): RecordTypes {
  const { dtype, choices } = signal.datatype;
  const fit = (choice: string): boolean => Buffer.byteLength(choice, "utf8") < STATE_SIZE;
  if (choices && choices.length <= MAX_STATES && choices.every(fit)) {
    return { input: "mbbi", output: "mbbo", mapping: choiceMapping(choices) };
  }
  switch (dtype) {
    case "integer":
      return { input: "longin", output: "longout", mapping: integerMapping };
    case "boolean":
      return { input: "bi", output: "bo", mapping: booleanMapping };
    case "string":
      return { input: "stringin", output: "stringout", mapping: textMapping };
    case "array":
      return { input: "waveform", output: "aao", mapping: arrayMapping };
    default:
      return { input: "ai", output: "ao", mapping: numberMapping };
  }
}

/** The fields a data key gives a record: EGU, PREC, display and drive limits, states. */
export function metadataFields<T>(
  type: string,
  key: DataKey | undefined,
  signal: SignalR<T>,
): [string, string][] {
  const fields: [string, string][] = [];
  const choices = signal.datatype.choices;
  if (type.startsWith("mbb") && choices) {
    choices.forEach((choice, index) => fields.push([`${STATE_FIELDS[index]}ST`, choice]));
    choices.forEach((_, index) => fields.push([`${STATE_FIELDS[index]}VL`, String(index)]));
  }
  if (type === "bi" || type === "bo") fields.push(["ZNAM", "false"], ["ONAM", "true"]);
  if (type === "waveform" || type === "aao") {
    fields.push(["FTVL", signal.datatype.dtypeNumpy === "<i4" ? "LONG" : "DOUBLE"]);
    // An array may be empty or short when described (nothing acquired yet): room to grow.
    fields.push(["NELM", String(Math.max(key?.shape[0] ?? 0, MIN_ARRAY_ELEMENTS))]);
  }
  if (!key || type.startsWith("string") || type.startsWith("mbb") || type.startsWith("b")) {
    return fields;
  }
  if (key.units) fields.push(["EGU", key.units]);
  if (key.precision !== undefined) fields.push(["PREC", String(key.precision)]);
  const display = key.limits?.display ?? key.limits?.control;
  if (display?.high != null && display.low != null) {
    fields.push(["HOPR", String(display.high)], ["LOPR", String(display.low)]);
  }
  const control = key.limits?.control;
  if ((type === "ao" || type === "longout") && control?.high != null && control.low != null) {
    fields.push(["DRVH", String(control.high)], ["DRVL", String(control.low)]);
  }
  return fields;
}

/** An input record of a device channel: processed on news (I/O Intr) or at a scan rate. */
export function inputRecord(
  type: string,
  name: string,
  address: string,
  scan: string,
  metadata: [string, string][],
): RecordPlan {
  return {
    type,
    name,
    fields: [["DTYP", DEVICE_DTYP], ["INP", `@${address}`], ["SCAN", scan], ...metadata],
  };
}

/** An output record of a device channel, with the device's value as its initial VAL. */
export function outputRecord(
  type: string,
  name: string,
  address: string,
  metadata: [string, string][],
  initial: string | undefined,
): RecordPlan {
  const fields: [string, string][] = [["DTYP", DEVICE_DTYP], ["OUT", `@${address}`], ...metadata];
  if (initial !== undefined) fields.push(["VAL", initial]);
  return { type, name, fields };
}

export const isWritable = (signal: SignalR<unknown>): signal is SignalRW<unknown> =>
  signal instanceof SignalRW;

/** Where problems with a served record point (no file holds them). */
export const SERVED_FILE = "(served devices)";

/** The plans as database records, each value fitted to its field or left out. */
export function databaseRecords(plans: readonly RecordPlan[]): DbRecord[] {
  return plans.map(({ type, name, fields }, index) => {
    const at = { file: SERVED_FILE, line: index + 1, col: 1 };
    const record: DbRecord = { type, name, at, fields: new Map(), infos: new Map(), aliases: [] };
    for (const [field, given] of fields) {
      const value = fitted(type, field, given);
      if (value !== undefined) record.fields.set(field, { name: field, value, at });
    }
    return record;
  });
}

/**
 * A value as the field can hold it: a string cut to the field's size (whole characters, one
 * line), an integer field's number rounded; undefined for what the record type cannot take
 * (PREC of a longin, an infinite limit).
 */
function fitted(type: string, field: string, given: string): string | undefined {
  let value = given.replace(/[\r\n\t]+/g, " ");
  const size = stringFieldSize(type, field);
  if (size !== undefined) value = truncateBytes(value, size - 1);
  if (fieldValueProblem(type, field, value) === undefined) return value;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) return undefined;
  const rounded = String(Math.round(number));
  return fieldValueProblem(type, field, rounded) === undefined ? rounded : undefined;
}

function truncateBytes(text: string, bytes: number): string {
  let cut = text;
  while (Buffer.byteLength(cut, "utf8") > bytes) cut = [...cut].slice(0, -1).join("");
  return cut;
}
