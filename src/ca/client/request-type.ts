/** Which DBR type a request asks for: a type code, or a form of the channel's native type. */
import {
  DBR,
  dbrLayout,
  dbrTypeOf,
  type DbrType,
  type DbrValueInput,
  type DbrValueType,
} from "../codec/index.js";

/** A form of the channel's native type; "native" is the plain value. */
export type CaForm = "native" | "plain" | "sts" | "time" | "gr" | "ctrl";

/** What `get` and `monitor` take as `type`: a DBR code (DBR.TIME_DOUBLE) or a form. */
export type CaRequestType = DbrType | CaForm;

/** The DBR type of `requested` for a channel whose native type is `native`. */
export function resolveRequestType(
  requested: CaRequestType | undefined,
  fallback: CaForm,
  native: DbrValueType,
): DbrType {
  const wanted = requested ?? fallback;
  if (typeof wanted === "number") return wanted;
  return dbrTypeOf(wanted === "native" ? "plain" : wanted, native);
}

/**
 * The type a put sends when none is given: text goes as DBR_STRING to a numeric or enum
 * channel (the server parses it or matches a state), anything else as the native type.
 */
export function putRequestType(value: DbrValueInput, native: DbrValueType): DbrType {
  const isText =
    typeof value === "string" || (Array.isArray(value) && typeof value[0] === "string");
  return isText ? DBR.STRING : native;
}

/** Elements of a value to put. */
export function putCount(value: DbrValueInput): number {
  if (typeof value === "string" || typeof value === "number") return 1;
  return value.length;
}

/** Payload bytes of `count` elements of `type`, for the EPICS_CA_MAX_ARRAY_BYTES check. */
export function payloadBytes(type: DbrType, count: number): number {
  const layout = dbrLayout(type)!;
  return layout.valueOffset + count * layout.elementSize;
}
