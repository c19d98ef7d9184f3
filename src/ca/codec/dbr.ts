/**
 * DBR payloads: the value of a channel with the metadata of its form, laid out as libca's
 * structs (big-endian, with the RISC pads). Encoding converts the value to the DBR's
 * element type first (convert.ts) and writes straight into the message buffer; decoding
 * swaps the value in bulk and returns a typed-array view of it: in place in a buffer the
 * stream reader assembled for that message alone, else after one copy into an aligned one.
 */
import { swapInPlace } from "./byte-order.js";
import {
  MAX_ENUM_STATES,
  MAX_ENUM_STRING_SIZE,
  MAX_STRING_SIZE,
  MAX_UNITS_SIZE,
} from "./constants.js";
import { castNumber, newNumericArray, toDbrValue } from "./convert.js";
import {
  DBR,
  dbrLayout,
  dbrPayloadSize,
  dbrTypeName,
  type DbrLayout,
  type DbrValue,
  type DbrValueInput,
  type DbrValueType,
  type EpicsTimestamp,
} from "./dbr-types.js";
import { ECA } from "./eca.js";
import { LocalProtocolError, RemoteProtocolError } from "./errors.js";
import { padTo8 } from "./header.js";
import { isOwned } from "./owned.js";
import { readCString, writeCString } from "./text.js";

/**
 * The metadata a DBR may carry. Decoding sets the fields of its form only; encoding takes
 * what the form has room for (missing numbers are 0, missing text empty) and uses
 * `precision` and `enumStrings` to convert the value even when the form does not carry them
 * (a DOUBLE channel read as DBR_TIME_STRING is formatted with its precision).
 */
export interface DbrMetadata {
  /** Alarm status (STS and above), see CaAlarmStatus. */
  status?: number;
  /** Alarm severity (STS and above), see CaAlarmSeverity. */
  severity?: number;
  /** TIME forms. */
  timestamp?: EpicsTimestamp;
  /** GR/CTRL of SHORT, FLOAT, CHAR, LONG, DOUBLE: up to 7 bytes. */
  units?: string;
  /** GR/CTRL of FLOAT and DOUBLE. */
  precision?: number;
  upperDisplayLimit?: number;
  lowerDisplayLimit?: number;
  upperAlarmLimit?: number;
  upperWarningLimit?: number;
  lowerWarningLimit?: number;
  lowerAlarmLimit?: number;
  /** CTRL forms only. */
  upperControlLimit?: number;
  lowerControlLimit?: number;
  /** GR/CTRL_ENUM: up to 16 states of up to 25 bytes each. */
  enumStrings?: readonly string[];
  /** A state's text for a DBR_STRING read, where it is not `enumStrings[index]`. */
  enumText?: (index: number) => string;
  /** STSACK_STRING: the record's ACKT (acknowledge transient alarms). */
  ackTransient?: number;
  /** STSACK_STRING: the record's ACKS (highest unacknowledged severity). */
  ackSeverity?: number;
}

/** A decoded DBR: its value (always an array) and the metadata of its form. */
export interface DbrData extends DbrMetadata {
  value: DbrValue;
}

/** What encoding takes: a value in any accepted shape and the metadata. */
export interface DbrInput extends DbrMetadata {
  value: DbrValueInput;
}

/** The eight limit fields in wire order. */
const LIMIT_FIELDS = [
  "upperDisplayLimit",
  "lowerDisplayLimit",
  "upperAlarmLimit",
  "upperWarningLimit",
  "lowerWarningLimit",
  "lowerAlarmLimit",
  "upperControlLimit",
  "lowerControlLimit",
] as const;

/** Where the GR/CTRL metadata sits for each value type (the limits have the value's type). */
interface GraphicLayout {
  precisionOffset?: number;
  unitsOffset?: number;
  limitsOffset?: number;
  /** no_str (i16) here, then 16 × 26-byte states. */
  enumOffset?: number;
}

const GRAPHIC: readonly GraphicLayout[] = [
  {},
  { unitsOffset: 4, limitsOffset: 12 },
  { precisionOffset: 4, unitsOffset: 8, limitsOffset: 16 },
  { enumOffset: 4 },
  { unitsOffset: 4, limitsOffset: 12 },
  { unitsOffset: 4, limitsOffset: 12 },
  { precisionOffset: 4, unitsOffset: 8, limitsOffset: 16 },
];

