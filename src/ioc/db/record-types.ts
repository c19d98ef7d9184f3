// Record types, their fields and menus as EPICS base 7 (7.0.8) defines them in softIoc.dbd,
// for the record types this IOC serves. Data only: the checker in field-check.ts reads it. The
// field groups several record types share are in record-fields/, each written once.

import { alike, menu, str } from "./record-fields/field-kit.js";
import {
  alarmFilter,
  arrayValue,
  binaryStates,
  calcInputStates,
  calcInputs,
  conversion,
  desiredOutput,
  displayRange,
  driveLimits,
  fanoutLinks,
  inputSimulation,
  invalidOutput,
  linkSelection,
  longStringValue,
  multiBitStates,
  numericAlarms,
  readback,
  sequenceSteps,
  simulation,
  stringValue,
  units,
} from "./record-fields/groups.js";
import { motorFields } from "./record-fields/motor.js";

/** How a field's value is stored, named after EPICS's DBF_ types. */
export type DbfType =
  | "STRING"
  | "CHAR"
  | "UCHAR"
  | "SHORT"
  | "USHORT"
  | "LONG"
  | "ULONG"
  | "INT64"
  | "UINT64"
  | "FLOAT"
  | "DOUBLE"
  | "ENUM"
  | "MENU"
  | "DEVICE"
  | "INLINK"
  | "OUTLINK"
  | "FWDLINK"
  | "NOACCESS";

export type FieldSpec =
  | Exclude<DbfType, "STRING" | "MENU">
  | { readonly type: "STRING"; readonly size: number }
  | { readonly type: "MENU"; readonly menu: string };

export type FieldTable = Readonly<Record<string, FieldSpec>>;

export interface RecordTypeTable {
  /** DTYP choices: the device supports softIoc has for this type. */
  readonly devices: readonly string[];
  readonly fields: FieldTable;
}

/** Choice lists that more than one menu has. */
const outputOptions = [
  "Every Time",
  "On Change",
  "When Zero",
  "When Non-zero",
  "Transition To Zero",
  "Transition To Non-zero",
];
const postAlwaysFirst = ["Always", "On Change"];
const postOnChangeFirst = ["On Change", "Always"];
const selectModes = ["All", "Specified", "Mask"];

/** Menus: each choice string, in index order. */
export const menus: Readonly<Record<string, readonly string[]>> = {
  aaiPOST: postAlwaysFirst,
  aaoPOST: postAlwaysFirst,
  aoOIF: ["Full", "Incremental"],
  calcoutDOPT: ["Use CALC", "Use OCAL"],
  calcoutINAV: ["Ext PV NC", "Ext PV OK", "Local PV", "Constant"],
  calcoutOOPT: outputOptions,
  fanoutSELM: selectModes,
  longoutOOPT: outputOptions,
  menuAlarmSevr: ["NO_ALARM", "MINOR", "MAJOR", "INVALID"],
  menuAlarmStat: [
    "NO_ALARM",
    "READ",
    "WRITE",
    "HIHI",
    "HIGH",
    "LOLO",
    "LOW",
    "STATE",
    "COS",
    "COMM",
    "TIMEOUT",
    "HWLIMIT",
    "CALC",
    "SCAN",
    "LINK",
    "SOFT",
    "BAD_SUB",
    "UDF",
    "DISABLE",
    "SIMM",
    "READ_ACCESS",
    "WRITE_ACCESS",
  ],
  menuConvert: [
    "NO CONVERSION",
    "SLOPE",
    "LINEAR",
    "typeKdegF",
    "typeKdegC",
    "typeJdegF",
    "typeJdegC",
    "typeEdegF(ixe only)",
    "typeEdegC(ixe only)",
    "typeTdegF",
    "typeTdegC",
    "typeRdegF",
    "typeRdegC",
    "typeSdegF",
    "typeSdegC",
  ],
  menuFtype: [
    "STRING",
    "CHAR",
    "UCHAR",
    "SHORT",
    "USHORT",
    "LONG",
    "ULONG",
    "INT64",
    "UINT64",
    "FLOAT",
    "DOUBLE",
    "ENUM",
  ],
  menuIvoa: ["Continue normally", "Don't drive outputs", "Set output to IVOV"],
  menuOmsl: ["supervisory", "closed_loop"],
  menuPini: ["NO", "YES", "RUN", "RUNNING", "PAUSE", "PAUSED"],
  menuPost: postOnChangeFirst,
  menuPriority: ["LOW", "MEDIUM", "HIGH"],
  menuScan: [
    "Passive",
    "Event",
    "I/O Intr",
    "10 second",
    "5 second",
    "2 second",
    "1 second",
    ".5 second",
    ".2 second",
    ".1 second",
  ],
  menuSimm: ["NO", "YES", "RAW"],
  menuYesNo: ["NO", "YES"],
  motorACCSused: ["Undef", "Accl", "Accs"],
  motorDIR: ["Pos", "Neg"],
  motorFOFF: ["Variable", "Frozen"],
  motorRMOD: ["Default", "Arithmetic", "Geometric", "In-Position"],
  motorSET: ["Use", "Set"],
  motorSPMG: ["Stop", "Pause", "Move", "Go"],
  motorSTUP: ["OFF", "ON", "BUSY"],
  motorTORQ: ["Disable", "Enable"],
  motorUEIP: ["No", "Yes"],
  seqSELM: selectModes,
  stringinPOST: postOnChangeFirst,
  stringoutPOST: postOnChangeFirst,
  waveformPOST: postAlwaysFirst,
};

