// What the differential test asks of each IOC, in order: reads with metadata, puts with and
// without callback, waits and monitors. Both IOCs get exactly these requests.
export type Step =
  | {
      readonly get: string;
      /** ctrl/time: the native type's DBR; string: DBR_TIME_STRING, converted by the server. */
      readonly form?: "ctrl" | "time" | "string";
      readonly asString?: boolean;
    }
  | {
      readonly put: string;
      readonly value: number | string | readonly number[];
      readonly wait?: boolean;
    }
  | { readonly sleep: number }
  | { readonly monitor: string }
  | { readonly collectMonitors: true };

const records = [
  "ai", "ao", "aoCopy", "bo", "bi", "mbbo", "mbbi", "mbbNone", "boHalf", "lo", "li", "so", "si", "wf", "wfc",
  "i64o", "i64i", "lso", "lsi", "aao", "aai",
  "calc", "co", "coOut", "seq", "seqA", "seqB", "fan", "fanA", "fanB", "dis", "ms", "mss",
  "nms", "undef", "badlink", "pini", "piniCopy", "count", "toCount", "g1", "g2", "g3",
]; // prettier-ignore

/** Fields read as strings from every record (each has them all, or both IOCs refuse alike). */
const commonFields = ["DESC", "SCAN", "PINI", "PHAS", "DISV", "DISS", "UDF", "UDFS", "STAT", "SEVR", "NSEV", "DTYP", "RTYP", "FLNK", "PROC", "TPRO", "ACKT", "ACKS"]; // prettier-ignore

/** Fields of particular records. */
const ownFields: Readonly<Record<string, readonly string[]>> = {
  ai: ["EGU", "PREC", "HOPR", "LOPR", "HIHI", "HIGH", "LOW", "LOLO", "HHSV", "HSV", "LSV", "LLSV", "HYST", "MDEL", "ADEL", "INP", "LALM", "MLST", "ALST", "SMOO", "LINR"],
  ao: ["DRVH", "DRVL", "OUT", "OVAL", "PVAL", "OMSL", "DOL", "OIF", "IVOA", "IVOV", "OROC"],
  bi: ["ZNAM", "ONAM", "ZSV", "OSV", "COSV", "INP", "LALM", "MLST", "RVAL"],
  mbbo: ["ZRST", "ONST", "TWST", "THST", "FRST", "ZRVL", "ONVL", "TWSV", "UNSV", "COSV", "OUT", "NOBT", "RVAL"],
  lo: ["DRVH", "DRVL", "OUT", "EGU", "HOPR", "LOPR", "OOPT"],
  so: ["OUT", "OMSL", "MPST", "APST"],
  wf: ["NELM", "NORD", "FTVL", "EGU", "PREC", "HOPR", "LOPR", "MPST", "INP"],
  wfc: ["NELM", "NORD", "FTVL"],
  i64o: ["DRVH", "DRVL", "OUT", "EGU"],
  i64i: ["HIGH", "HSV", "EGU"],
  lso: ["SIZV", "LEN", "OUT", "VAL$"],
  lsi: ["SIZV", "LEN", "VAL$"],
  aao: ["NELM", "NORD", "FTVL", "OUT"],
  aai: ["NELM", "NORD", "FTVL"],
  calc: ["CALC", "INPA", "INPB", "INPC", "A", "B", "C", "D", "LA", "EGU", "PREC"],
  co: ["CALC", "OCAL", "OOPT", "DOPT", "ODLY", "DLYA", "OVAL", "PVAL", "INPA", "OUT", "INAV", "INBV", "OUTV", "OEVT", "IVOA"],
  seq: ["SELM", "SELN", "SELL", "OFFS", "SHFT", "DOL0", "DO0", "LNK0", "DLY1", "DOL1", "DO1", "LNK1", "DLY2"],
  fan: ["SELM", "SELN", "LNK0", "LNK1", "LNK2"],
  dis: ["SDIS", "DISA", "DISV"],
  g3: ["EGU", "PREC", "INP"],
}; // prettier-ignore

