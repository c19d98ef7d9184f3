// longin/longout and int64in/int64out with Soft Channel device support.
import { SEVR, STAT } from "../alarm-codes.js";
import { getLinkNumber, isPvLink, putLink } from "../link-io.js";
import type { RecordSupport } from "../support.js";
import { clampToDrive, loadConstant } from "./analog.js";
import {
  checkNumericAlarms,
  finish,
  monitorNumeric,
  numericMetadata,
  outputAllowed,
} from "./common.js";

export const integerInSupport: RecordSupport = {
  init(record) {
    if (loadConstant(record, "INP")) record.udf = false;
  },
  process(record) {
    if (isPvLink(record, "INP")) {
      const value = getLinkNumber(record, "INP");
      if (value !== undefined) {
        record.set("VAL", value);
        record.udf = false;
      }
    } else {
      record.udf = false;
    }
    record.stamp();
    checkNumericAlarms(record);
    monitorNumeric(record);
    finish(record);
  },
  metadata: (record, field) => numericMetadata(record, field),
};

/** longoutOOPT: whether this pass writes the output. */
function outputOption(option: number, value: number, previous: number, first: boolean): boolean {
  switch (option) {
    case 1:
      return first || value !== previous;
    case 2:
      return value === 0;
    case 3:
      return value !== 0;
    case 4:
      return previous !== 0 && value === 0;
    case 5:
      return previous === 0 && value !== 0;
    default:
      return true;
  }
}

export const integerOutSupport: RecordSupport = {
  init(record) {
    if (loadConstant(record, "DOL")) record.udf = false;
    record.set("PVAL", record.num("VAL"));
  },
  process(record) {
    let value = record.num("VAL");
    if (isPvLink(record, "DOL") && record.num("OMSL") === 1) {
      const fetched = getLinkNumber(record, "DOL");
      if (fetched === undefined) record.raiseAlarm(STAT.LINK, SEVR.INVALID);
      else {
        value = fetched;
        record.udf = false;
      }
    }
    record.set("VAL", clampToDrive(record, value));
    record.udf = false;
    checkNumericAlarms(record);
    const previous = record.num("PVAL");
    const first = record.private !== true;
    const wanted =
      record.info("OOPT") === undefined ||
      outputOption(
        record.num("OOPT"),
        record.num("VAL"),
        previous,
        first && record.num("OOCH") === 1,
      );
    const write = outputAllowed(record, () => record.set("VAL", record.num("IVOV")));
    if (wanted && write) putLink(record, "OUT", record.num("VAL"));
    record.private = true;
    record.set("PVAL", record.num("VAL"));
    record.stamp();
    monitorNumeric(record);
    finish(record);
  },
  metadata: (record, field) => numericMetadata(record, field, { control: ["DRVH", "DRVL"] }),
};