/** Fields every record type has (dbCommon), in the order EPICS lists them. */
export const commonFields: FieldTable = {
  NAME: str(61),
  DESC: str(41),
  ASG: str(29),
  SCAN: menu("menuScan"),
  PINI: menu("menuPini"),
  PHAS: "SHORT",
  EVNT: str(40),
  TSE: "SHORT",
  TSEL: "INLINK",
  DTYP: "DEVICE",
  DISV: "SHORT",
  DISA: "SHORT",
  SDIS: "INLINK",
  MLOK: "NOACCESS",
  MLIS: "NOACCESS",
  BKLNK: "NOACCESS",
  DISP: "UCHAR",
  PROC: "UCHAR",
  STAT: menu("menuAlarmStat"),
  SEVR: menu("menuAlarmSevr"),
  AMSG: str(40),
  NSTA: menu("menuAlarmStat"),
  NSEV: menu("menuAlarmSevr"),
  NAMSG: str(40),
  ACKS: menu("menuAlarmSevr"),
  ACKT: menu("menuYesNo"),
  DISS: menu("menuAlarmSevr"),
  LCNT: "UCHAR",
  PACT: "UCHAR",
  PUTF: "UCHAR",
  RPRO: "UCHAR",
  ASP: "NOACCESS",
  PPN: "NOACCESS",
  PPNR: "NOACCESS",
  SPVT: "NOACCESS",
  RSET: "NOACCESS",
  DSET: "NOACCESS",
  DPVT: "NOACCESS",
  RDES: "NOACCESS",
  LSET: "NOACCESS",
  PRIO: menu("menuPriority"),
  TPRO: "UCHAR",
  BKPT: "NOACCESS",
  UDF: "UCHAR",
  UDFS: menu("menuAlarmSevr"),
  TIME: "NOACCESS",
  UTAG: "UINT64",
  FLNK: "FWDLINK",
};

/** longin/int64in: an integer input of the given width. */
const integerInput = (type: FieldSpec): FieldTable => ({
  VAL: type,
  INP: "INLINK",
  ...units,
  ...displayRange(type),
  ...numericAlarms(type),
  ...alarmFilter,
  ...inputSimulation("menuYesNo", type),
});

/** longout/int64out: an integer output of the given width. */
const integerOutput = (type: FieldSpec): FieldTable => ({
  VAL: type,
  OUT: "OUTLINK",
  ...desiredOutput,
  ...units,
  ...driveLimits(type),
  ...displayRange(type),
  ...numericAlarms(type),
  ...simulation("menuYesNo", "OUTLINK"),
  ...invalidOutput(type),
});

const rawDevices = ["Soft Channel", "Raw Soft Channel", "Async Soft Channel"];
const softDevices = ["Soft Channel", "Async Soft Channel"];
/** A record whose INP/OUT "@device.signal" names a served device's signal (ioc/devices). */
const HIL = "hil Device";

