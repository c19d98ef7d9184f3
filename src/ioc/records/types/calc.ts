// calc and calcout: the inputs A..L from INPA..INPL, CALC evaluated into VAL, and for
// calcout the output decision (OOPT), its value (DOPT, OCAL), delay (ODLY) and event (OEVT).
import {
  CALC_INPUTS,
  type CalcExpression,
  type CalcInput,
  type CalcInputs,
  compileCalc,
  evaluateCalc,
} from "../../calc/index.js";
import { SEVR, STAT } from "../alarm-codes.js";
import { getLinkNumber, constantOf, putLink } from "../link-io.js";
import { DBE_LOG, DBE_VALUE, type IocRecord } from "../record.js";
import type { RecordSupport } from "../support.js";
import {
  checkNumericAlarms,
  finish,
  monitorNumeric,
  numericMetadata,
  outputAllowed,
  outputWanted,
} from "./common.js";

interface CalcState {
  calc: CalcExpression | undefined;
  ocal: CalcExpression | undefined;
  /** An ODLY wait is running. */
  delayed: boolean;
  /** Inputs with a PV link, found when first needed and again after an INPx put. */
  linked?: readonly CalcInput[];
}

function stateOf(record: IocRecord): CalcState {
  return record.private as CalcState;
}

function compileOrUndefined(text: string): CalcExpression | undefined {
  try {
    return compileCalc(text);
  } catch {
    return undefined;
  }
}

/** The inputs whose INPx names a PV, fetched each pass (constants loaded at init). */
function linkedInputs(record: IocRecord): readonly CalcInput[] {
  const state = stateOf(record);
  state.linked ??= CALC_INPUTS.filter((letter) => record.links.get(`INP${letter}`)?.kind === "pv");
  return state.linked;
}

/** dbGetLink of every input; false when one failed (the record then skips the calculation). */
function fetchInputs(record: IocRecord): boolean {
  let ok = true;
  for (const letter of linkedInputs(record)) {
    const value = getLinkNumber(record, `INP${letter}`);
    if (value === undefined) ok = false;
    else record.set(letter, value);
  }
  return ok;
}

function inputsOf(record: IocRecord): CalcInputs {
  const inputs: Partial<Record<string, number>> = {};
  for (const letter of CALC_INPUTS) inputs[letter] = record.num(letter);
  return inputs as CalcInputs;
}

/** Evaluates an expression into `field`; a store (`A:=...`) writes the input back. */
function perform(
  record: IocRecord,
  expression: CalcExpression | undefined,
  field: string,
): boolean {
  if (!expression) {
    record.raiseAlarm(STAT.CALC, SEVR.INVALID);
    return false;
  }
  const result = evaluateCalc(expression, inputsOf(record), { val: record.num("VAL") });
  for (const letter of CALC_INPUTS) {
    const value = result.inputs[letter];
    if (value !== undefined) record.set(letter, value);
  }
  record.set(field, result.value);
  record.udf = Number.isNaN(result.value);
  return true;
}

/** Posts each input that changed since the last pass (LA..LL hold the last values). */
function monitorInputs(record: IocRecord, mask: number): void {
  for (const letter of CALC_INPUTS) {
    const value = record.num(letter);
    if (Object.is(value, record.num(`L${letter}`))) continue;
    record.set(`L${letter}`, value);
    record.post(letter, mask | DBE_VALUE | DBE_LOG);
  }
}

function initInputs(record: IocRecord): void {
  for (const letter of CALC_INPUTS) {
    const constant = constantOf(record, `INP${letter}`);
    if (constant !== undefined) record.set(letter, Number(constant));
  }
  record.private = {
    calc: compileOrUndefined(record.text("CALC")),
    ocal: compileOrUndefined(record.text("OCAL")),
    delayed: false,
  } satisfies CalcState;
}

/**
 * A new expression replaces the compiled one. One that does not compile is stored all the
 * same, as the records' special() does: the record then raises CALC INVALID each pass.
 */
function storeExpression(record: IocRecord, field: string, value: unknown): void {
  if (/^INP[A-L]$/.test(field)) stateOf(record).linked = undefined;
  if (field !== "CALC" && field !== "OCAL") return;
  const compiled = compileOrUndefined(String(value));
  if (field === "CALC") stateOf(record).calc = compiled;
  else stateOf(record).ocal = compiled;
  const status = field === "CALC" ? "CLCV" : "OCLV";
  if (record.info(status)) record.update(status, compiled ? 0 : 1);
}

