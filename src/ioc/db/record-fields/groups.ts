// Field groups that several record types share, each written once. A group that varies with
// the record's value type takes that type as its argument.

import { CALC_INPUTS } from "../../calc/index.js";
import type { FieldSpec, FieldTable } from "../record-types.js";
import { alike, family, hexDigits, mbbStates, menu, severity, str } from "./field-kit.js";

/** EGU: engineering units. */
export const units: FieldTable = { EGU: str(16) };

/** HOPR/LOPR: the display range. */
export const displayRange = (type: FieldSpec): FieldTable => alike(["HOPR", "LOPR"], type);

/** DRVH/DRVL: the drive limits of an output. */
export const driveLimits = (type: FieldSpec): FieldTable => alike(["DRVH", "DRVL"], type);

/** HIHI/LOLO/HIGH/LOW and their severities. */
export const alarmLimits = (type: FieldSpec): FieldTable => ({
  ...alike(["HIHI", "LOLO", "HIGH", "LOW"], type),
  ...alike(["HHSV", "LLSV", "HSV", "LSV"], severity),
});

/** AFTC/AFVL: the alarm filter. */
export const alarmFilter: FieldTable = alike(["AFTC", "AFVL"], "DOUBLE");

/** ADEL/MDEL: archive and monitor deadbands. */
export const deadbands = (type: FieldSpec): FieldTable => alike(["ADEL", "MDEL"], type);

/** LALM/ALST/MLST: the last alarmed, archived and monitored values. */
export const lastValues = (type: FieldSpec): FieldTable => alike(["LALM", "ALST", "MLST"], type);

/** Alarm limits with hysteresis, deadbands and last values, as the numeric records have them. */
export const numericAlarms = (type: FieldSpec): FieldTable => ({
  ...alarmLimits(type),
  HYST: type,
  ...deadbands(type),
  ...lastValues(type),
});

/** DOL/OMSL: where an output's value comes from in closed loop. */
export const desiredOutput: FieldTable = { DOL: "INLINK", OMSL: menu("menuOmsl") };

/** IVOA/IVOV: what an output does when its record is INVALID. */
export const invalidOutput = (type: FieldSpec): FieldTable => ({
  IVOA: menu("menuIvoa"),
  IVOV: type,
});

/**
 * SIML/SIMM/SIMS/SIOL and the simulation bookkeeping. `mode` is SIMM's menu (RAW only where a
 * raw value exists), `link` is SIOL's direction.
 */
export const simulation = (
  mode: "menuSimm" | "menuYesNo",
  link: "INLINK" | "OUTLINK",
): FieldTable => ({
  SIML: "INLINK",
  SIMM: menu(mode),
  SIMS: severity,
  SIOL: link,
  OLDSIMM: menu("menuSimm"),
  SSCN: menu("menuScan"),
  SDLY: "DOUBLE",
  SIMPVT: "NOACCESS",
});

/** An input's simulation fields, with SVAL holding the simulated value. */
export const inputSimulation = (mode: "menuSimm" | "menuYesNo", value: FieldSpec): FieldTable => ({
  ...simulation(mode, "INLINK"),
  SVAL: value,
});

/** MPST/APST: when monitors and archivers are posted. */
export const postingModes = (menuName: string): FieldTable =>
  alike(["MPST", "APST"], menu(menuName));

/** The linear conversion of ai and ao between raw and engineering values. */
export const conversion: FieldTable = {
  LINR: menu("menuConvert"),
  ...alike(["EGUF", "EGUL", "ESLO", "EOFF", "AOFF", "ASLO"], "DOUBLE"),
  ROFF: "ULONG",
  RVAL: "LONG",
  ORAW: "LONG",
  PBRK: "NOACCESS",
  INIT: "SHORT",
  LBRK: "SHORT",
};

/** RBV/ORBV: an output's readback. */
export const readback = (type: FieldSpec): FieldTable => alike(["RBV", "ORBV"], type);

/** The raw value, its mask and the last posted state of bi/bo/mbbi/mbbo. */
export const discreteRaw: FieldTable = {
  ...alike(["RVAL", "ORAW", "MASK"], "ULONG"),
  ...alike(["MLST", "LALM"], "USHORT"),
};

/** bi/bo: the two states' names and severities, and the change-of-state severity. */
export const binaryStates: FieldTable = {
  ...alike(["ZSV", "OSV", "COSV"], severity),
  ...alike(["ZNAM", "ONAM"], str(26)),
  ...discreteRaw,
};

/** mbbi/mbbo: the sixteen states' values, strings and severities, and the rest they share. */
export const multiBitStates: FieldTable = {
  NOBT: "USHORT",
  ...family(mbbStates, (state) => `${state}VL`, "ULONG"),
  ...family(mbbStates, (state) => `${state}ST`, str(26)),
  ...family(mbbStates, (state) => `${state}SV`, severity),
  ...alike(["UNSV", "COSV"], severity),
  ...discreteRaw,
  SDEF: "SHORT",
  SHFT: "USHORT",
};

/** stringin/stringout: the value and the last posted value. */
export const stringValue = (postMenu: string): FieldTable => ({
  ...alike(["VAL", "OVAL"], str(40)),
  ...postingModes(postMenu),
});

/** lsi/lso: the value buffers and their sizes. */
export const longStringValue: FieldTable = {
  ...alike(["VAL", "OVAL"], "NOACCESS"),
  SIZV: "USHORT",
  ...alike(["LEN", "OLEN"], "ULONG"),
  ...postingModes("menuPost"),
};

/** waveform/aai/aao: the array buffer, its element type and counts, and display fields. */
export const arrayValue = (postMenu: string): FieldTable => ({
  VAL: "NOACCESS",
  PREC: "SHORT",
  ...units,
  ...displayRange("DOUBLE"),
  NELM: "ULONG",
  FTVL: menu("menuFtype"),
  NORD: "ULONG",
  BPTR: "NOACCESS",
  ...postingModes(postMenu),
  HASH: "ULONG",
});

/** calc/calcout: CALC, the links INPA..INPL, the values A..L and their last values LA..LL. */
export const calcInputs: FieldTable = {
  CALC: str(80),
  ...family(CALC_INPUTS, (letter) => `INP${letter}`, "INLINK"),
  ...family(CALC_INPUTS, (letter) => letter, "DOUBLE"),
  ...family(CALC_INPUTS, (letter) => `L${letter}`, "DOUBLE"),
};

/** calcout: INAV..INLV, each input link's state. */
export const calcInputStates: FieldTable = family(
  CALC_INPUTS,
  (letter) => `IN${letter}V`,
  menu("calcoutINAV"),
);

/** seq/fanout: which links a pass selects. */
export const linkSelection = (selectMenu: string): FieldTable => ({
  VAL: "LONG",
  SELM: menu(selectMenu),
  SELN: "USHORT",
  SELL: "INLINK",
  ...alike(["OFFS", "SHFT"], "SHORT"),
});

/** seq: per slot 0..F a delay DLYn, a value link DOLn, the value DOn and the output LNKn. */
export const sequenceSteps: FieldTable = Object.assign(
  {},
  ...hexDigits.map((n) => ({
    [`DLY${n}`]: "DOUBLE",
    [`DOL${n}`]: "INLINK",
    [`DO${n}`]: "DOUBLE",
    [`LNK${n}`]: "OUTLINK",
  })),
) as FieldTable;

/** fanout: the forward links LNK0..LNKF. */
export const fanoutLinks: FieldTable = family(hexDigits, (n) => `LNK${n}`, "FWDLINK");