const P = "x:";
const pv = (name: string): string => `${P}${name}`;

/** Every record's value with metadata, then its fields as strings. */
function readEverything(): Step[] {
  const steps: Step[] = [];
  for (const name of records) {
    steps.push({ get: pv(name), form: "ctrl" });
    steps.push({ get: pv(name), form: "string" });
    steps.push({ get: `${pv(name)}.STAT`, form: "string" });
    for (const field of [...commonFields, ...(ownFields[name] ?? [])]) {
      steps.push({ get: `${pv(name)}.${field}`, asString: true });
    }
  }
  return steps;
}

/** The values and alarms that follow from the puts: the records a change reaches. */
const afterPut = (...names: string[]): Step[] =>
  names.flatMap((name) => [
    { get: pv(name), form: "time" as const },
    { get: `${pv(name)}.STAT`, asString: true },
    { get: `${pv(name)}.SEVR`, asString: true },
  ]);

export const steps: readonly Step[] = [
  ...readEverything(),
  ...["ai", "calc", "bi", "mbbi", "co", "coOut", "seqB", "li", "si", "wf", "dis", "ms"].map(
    (name): Step => ({ monitor: pv(name) }),
  ),
  { sleep: 0.3 },
  // ao through its OUT (PP) and FLNK into the ai with alarm limits and hysteresis.
  { put: pv("ao"), value: 3, wait: true },
  ...afterPut("ao", "aoCopy", "ai", "calc", "ms", "mss", "nms"),
  { put: pv("ao"), value: 20, wait: true },
  ...afterPut("ao", "aoCopy", "ai"),
  { put: pv("ao"), value: 7.7, wait: true },
  ...afterPut("ai"),
  { put: pv("ao"), value: 4.7, wait: true },
  ...afterPut("ai"),
  { put: pv("ao"), value: 4.4, wait: true },
  ...afterPut("ai"),
  { put: pv("ao"), value: -8.5, wait: true },
  ...afterPut("ai"),
  { put: pv("ao"), value: 4.45, wait: true },
  ...afterPut("ai"),
  // The calc reads ao (NPP) and lo (NPP) when processed.
  { put: pv("calc.PROC"), value: 1, wait: true },
  ...afterPut("calc", "ms", "mss", "nms"),
  { put: pv("ms.PROC"), value: 1, wait: true },
  { put: pv("mss.PROC"), value: 1, wait: true },
  { put: pv("nms.PROC"), value: 1, wait: true },
  ...afterPut("ms", "mss", "nms"),
  // bo drives bi through a CP link; bo also disables dis.
  { put: pv("bo"), value: 1, wait: true },
  { sleep: 0.3 },
  ...afterPut("bo", "bi"),
  { put: pv("dis.PROC"), value: 1, wait: true },
  ...afterPut("dis"),
  { put: pv("bo"), value: "Closed", wait: true },
  { sleep: 0.3 },
  { put: pv("dis.PROC"), value: 1, wait: true },
  ...afterPut("bo", "bi", "dis"),
  // mbbo through OUT PP to mbbi: a state, a state with a severity, an undefined state.
  { put: pv("mbbo"), value: 1, wait: true },
  ...afterPut("mbbo", "mbbi"),
  { put: pv("mbbo"), value: "Fault", wait: true },
  ...afterPut("mbbo", "mbbi"),
  { put: pv("mbbo"), value: 7, wait: true },
  ...afterPut("mbbo", "mbbi"),
  { get: pv("mbbo"), form: "string" },
  { put: pv("mbbo"), value: 20, wait: true },
  { get: pv("mbbo"), form: "string" },
  { get: pv("mbbi"), form: "string" },
  { put: pv("mbbNone"), value: 3, wait: true },
  { get: pv("mbbNone"), form: "ctrl" },
  { get: pv("mbbNone"), form: "string" },
  { put: pv("boHalf"), value: 1, wait: true },
  { get: pv("boHalf"), form: "ctrl" },
  { get: pv("boHalf"), form: "string" },
  // longout with drive limits into a longin with an alarm limit.
  { put: pv("lo"), value: 75, wait: true },
  ...afterPut("lo", "li"),
  { put: pv("lo"), value: 250, wait: true },
  ...afterPut("lo", "li"),
  { put: pv("calc.PROC"), value: 1, wait: true },
  ...afterPut("calc"),
  // strings and arrays.
  { put: pv("so"), value: "world", wait: true },
  ...afterPut("so", "si"),
  { put: pv("wf"), value: [1, 2, 3], wait: true },
  { get: pv("wf"), form: "ctrl" },
  { get: pv("wf.NORD"), asString: true },
  { put: pv("wfc"), value: [72, 105, 0], wait: true },
  { get: pv("wfc"), form: "time" },
  { get: pv("wfc.NORD"), asString: true },
  // 64-bit integers, long strings, arrays between records.
  { put: pv("i64o"), value: 4500000000, wait: true },
  ...afterPut("i64o", "i64i"),
  { put: pv("i64o"), value: 9000000000, wait: true },
  ...afterPut("i64o", "i64i"),
  { put: pv("lso"), value: "a long string of more than forty characters, up to SIZV", wait: true },
  ...afterPut("lso", "lsi"),
  { get: pv("lsi.VAL$"), form: "time" },
  { get: pv("lsi.LEN"), asString: true },
  { put: pv("aao"), value: [4, 5, 6], wait: true },
  ...afterPut("aao", "aai"),
  { get: pv("aai"), form: "ctrl" },
  { get: pv("aai.NORD"), asString: true },
  // calcout: ao crosses 1 (CP), OCAL goes out after ODLY; a put-callback waits for ODLY.
  { put: pv("ao"), value: 0.5, wait: true },
  { sleep: 0.6 },
  { put: pv("ao"), value: 2, wait: true },
  { get: pv("co.DLYA"), asString: true },
  { sleep: 0.8 },
  ...afterPut("co", "coOut"),
  { get: pv("co.OVAL"), asString: true },
  { put: pv("co.OOPT"), value: "Every Time", wait: true },
  { put: pv("co.PROC"), value: 1, wait: true },
  { get: pv("co.DLYA"), asString: true },
  ...afterPut("co", "coOut"),
  // seq: DOL0 constant then DOL1 (the ao) after a delay; the put-callback waits for it.
  { put: pv("seq.PROC"), value: 1, wait: true },
  ...afterPut("seqA", "seqB"),
  { get: pv("seq.DO1"), asString: true },
  // fanout processes both passive calcs.
  { put: pv("fan.PROC"), value: 1, wait: true },
  { put: pv("fan.PROC"), value: 1, wait: true },
  ...afterPut("fanA", "fanB"),
  // links that point at nothing, PROC through an output link, UDF.
  { put: pv("badlink.PROC"), value: 1, wait: true },
  ...afterPut("badlink"),
  { put: pv("toCount"), value: 5, wait: true },
  { put: pv("toCount"), value: 6, wait: true },
  ...afterPut("count"),
  { put: pv("undef.PROC"), value: 1, wait: true },
  ...afterPut("undef"),
  { put: pv("undef"), value: 1.25, wait: true },
  ...afterPut("undef"),
  // puts to configuration fields, and ones both IOCs refuse.
  { put: pv("ai.DESC"), value: "renamed", wait: true },
  { put: pv("ai.HIHI"), value: 6, wait: true },
  { put: pv("ao"), value: 6.5, wait: true },
  ...afterPut("ai"),
  { put: pv("calc.CALC"), value: "A+", wait: true },
  { put: pv("calc.CALC"), value: "A-B", wait: true },
  { put: pv("calc.PROC"), value: 1, wait: true },
  ...afterPut("calc"),
  { put: pv("ai.STAT"), value: 0, wait: true },
  { put: pv("ai.SCAN"), value: "Passive", wait: true },
  { put: pv("ai.EGU"), value: "um", wait: true },
  { get: pv("ai"), form: "ctrl" },
  { sleep: 0.3 },
  { collectMonitors: true },
  ...readEverything(),
];