/** Each record type's own fields, and the DTYP names its device support accepts. */
export const recordTypeTables: Readonly<Record<string, RecordTypeTable>> = {
  ai: {
    devices: [...rawDevices, "Soft Timestamp", "General Time", HIL],
    fields: {
      VAL: "DOUBLE",
      INP: "INLINK",
      PREC: "SHORT",
      ...conversion,
      ...units,
      ...displayRange("DOUBLE"),
      SMOO: "DOUBLE",
      ...numericAlarms("DOUBLE"),
      ...alarmFilter,
      ...inputSimulation("menuSimm", "DOUBLE"),
    },
  },
  ao: {
    devices: [...rawDevices, HIL],
    fields: {
      ...alike(["VAL", "OVAL"], "DOUBLE"),
      OUT: "OUTLINK",
      OROC: "DOUBLE",
      ...desiredOutput,
      OIF: menu("aoOIF"),
      PREC: "SHORT",
      ...conversion,
      ...units,
      ...driveLimits("DOUBLE"),
      ...displayRange("DOUBLE"),
      ...numericAlarms("DOUBLE"),
      ...readback("LONG"),
      PVAL: "DOUBLE",
      ...simulation("menuSimm", "OUTLINK"),
      ...invalidOutput("DOUBLE"),
      OMOD: "UCHAR",
    },
  },
  bi: {
    devices: [...rawDevices, "Db State", HIL],
    fields: {
      INP: "INLINK",
      VAL: "ENUM",
      ...binaryStates,
      ...inputSimulation("menuSimm", "ULONG"),
    },
  },
  bo: {
    devices: [...rawDevices, "General Time", "Db State", HIL],
    fields: {
      VAL: "ENUM",
      ...desiredOutput,
      OUT: "OUTLINK",
      HIGH: "DOUBLE",
      ...binaryStates,
      ...alike(["RPVT", "WDPT"], "NOACCESS"),
      ...readback("ULONG"),
      ...simulation("menuSimm", "OUTLINK"),
      ...invalidOutput("USHORT"),
    },
  },
  mbbi: {
    devices: [...rawDevices, HIL],
    fields: {
      VAL: "ENUM",
      INP: "INLINK",
      ...multiBitStates,
      ...alarmFilter,
      ...inputSimulation("menuSimm", "ULONG"),
    },
  },
  mbbo: {
    devices: [...rawDevices, HIL],
    fields: {
      VAL: "ENUM",
      ...desiredOutput,
      OUT: "OUTLINK",
      ...multiBitStates,
      ...readback("ULONG"),
      ...simulation("menuSimm", "OUTLINK"),
      ...invalidOutput("USHORT"),
    },
  },
  longin: {
    devices: [...softDevices, "General Time", HIL],
    fields: integerInput("LONG"),
  },
  longout: {
    devices: [...softDevices, HIL],
    fields: {
      ...integerOutput("LONG"),
      PVAL: "LONG",
      OUTPVT: "NOACCESS",
      OOCH: menu("menuYesNo"),
      OOPT: menu("longoutOOPT"),
    },
  },
  int64in: { devices: softDevices, fields: integerInput("INT64") },
  int64out: { devices: softDevices, fields: integerOutput("INT64") },
  stringin: {
    devices: [...softDevices, "Soft Timestamp", "General Time", "getenv", HIL],
    fields: {
      ...stringValue("stringinPOST"),
      INP: "INLINK",
      ...inputSimulation("menuYesNo", str(40)),
    },
  },
  stringout: {
    devices: [...softDevices, "stdio", HIL],
    fields: {
      ...stringValue("stringoutPOST"),
      ...desiredOutput,
      OUT: "OUTLINK",
      ...simulation("menuYesNo", "OUTLINK"),
      ...invalidOutput(str(40)),
    },
  },
  lsi: {
    devices: ["Soft Channel", "getenv"],
    fields: {
      ...longStringValue,
      INP: "INLINK",
      ...simulation("menuYesNo", "INLINK"),
    },
  },
  lso: {
    devices: [...softDevices, "stdio"],
    fields: {
      ...longStringValue,
      ...desiredOutput,
      ...invalidOutput(str(40)),
      OUT: "OUTLINK",
      ...simulation("menuYesNo", "OUTLINK"),
    },
  },
  waveform: {
    devices: ["Soft Channel", HIL],
    fields: {
      ...arrayValue("waveformPOST"),
      RARM: "SHORT",
      INP: "INLINK",
      BUSY: "SHORT",
      ...simulation("menuYesNo", "INLINK"),
    },
  },
  aai: {
    devices: ["Soft Channel"],
    fields: {
      ...arrayValue("aaiPOST"),
      INP: "INLINK",
      ...simulation("menuYesNo", "INLINK"),
    },
  },
  aao: {
    devices: ["Soft Channel", HIL],
    fields: {
      ...arrayValue("aaoPOST"),
      OUT: "OUTLINK",
      ...desiredOutput,
      ...simulation("menuYesNo", "OUTLINK"),
    },
  },
  calc: {
    devices: [],
    fields: {
      VAL: "DOUBLE",
      ...calcInputs,
      ...units,
      PREC: "SHORT",
      ...displayRange("DOUBLE"),
      ...numericAlarms("DOUBLE"),
      ...alarmFilter,
      RPCL: "NOACCESS",
    },
  },
  calcout: {
    devices: softDevices,
    fields: {
      RPVT: "NOACCESS",
      ...alike(["VAL", "PVAL"], "DOUBLE"),
      ...calcInputs,
      CLCV: "LONG",
      OUT: "OUTLINK",
      ...calcInputStates,
      OUTV: menu("calcoutINAV"),
      OOPT: menu("calcoutOOPT"),
      ODLY: "DOUBLE",
      DLYA: "USHORT",
      DOPT: menu("calcoutDOPT"),
      OCAL: str(80),
      OCLV: "LONG",
      OEVT: str(40),
      EPVT: "NOACCESS",
      ...invalidOutput("DOUBLE"),
      ...units,
      PREC: "SHORT",
      ...displayRange("DOUBLE"),
      ...numericAlarms("DOUBLE"),
      ...alike(["OVAL", "POVL"], "DOUBLE"),
      ...alike(["RPCL", "ORPC"], "NOACCESS"),
    },
  },
  seq: {
    devices: [],
    fields: {
      ...linkSelection("seqSELM"),
      OLDN: "USHORT",
      PREC: "SHORT",
      ...sequenceSteps,
    },
  },
  fanout: {
    devices: [],
    fields: { ...linkSelection("fanoutSELM"), ...fanoutLinks },
  },
  // Sim Motor (the default): a simulated axis made from the record's fields; hil Device: the
  // Motor device OUT "@name" names.
  motor: { devices: ["Sim Motor", HIL], fields: motorFields },
};