/** An input A..L (and its last value LA..LL) shows the precision of what its link reads. */
function inputPrecision(record: IocRecord, field: string): number | undefined {
  if (!/^L?[A-L]$/.test(field)) return undefined;
  const link = record.links.get(`INP${field.slice(-1)}`);
  if (link?.kind !== "pv" || !link.target) return undefined;
  return link.target.kind.support.metadata?.(link.target, link.field).precision ?? 0;
}

export const calcSupport: RecordSupport = {
  init: initInputs,
  process(record) {
    if (fetchInputs(record)) perform(record, stateOf(record).calc, "VAL");
    record.stamp();
    checkNumericAlarms(record);
    const mask = monitorNumeric(record);
    monitorInputs(record, mask);
    finish(record);
  },
  afterPut: storeExpression,
  metadata: (record, field) =>
    numericMetadata(record, field, { precisionOf: (f) => inputPrecision(record, f) }),
};

/** execOutput: the output value (DOPT), then the write and the event unless INVALID. */
function executeOutput(record: IocRecord): void {
  if (record.num("DOPT") === 0) record.set("OVAL", record.num("VAL"));
  else perform(record, stateOf(record).ocal, "OVAL");
  if (record.udf) record.raiseAlarm(STAT.UDF, record.num("UDFS"));
  const write = outputAllowed(record, () => record.set("OVAL", record.num("IVOV")));
  if (!write) return;
  putLink(record, "OUT", record.num("OVAL"));
  const event = record.text("OEVT");
  if (event !== "") record.host.postEvent(event);
}

function endPass(record: IocRecord): void {
  const mask = monitorNumeric(record);
  monitorInputs(record, mask);
  if (!Object.is(record.num("OVAL"), record.num("POVL"))) {
    record.set("POVL", record.num("OVAL"));
    record.post("OVAL", DBE_VALUE | DBE_LOG);
  }
  finish(record);
}

export const calcoutSupport: RecordSupport = {
  init(record) {
    initInputs(record);
    for (const letter of CALC_INPUTS) {
      const link = record.links.get(`INP${letter}`);
      record.set(`IN${letter}V`, linkState(link));
    }
    record.set("OUTV", linkState(record.links.get("OUT")));
  },
  process(record) {
    record.pact = true;
    if (fetchInputs(record)) perform(record, stateOf(record).calc, "VAL");
    checkNumericAlarms(record);
    const [value, previous] = [record.num("VAL"), record.num("PVAL")];
    const changed = Math.abs(previous - value) > record.num("MDEL");
    const output = outputWanted(record.num("OOPT"), value, previous, changed);
    record.set("PVAL", record.num("VAL"));
    if (output && record.num("ODLY") > 0) {
      record.set("DLYA", 1);
      record.stamp();
      record.post("DLYA", DBE_VALUE);
      stateOf(record).delayed = true;
      record.host.clock.schedule(record.num("ODLY"), () =>
        record.host.resume(record, () => {
          stateOf(record).delayed = false;
          record.set("DLYA", 0);
          record.stamp();
          record.post("DLYA", DBE_VALUE);
          executeOutput(record);
          endPass(record);
        }),
      );
      return;
    }
    if (output) executeOutput(record);
    record.stamp();
    endPass(record);
  },
  afterPut: storeExpression,
  metadata: (record, field) =>
    numericMetadata(record, field, {
      // calcout shows its output delay with two decimals.
      precisionOf: (f) => (f === "ODLY" ? 2 : inputPrecision(record, f)),
    }),
};

/** calcoutINAV: Ext PV NC 0, Ext PV OK 1, Local PV 2, Constant 3. */
function linkState(link: ReturnType<IocRecord["links"]["get"]>): number {
  if (link?.kind !== "pv") return 3;
  // CP and CPP links are CA links even to this IOC's records.
  if (link.process === "CP" || link.process === "CPP" || link.process === "CA") {
    return link.target ? 1 : 0;
  }
  return link.target ? 2 : 0;
}
