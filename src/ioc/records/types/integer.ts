// longin/longout and int64in/int64out with Soft Channel device support.
import { getLinkNumber, isLiveLink, putLink } from "../link-io.js";
import type { RecordSupport } from "../support.js";
import { clampToDrive, loadConstant } from "./analog.js";
import {
  fetchDesired,
  checkNumericAlarms,
  finish,
  monitorNumeric,
  numericMetadata,
  outputAllowed,
  outputWanted,
} from "./common.js";

export const integerInSupport: RecordSupport = {
  init(record) {
    if (loadConstant(record, "INP")) record.udf = false;
  },
  process(record) {
    if (isLiveLink(record, "INP")) {
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

export const integerOutSupport: RecordSupport = {
  init(record) {
    if (loadConstant(record, "DOL")) record.udf = false;
    record.set("PVAL", record.num("VAL"));
  },
  process(record) {
    const value = fetchDesired(record) ?? record.num("VAL");
    record.set("VAL", clampToDrive(record, value));
    record.udf = false;
    checkNumericAlarms(record);
    const previous = record.num("PVAL");
    const output = record.num("VAL");
    // On Change: the first pass writes too when OOCH says so.
    const first = record.private !== true && record.num("OOCH") === 1;
    const wanted =
      record.info("OOPT") === undefined ||
      outputWanted(record.num("OOPT"), output, previous, first || output !== previous);
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
