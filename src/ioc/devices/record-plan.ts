// The records that serve one signal, chosen by its datatype and access, with the units,
// precision and limits its describe() gives, written as .db text.
import type { DataKey, SignalR } from "../../core/index.js";
import { SignalRW } from "../../core/index.js";
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
  if (choices && choices.length <= MAX_STATES) {
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
      return { input: "waveform", output: "waveform", mapping: arrayMapping };
    default:
      return { input: "ai", output: "ao", mapping: numberMapping };
  }
}

/** The fields a data key gives a record: EGU, PREC, display and drive limits, states. */
export function metadataFields(
  type: string,
  key: DataKey | undefined,
  signal: SignalR<unknown>,
): [string, string][] {
  const fields: [string, string][] = [];
  const choices = signal.datatype.choices;
  if (type.startsWith("mbb") && choices) {
    choices.forEach((choice, index) => fields.push([`${STATE_FIELDS[index]}ST`, choice]));
    choices.forEach((_, index) => fields.push([`${STATE_FIELDS[index]}VL`, String(index)]));
  }
  if (type === "bi" || type === "bo") fields.push(["ZNAM", "false"], ["ONAM", "true"]);
  if (type === "waveform") {
    fields.push(["FTVL", signal.datatype.dtypeNumpy === "<i4" ? "LONG" : "DOUBLE"]);
    fields.push(["NELM", String(Math.max(key?.shape[0] ?? 0, 1))]);
  }
  if (!key || type.startsWith("string") || type.startsWith("mbb") || type.startsWith("b")) {
    return fields;
  }
  // EGU holds 15 characters.
  if (key.units) fields.push(["EGU", key.units.slice(0, 15)]);
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

/** .db text: `record(type, "name") { field(NAME, "value") ... }`. */
export function databaseText(plans: readonly RecordPlan[]): string {
  const quote = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return plans
    .map(
      ({ type, name, fields }) =>
        `record(${type}, ${quote(name)}) {\n` +
        fields.map(([field, value]) => `  field(${field}, ${quote(value)})\n`).join("") +
        "}\n",
    )
    .join("");
}
