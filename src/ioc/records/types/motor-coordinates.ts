// The motor record's three coordinates: user (VAL, RBV, HLM, LLM) = dial × (DIR Neg ? -1 : 1)
// + OFF; dial (DVAL, DRBV, DHLM, DLLM) in EGU; raw (RVAL, RRBV) = dial / MRES in steps.
import { DBE_PROPERTY, type IocRecord } from "../record.js";

const DIR_NEG = 1;

/** The sign DIR gives dial positions in user coordinates. */
export function directionSign(record: IocRecord): 1 | -1 {
  return record.num("DIR") === DIR_NEG ? -1 : 1;
}

export function userOf(record: IocRecord, dial: number): number {
  return dial * directionSign(record) + record.num("OFF");
}

export function dialOf(record: IocRecord, user: number): number {
  return (user - record.num("OFF")) * directionSign(record);
}

/** MRES, which is never 0 (the record takes 1 as motorRecord's init does). */
export function stepSize(record: IocRecord): number {
  return record.num("MRES") || 1;
}

export function rawOf(record: IocRecord, dial: number): number {
  return Math.round(dial / stepSize(record));
}

/** RDBD, at least one step. */
export function deadband(record: IocRecord): number {
  return Math.max(record.num("RDBD"), Math.abs(stepSize(record)));
}

/** DHLM = DLLM = 0 means no soft limits (motorRecord's softLimitsDefined). */
export function softLimitsDefined(record: IocRecord): boolean {
  return record.num("DHLM") !== 0 || record.num("DLLM") !== 0;
}

export function withinDialLimits(record: IocRecord, dial: number): boolean {
  if (!softLimitsDefined(record)) return true;
  return dial <= record.num("DHLM") && dial >= record.num("DLLM");
}

/** A limit that follows another: clients hear of it as of a put (DBE_PROPERTY). */
function updateLimit(record: IocRecord, field: string, value: number): void {
  if (record.num(field) === value) return;
  record.update(field, value);
  record.post(field, DBE_PROPERTY);
}

/** HLM/LLM from DHLM/DLLM through OFF and DIR (a negative DIR swaps them). */
export function userLimitsFromDial(record: IocRecord): void {
  const high = userOf(record, record.num("DHLM"));
  const low = userOf(record, record.num("DLLM"));
  updateLimit(record, "HLM", Math.max(high, low));
  updateLimit(record, "LLM", Math.min(high, low));
}

/** DHLM/DLLM from a new HLM or LLM, and the other user limit from the dial ones. */
export function dialLimitsFromUser(record: IocRecord, changed: "HLM" | "LLM"): void {
  const dial = dialOf(record, record.num(changed));
  const highEnd = (changed === "HLM") === (directionSign(record) === 1);
  updateLimit(record, highEnd ? "DHLM" : "DLLM", dial);
  userLimitsFromDial(record);
}

/** VAL, RVAL from DVAL; RBV, RRBV and the differences from DRBV. */
export function driveFromDial(record: IocRecord): void {
  const dial = record.num("DVAL");
  record.update("VAL", userOf(record, dial));
  record.update("RVAL", rawOf(record, dial));
}

export function readbackFromDial(record: IocRecord, dial: number): void {
  record.update("DRBV", dial);
  record.set("RBV", userOf(record, dial));
  record.update("RRBV", rawOf(record, dial));
  record.update("RMP", rawOf(record, dial));
  const difference = record.num("DVAL") - dial;
  record.update("DIFF", difference);
  record.update("RDIF", Math.round(difference / stepSize(record)));
}
