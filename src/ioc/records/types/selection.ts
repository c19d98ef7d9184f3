// seq and fanout: which of the sixteen links a pass uses (SELM All, Specified, Mask), and
// seq's delayed value outputs.
import { hexDigits } from "../../db/record-fields/field-kit.js";
import { SEVR, STAT } from "../alarm-codes.js";
import { constantOf, forwardLink, getLinkNumber, isLiveLink, putLink } from "../link-io.js";
import type { IocRecord } from "../record.js";
import type { RecordSupport } from "../support.js";
import { finish, numericMetadata } from "./common.js";

/** The slots 0..15 this pass selects; undefined (with an alarm raised) when SELN is out of range. */
function selectedSlots(record: IocRecord): number[] | undefined {
  if (isLiveLink(record, "SELL")) {
    const selection = getLinkNumber(record, "SELL");
    if (selection !== undefined) record.set("SELN", selection);
  }
  const seln = record.num("SELN");
  switch (record.num("SELM")) {
    case 0:
      return hexDigits.map((_, i) => i);
    case 1: {
      const slot = seln + record.num("OFFS");
      if (slot < 0 || slot > 15) {
        record.raiseAlarm(STAT.SOFT, SEVR.INVALID);
        return undefined;
      }
      return [slot];
    }
    default: {
      const shift = record.num("SHFT");
      const mask = shift >= 0 ? seln >>> shift : seln << -shift;
      return hexDigits.map((_, i) => i).filter((i) => (mask & (1 << i)) !== 0);
    }
  }
}

function endPass(record: IocRecord): void {
  record.udf = false;
  record.stamp();
  const mask = record.resetAlarms();
  if (mask) record.post("VAL", mask);
  finish(record);
}

export const fanoutSupport: RecordSupport = {
  process(record) {
    record.pact = true;
    for (const slot of selectedSlots(record) ?? []) forwardLink(record, `LNK${hexDigits[slot]}`);
    endPass(record);
  },
};

/** One step of seq: fetch DOLn into DOn, then write it through LNKn. */
function runStep(record: IocRecord, slot: number): void {
  const n = hexDigits[slot]!;
  if (isLiveLink(record, `DOL${n}`)) {
    const value = getLinkNumber(record, `DOL${n}`);
    if (value !== undefined) record.set(`DO${n}`, value);
  }
  putLink(record, `LNK${n}`, record.num(`DO${n}`));
}

/** seq's VAL spans the LONG range; its delays show two decimals (seqRecord's get_precision). */
const seqMetadata: RecordSupport["metadata"] = (record, field) => {
  if (field === "VAL") {
    const [high, low] = [2147483647, -2147483648];
    return {
      units: "",
      upperDisplayLimit: high,
      lowerDisplayLimit: low,
      upperControlLimit: high,
      lowerControlLimit: low,
    };
  }
  return numericMetadata(record, field, {
    precisionOf: (f) => (f.startsWith("DLY") ? 2 : undefined),
  });
};

export const seqSupport: RecordSupport = {
  init(record) {
    for (const n of hexDigits) {
      const constant = constantOf(record, `DOL${n}`);
      if (constant !== undefined) record.set(`DO${n}`, Number(constant));
    }
  },
  metadata: seqMetadata,
  process(record) {
    record.pact = true;
    const steps = (selectedSlots(record) ?? []).filter((slot) => {
      const n = hexDigits[slot]!;
      return record.links.get(`LNK${n}`)?.kind === "pv" || isLiveLink(record, `DOL${n}`);
    });
    const next = (index: number): void => {
      while (index < steps.length) {
        const slot = steps[index]!;
        const delay = record.num(`DLY${hexDigits[slot]}`);
        if (delay > 0) {
          record.host.clock.schedule(delay, () =>
            record.host.resume(record, () => {
              runStep(record, slot);
              next(index + 1);
            }),
          );
          return;
        }
        runStep(record, slot);
        index += 1;
      }
      endPass(record);
    };
    next(0);
  },
};