/** A DBR ready to be written: its size is known before the message buffer exists. */
export interface DbrWriter {
  /** Bytes the payload takes before padding. */
  size: number;
  write(target: Uint8Array, offset: number): void;
}

export interface DbrEncodeOptions {
  /**
   * Elements to write (default: the value's length). A shorter value is padded with zeros,
   * as RSRV pads a short array; a longer one is cut.
   */
  count?: number;
  /**
   * The value goes to a reader (a read or monitor reply): a string "" read as a number is 0,
   * as dbGet does. Writes keep dbPut's rule: "" is not a number.
   */
  forReading?: boolean;
}

/**
 * Prepares `data` as a payload of `dataType`. Throws LocalProtocolError for a type that does
 * not exist and CaConversionError for a value that does not convert.
 */
export function dbrWriter(
  dataType: number,
  data: DbrInput,
  options: DbrEncodeOptions = {},
): DbrWriter {
  const layout = requireLayout(dataType);
  const value = toDbrValue(data.value, layout.valueType, {
    precision: data.precision,
    enumStrings: data.enumStrings,
    enumText: data.enumText,
    emptyStringAsZero: options.forReading,
  });
  const n = options.count ?? value.length;
  if (!Number.isInteger(n) || n < 0) {
    throw new LocalProtocolError(`${layout.name} count ${n} is not a non-negative integer`);
  }
  if (layout.form === "time" && data.timestamp) checkTimestamp(data.timestamp);
  return {
    size: dbrPayloadSize(layout, n),
    write: (target, offset) => {
      writeMetadata(target, offset, layout, data);
      writeValue(target, offset + layout.valueOffset, layout, value, n);
    },
  };
}

/** The zero-filled payload of `count` elements of `dataType` that error replies carry. */
export function dbrZeroSize(dataType: number, count: number): number {
  const layout = dbrLayout(dataType);
  return layout ? dbrPayloadSize(layout, count) : 0;
}

/**
 * Encodes a DBR payload on its own, padded to 8 bytes: the value converted to the type's
 * element type (with the metadata's precision and enum strings), then the metadata of the
 * form.
 */
export function encodeDbr(
  dataType: number,
  data: DbrInput,
  options: DbrEncodeOptions = {},
): Uint8Array {
  const writer = dbrWriter(dataType, data, options);
  const out = new Uint8Array(padTo8(writer.size));
  writer.write(out, 0);
  return out;
}

/**
 * Decodes `count` elements of `dataType` from `payload`. The last string of a string type
 * may be cut short (RSRV trims a scalar DBR_STRING to its length). Throws
 * RemoteProtocolError with ecaStatus ECA_BADTYPE for an unknown type and ECA_BADCOUNT for a
 * payload too short for the count.
 */
export function decodeDbr(dataType: number, count: number, payload: Uint8Array): DbrData {
  const layout = dbrLayout(dataType);
  if (!layout) {
    throw new RemoteProtocolError(`DBR type ${dataType} does not exist`, {
      ecaStatus: ECA.BADTYPE,
    });
  }
  const isString = layout.valueType === DBR.STRING;
  const needed =
    layout.valueOffset +
    (count === 0 ? 0 : isString ? (count - 1) * MAX_STRING_SIZE + 1 : count * layout.elementSize);
  if (payload.length < needed) {
    throw new RemoteProtocolError(
      `${layout.name} × ${count} needs ${needed} payload bytes, got ${payload.length}`,
      { ecaStatus: ECA.BADCOUNT },
    );
  }
  const view = viewOf(payload, 0, payload.length);
  const data: DbrData = { value: readValue(payload, view, layout, count) };
  readMetadata(payload, view, layout, data);
  return data;
}

function requireLayout(dataType: number): DbrLayout {
  const layout = dbrLayout(dataType);
  if (!layout) throw new LocalProtocolError(`${dbrTypeName(dataType)} does not exist`);
  return layout;
}

