// bi, bo, mbbi and mbbo with Soft Channel device support: a state number, its names, and the
// state and change-of-state alarms.
import { DBR } from "../../../ca/index.js";
import { mbbStates } from "../../db/record-fields/field-kit.js";
import { SEVR, STAT } from "../alarm-codes.js";
import { getLinkNumber, isLiveLink, putLink } from "../link-io.js";
import { DBE_LOG, DBE_VALUE, type IocRecord } from "../record.js";
import type { RecordSupport } from "../support.js";
import { loadConstant } from "./analog.js";
import { checkUndefined, fetchDesired, finish, monitorOnChange, outputAllowed } from "./common.js";

/** Every state name of the record: ZNAM/ONAM, or the sixteen ZRST..FFST. */
function allStateNames(record: IocRecord): string[] {
  if (record.type === "bi" || record.type === "bo") {
    return [record.text("ZNAM"), record.text("ONAM")];
  }
  return mbbStates.map((state) => record.text(`${state}ST`));
}

/** The names clients get as enum strings: up to the last one that is set (get_enum_strs). */
function stateNames(record: IocRecord): readonly string[] {
  const names = allStateNames(record);
  let count = 0;
  names.forEach((name, i) => {
    if (name !== "") count = i + 1;
  });
  return names.slice(0, count);
}

/** get_enum_str: a state's name, "" for a state without one, beyond the states "Illegal Value". */
function stateText(record: IocRecord, index: number): string {
  return allStateNames(record)[index] ?? "Illegal Value";
}

/** The severity of a state: ZSV/OSV, or the multi-bit state's xxSV (UNSV past the states). */
function stateSeverity(record: IocRecord, value: number): number {
  if (record.type === "bi" || record.type === "bo") {
    return value > 1 ? 0 : record.num(value === 0 ? "ZSV" : "OSV");
  }
  return value > 15 ? record.num("UNSV") : record.num(`${mbbStates[value]}SV`);
}

function checkStateAlarms(record: IocRecord): void {
  if (checkUndefined(record)) return;
  const value = record.num("VAL");
  record.raiseAlarm(STAT.STATE, stateSeverity(record, value));
  if (value !== record.num("LALM")) {
    record.raiseAlarm(STAT.COS, record.num("COSV"));
    record.set("LALM", value);
  }
}

function readInput(record: IocRecord): void {
  if (!isLiveLink(record, "INP")) {
    record.udf = false;
    return;
  }
  const value = getLinkNumber(record, "INP");
  if (value === undefined) return;
  record.set("VAL", value);
  record.udf = false;
}

const metadata: RecordSupport["metadata"] = (record, field) =>
  field === "VAL"
    ? { enumStrings: stateNames(record), enumText: (index) => stateText(record, index) }
    : {};

/** A multi-bit record without any state name serves VAL as a LONG, as EPICS 7 does. */
const caType: RecordSupport["caType"] = (record, field) =>
  field === "VAL" && record.type.startsWith("mbb") && stateNames(record).length === 0
    ? DBR.LONG
    : undefined;

function inputSupport(): RecordSupport {
  return {
    init(record) {
      if (loadConstant(record, "INP")) record.udf = false;
    },
    process(record) {
      readInput(record);
      record.stamp();
      checkStateAlarms(record);
      monitorOnChange(record);
      finish(record);
    },
    metadata,
    caType,
  };
}

function outputSupport(momentary: boolean): RecordSupport {
  return {
    init(record) {
      if (loadConstant(record, "DOL")) record.udf = false;
    },
    process(record) {
      record.udf = false;
      const desired = fetchDesired(record);
      if (desired !== undefined) record.set("VAL", desired);
      // An mbbo's state past the sixteen cannot be converted to RVAL: SOFT, INVALID.
      if (!momentary && record.num("VAL") > 15) record.raiseAlarm(STAT.SOFT, SEVR.INVALID);
      checkStateAlarms(record);
      const write = outputAllowed(record, () => record.set("VAL", record.num("IVOV")));
      if (write) putLink(record, "OUT", record.num("VAL"));
      if (momentary && record.num("VAL") === 1 && record.num("HIGH") > 0) {
        // bo's HIGH: the output drops back to 0 after HIGH seconds.
        record.host.clock.schedule(record.num("HIGH"), () => {
          if (record.num("VAL") !== 1) return;
          record.set("VAL", 0);
          record.host.process(record);
        });
      }
      record.stamp();
      monitorOnChange(record);
      finish(record);
    },
    afterPut(record, field) {
      if (field.endsWith("ST") || field === "ZNAM" || field === "ONAM") {
        record.post("VAL", DBE_VALUE | DBE_LOG);
      }
    },
    metadata,
    caType,
  };
}

export const biSupport = inputSupport();
export const mbbiSupport = inputSupport();
export const boSupport = outputSupport(true);
export const mbboSupport = outputSupport(false);