function viewOf(bytes: Uint8Array, offset: number, length: number): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset + offset, length);
}

function writeMetadata(
  target: Uint8Array,
  offset: number,
  layout: DbrLayout,
  data: DbrMetadata,
): void {
  const { form } = layout;
  if (form === "plain" || form === "put_ack" || form === "class_name") return;
  const view = viewOf(target, offset, layout.valueOffset);
  if (form === "stsack") {
    view.setUint16(0, data.status ?? 0);
    view.setUint16(2, data.severity ?? 0);
    view.setUint16(4, data.ackTransient ?? 0);
    view.setUint16(6, data.ackSeverity ?? 0);
    return;
  }
  view.setInt16(0, data.status ?? 0);
  view.setInt16(2, data.severity ?? 0);
  if (form === "time") {
    const stamp = data.timestamp ?? { secondsSinceEpoch: 0, nanoseconds: 0 };
    view.setUint32(4, stamp.secondsSinceEpoch);
    view.setUint32(8, stamp.nanoseconds);
    return;
  }
  if (form === "sts") return;
  const graphic = GRAPHIC[layout.valueType]!;
  if (graphic.precisionOffset !== undefined)
    view.setInt16(graphic.precisionOffset, data.precision ?? 0);
  if (graphic.unitsOffset !== undefined) {
    writeCString(target, offset + graphic.unitsOffset, MAX_UNITS_SIZE, data.units ?? "");
  }
  if (graphic.limitsOffset !== undefined) {
    const limits = form === "ctrl" ? 8 : 6;
    for (let i = 0; i < limits; i++) {
      const at = graphic.limitsOffset + i * layout.elementSize;
      writeNumber(
        view,
        at,
        layout.valueType,
        castNumber(data[LIMIT_FIELDS[i]!] ?? 0, layout.valueType),
      );
    }
  }
  if (graphic.enumOffset !== undefined) {
    const states = (data.enumStrings ?? []).slice(0, MAX_ENUM_STATES);
    view.setInt16(graphic.enumOffset, states.length);
    const first = offset + graphic.enumOffset + 2;
    for (const [i, state] of states.entries()) {
      writeCString(target, first + i * MAX_ENUM_STRING_SIZE, MAX_ENUM_STRING_SIZE, state);
    }
  }
}

function readMetadata(payload: Uint8Array, view: DataView, layout: DbrLayout, data: DbrData): void {
  const { form } = layout;
  if (form === "plain" || form === "put_ack" || form === "class_name") return;
  if (form === "stsack") {
    data.status = view.getUint16(0);
    data.severity = view.getUint16(2);
    data.ackTransient = view.getUint16(4);
    data.ackSeverity = view.getUint16(6);
    return;
  }
  data.status = view.getInt16(0);
  data.severity = view.getInt16(2);
  if (form === "time") {
    data.timestamp = { secondsSinceEpoch: view.getUint32(4), nanoseconds: view.getUint32(8) };
    return;
  }
  if (form === "sts") return;
  const graphic = GRAPHIC[layout.valueType]!;
  if (graphic.precisionOffset !== undefined)
    data.precision = view.getInt16(graphic.precisionOffset);
  if (graphic.unitsOffset !== undefined) {
    const start = graphic.unitsOffset;
    data.units = readCString(payload, start, start + MAX_UNITS_SIZE);
  }
  if (graphic.limitsOffset !== undefined) {
    const limits = form === "ctrl" ? 8 : 6;
    for (let i = 0; i < limits; i++) {
      data[LIMIT_FIELDS[i]!] = readNumber(
        view,
        graphic.limitsOffset + i * layout.elementSize,
        layout.valueType,
      );
    }
  }
  if (graphic.enumOffset !== undefined) {
    const count = Math.max(0, Math.min(view.getInt16(graphic.enumOffset), MAX_ENUM_STATES));
    const first = graphic.enumOffset + 2;
    const states: string[] = [];
    for (let i = 0; i < count; i++) {
      const start = first + i * MAX_ENUM_STRING_SIZE;
      states.push(readCString(payload, start, start + MAX_ENUM_STRING_SIZE));
    }
    data.enumStrings = states;
  }
}

function writeNumber(view: DataView, at: number, type: DbrValueType, x: number): void {
  switch (type) {
    case DBR.SHORT:
      return view.setInt16(at, x);
    case DBR.FLOAT:
      return view.setFloat32(at, x);
    case DBR.ENUM:
      return view.setUint16(at, x);
    case DBR.CHAR:
      return view.setUint8(at, x);
    case DBR.LONG:
      return view.setInt32(at, x);
    default:
      return view.setFloat64(at, x);
  }
}

function readNumber(view: DataView, at: number, type: DbrValueType): number {
  switch (type) {
    case DBR.SHORT:
      return view.getInt16(at);
    case DBR.FLOAT:
      return view.getFloat32(at);
    case DBR.ENUM:
      return view.getUint16(at);
    case DBR.CHAR:
      return view.getUint8(at);
    case DBR.LONG:
      return view.getInt32(at);
    default:
      return view.getFloat64(at);
  }
}

function writeValue(
  target: Uint8Array,
  offset: number,
  layout: DbrLayout,
  value: DbrValue,
  count: number,
): void {
  const n = Math.min(count, value.length);
  if (Array.isArray(value)) {
    for (let i = 0; i < n; i++) {
      writeCString(target, offset + i * MAX_STRING_SIZE, MAX_STRING_SIZE, value[i]!);
    }
    return;
  }
  const bytes = n * layout.elementSize;
  target.set(new Uint8Array(value.buffer, value.byteOffset, bytes), offset);
  swapInPlace(target.subarray(offset, offset + bytes), layout.elementSize);
}

/** Up to this many value bytes, elements are read one by one (cheaper than copy + swap). */
const SMALL_VALUE = 64;

function readValue(
  payload: Uint8Array,
  view: DataView,
  layout: DbrLayout,
  count: number,
): DbrValue {
  const start = layout.valueOffset;
  if (layout.valueType === DBR.STRING) {
    const out = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const at = start + i * MAX_STRING_SIZE;
      out[i] = readCString(payload, at, Math.min(at + MAX_STRING_SIZE, payload.length));
    }
    return out;
  }
  if (count * layout.elementSize <= SMALL_VALUE) {
    const out = newNumericArray(layout.valueType, count);
    for (let i = 0; i < count; i++)
      out[i] = readNumber(view, start + i * layout.elementSize, layout.valueType);
    return out;
  }
  // Large: one bulk swap, then a view. In place when the stream reader assembled the
  // message in a buffer of its own and the value is aligned; else after one copy into a
  // fresh (so aligned) buffer.
  const size = count * layout.elementSize;
  let bytes: Uint8Array;
  if (isOwned(payload) && (payload.byteOffset + start) % layout.elementSize === 0) {
    bytes = payload.subarray(start, start + size);
  } else {
    bytes = new Uint8Array(size);
    bytes.set(payload.subarray(start, start + size));
  }
  swapInPlace(bytes, layout.elementSize);
  const at = bytes.byteOffset;
  switch (layout.valueType) {
    case DBR.SHORT:
      return new Int16Array(bytes.buffer, at, count);
    case DBR.FLOAT:
      return new Float32Array(bytes.buffer, at, count);
    case DBR.ENUM:
      return new Uint16Array(bytes.buffer, at, count);
    case DBR.CHAR:
      return bytes;
    case DBR.LONG:
      return new Int32Array(bytes.buffer, at, count);
    default:
      return new Float64Array(bytes.buffer, at, count);
  }
}

function checkTimestamp({ secondsSinceEpoch, nanoseconds }: EpicsTimestamp): void {
  if (
    !Number.isInteger(secondsSinceEpoch) ||
    secondsSinceEpoch < 0 ||
    secondsSinceEpoch > 0xffffffff
  ) {
    throw new LocalProtocolError(
      `time stamp seconds ${secondsSinceEpoch} do not fit a u32 since 1990`,
    );
  }
  if (!Number.isInteger(nanoseconds) || nanoseconds < 0 || nanoseconds >= 1e9) {
    throw new LocalProtocolError(`time stamp nanoseconds ${nanoseconds} are not in [0, 1e9)`);
  }
}
