// Field attributes of each record type as EPICS base 7 (7.0.8) declares them in softIoc.dbd:
// which puts process a passive record (pp), which fields are operational (ASL0; all others
// are ASL1 for access security), which are read-only to clients (SPC_NOMOD), which post
// DBE_PROPERTY when they change, and the initial values. Data only, as record-types.ts.

/** Attributes as the data below writes them: field names separated by spaces. */
interface AttributeLines {
  readonly pp?: string;
  readonly asl0?: string;
  readonly readOnly?: string;
  readonly property?: string;
  readonly initial?: Readonly<Record<string, string>>;
}

export interface FieldAttributes {
  readonly pp: ReadonlySet<string>;
  readonly asl0: ReadonlySet<string>;
  readonly readOnly: ReadonlySet<string>;
  readonly property: ReadonlySet<string>;
  readonly initial: Readonly<Record<string, string>>;
}

const common: AttributeLines = {
  pp: "PROC UDF",
  readOnly:
    "NAME MLOK MLIS BKLNK STAT SEVR AMSG NSTA NSEV NAMSG ACKS ACKT LCNT PACT PUTF RPRO ASP PPN PPNR SPVT RSET DSET DPVT RDES LSET BKPT TIME UTAG",
  initial: { DISV: "1", STAT: "UDF", ACKT: "YES", UDF: "1", UDFS: "INVALID" },
};

const byType: Readonly<Record<string, AttributeLines>> = {
  ai: {
    pp: "VAL LINR EGUF EGUL AOFF ASLO HIHI LOLO HIGH LOW HHSV LLSV HSV LSV ESLO EOFF ROFF RVAL",
    asl0: "VAL",
    readOnly: "LALM AFVL ALST MLST PBRK INIT LBRK ORAW OLDSIMM SIMPVT",
    property: "PREC EGU HOPR LOPR HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    initial: { ASLO: "1", ESLO: "1", SSCN: "65535", SDLY: "-1.0" },
  },
  ao: {
    pp: "VAL LINR EGUF EGUL ROFF EOFF ESLO DRVH DRVL AOFF ASLO HIHI LOLO HIGH LOW HHSV LLSV HSV LSV RVAL",
    asl0: "VAL",
    readOnly: "ORAW RBV ORBV PVAL LALM ALST MLST PBRK INIT LBRK OLDSIMM SIMPVT OMOD",
    property: "PREC EGU DRVH DRVL HOPR LOPR HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    initial: { ESLO: "1", SSCN: "65535", SDLY: "-1.0" },
  },
  bi: {
    pp: "VAL ZSV OSV COSV ZNAM ONAM RVAL",
    asl0: "VAL",
    readOnly: "ORAW MASK LALM MLST OLDSIMM SIMPVT",
    property: "ZNAM ONAM",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  bo: {
    pp: "VAL ZNAM ONAM RVAL ZSV OSV COSV",
    asl0: "VAL",
    readOnly: "ORAW MASK RPVT WDPT RBV ORBV MLST LALM OLDSIMM SIMPVT",
    property: "ZNAM ONAM",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  mbbi: {
    pp: "VAL ZRVL ONVL TWVL THVL FRVL FVVL SXVL SVVL EIVL NIVL TEVL ELVL TVVL TTVL FTVL FFVL ZRST ONST TWST THST FRST FVST SXST SVST EIST NIST TEST ELST TVST TTST FTST FFST ZRSV ONSV TWSV THSV FRSV FVSV SXSV SVSV EISV NISV TESV ELSV TVSV TTSV FTSV FFSV UNSV COSV RVAL",
    asl0: "VAL",
    readOnly: "NOBT AFVL ORAW MASK MLST LALM SDEF OLDSIMM SIMPVT",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  mbbo: {
    pp: "VAL ZRVL ONVL TWVL THVL FRVL FVVL SXVL SVVL EIVL NIVL TEVL ELVL TVVL TTVL FTVL FFVL ZRST ONST TWST THST FRST FVST SXST SVST EIST NIST TEST ELST TVST TTST FTST FFST ZRSV ONSV TWSV THSV FRSV FVSV SXSV SVSV EISV NISV TESV ELSV TVSV TTSV FTSV FFSV UNSV COSV RVAL",
    asl0: "VAL",
    readOnly: "NOBT ORAW RBV ORBV MASK MLST LALM SDEF OLDSIMM SIMPVT",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  longin: {
    pp: "VAL HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    asl0: "VAL",
    readOnly: "AFVL LALM ALST MLST OLDSIMM SIMPVT",
    property: "EGU HOPR LOPR HIHI LOLO HIGH LOW",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  longout: {
    pp: "VAL DRVH DRVL HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    asl0: "VAL",
    readOnly: "LALM ALST MLST OLDSIMM SIMPVT OUTPVT",
    property: "EGU DRVH DRVL HOPR LOPR HIHI LOLO HIGH LOW",
    initial: { SSCN: "65535", SDLY: "-1.0", OOCH: "1", OOPT: "0" },
  },
  int64in: {
    pp: "VAL HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    asl0: "VAL",
    readOnly: "AFVL LALM ALST MLST OLDSIMM SIMPVT",
    property: "EGU HOPR LOPR HIHI LOLO HIGH LOW",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  int64out: {
    pp: "VAL DRVH DRVL HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    asl0: "VAL",
    readOnly: "LALM ALST MLST OLDSIMM SIMPVT",
    property: "EGU DRVH DRVL HOPR LOPR HIHI LOLO HIGH LOW",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  stringin: {
    pp: "VAL SVAL",
    asl0: "VAL",
    readOnly: "OVAL OLDSIMM SIMPVT",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  stringout: {
    pp: "VAL",
    asl0: "VAL",
    readOnly: "OVAL OLDSIMM SIMPVT",
    initial: { SSCN: "65535", SDLY: "-1.0" },
  },
  lsi: {
    pp: "VAL",
    asl0: "VAL",
    readOnly: "SIZV LEN OLEN OLDSIMM SIMPVT",
    initial: { SIZV: "41", SSCN: "65535", SDLY: "-1.0" },
  },
  lso: {
    pp: "VAL",
    asl0: "VAL",
    readOnly: "SIZV LEN OLEN OLDSIMM SIMPVT",
    initial: { SIZV: "41", SSCN: "65535", SDLY: "-1.0" },
  },
  waveform: {
    pp: "VAL RARM",
    asl0: "VAL",
    readOnly: "NELM FTVL BUSY NORD BPTR OLDSIMM SIMPVT",
    property: "PREC EGU HOPR LOPR",
    initial: { NELM: "1", SSCN: "65535", SDLY: "-1.0" },
  },
  aai: {
    pp: "VAL",
    asl0: "VAL",
    readOnly: "NELM FTVL NORD BPTR OLDSIMM SIMPVT",
    property: "PREC EGU HOPR LOPR",
    initial: { NELM: "1", SSCN: "65535", SDLY: "-1.0" },
  },
  aao: {
    pp: "VAL",
    asl0: "VAL",
    readOnly: "NELM FTVL NORD BPTR OLDSIMM SIMPVT",
    property: "PREC EGU HOPR LOPR",
    initial: { NELM: "1", SSCN: "65535", SDLY: "-1.0" },
  },
  calc: {
    pp: "CALC HIHI LOLO HIGH LOW HHSV LLSV HSV LSV A B C D E F G H I J K L",
    asl0: "VAL",
    readOnly: "AFVL LA LB LC LD LE LF LG LH LI LJ LK LL LALM ALST MLST RPCL",
    property: "EGU PREC HOPR LOPR HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    initial: { CALC: "0" },
  },
  calcout: {
    pp: "CALC OCAL HIHI LOLO HIGH LOW HHSV LLSV HSV LSV A B C D E F G H I J K L",
    asl0: "VAL ODLY DLYA OEVT OVAL POVL",
    readOnly:
      "RPVT INAV INBV INCV INDV INEV INFV INGV INHV INIV INJV INKV INLV OUTV DLYA EPVT LA LB LC LD LE LF LG LH LI LJ LK LL LALM ALST MLST RPCL ORPC",
    property: "EGU PREC HOPR LOPR HIHI LOLO HIGH LOW HHSV LLSV HSV LSV",
    initial: {
      CALC: "0",
      INAV: "1",
      INBV: "1",
      INCV: "1",
      INDV: "1",
      INEV: "1",
      INFV: "1",
      INGV: "1",
      INHV: "1",
      INIV: "1",
      INJV: "1",
      INKV: "1",
      INLV: "1",
      OCAL: "0",
    },
  },
  seq: {
    pp: "VAL",
    asl0: "VAL",
    initial: { SELN: "1", OFFS: "0", SHFT: "-1" },
  },
  fanout: {
    pp: "VAL",
    asl0: "VAL",
    initial: { SELN: "1", OFFS: "0", SHFT: "-1" },
  },
  // epics-modules/motor's motorRecord.dbd. Its dbd marks no field prop(YES); these change
  // VAL's and RBV's units, precision or limits, which clients hear of through DBE_PROPERTY.
  motor: {
    pp: "OFF DIR SREV UREV MRES ERES UEIP URIP HLM LLM DHLM DLLM HIHI LOLO HIGH LOW HHSV LLSV HSV LSV HLSV SPMG STOP HOMF HOMR JOGF JOGR TWF TWR VAL DVAL RVAL RLV CNEN STUP SYNC",
    asl0: "OFF FOFF FOF VOF SET SSET SUSE BDST SPMG STOP JOGF JOGR TWF TWR TWV VAL DVAL RVAL RLV CNEN STUP",
    readOnly:
      "VERS ACCU CARD HLS LLS RHLS RLLS RCNT MISS LSPG LVAL LDVL LRVL LRLV RBV DRBV DIFF RDIF CDIR RRBV RMP REP RVEL DMOV MOVN MSTA LVIO TDIR ATHM PP MIP MMAP NMAP CBAK ALST MLST",
    property: "EGU PREC HLM LLM DHLM DLLM",
    initial: {
      VERS: "1",
      ACCL: "0.2",
      BACC: "0.5",
      FRAC: "1",
      SREV: "200",
      RTRY: "10",
      SPMG: "Go",
      LSPG: "Go",
      DMOV: "1",
      LVIO: "1",
      PP: "0",
      PCOF: "0",
      ICOF: "0",
      DCOF: "0",
      LOCK: "NO",
      NTM: "YES",
      NTMF: "2",
      STUP: "OFF",
      RMOD: "Default",
    },
  },
};

const words = (line: string | undefined): string[] => (line ? line.split(" ") : []);

function merge(own: AttributeLines): FieldAttributes {
  const set = (key: "pp" | "asl0" | "readOnly" | "property"): ReadonlySet<string> =>
    new Set([...words(common[key]), ...words(own[key])]);
  return {
    pp: set("pp"),
    asl0: set("asl0"),
    readOnly: set("readOnly"),
    property: set("property"),
    initial: { ...common.initial, ...own.initial },
  };
}

const cache = new Map<string, FieldAttributes>();

/** The attributes of a record type's fields, dbCommon's included. */
export function fieldAttributesOf(type: string, extra?: AttributeLines): FieldAttributes {
  let attributes = cache.get(type);
  if (!attributes) {
    const own = byType[type] ?? extra;
    if (!own) throw new Error(`no field attributes for record type "${type}"`);
    attributes = merge(own);
    cache.set(type, attributes);
  }
  return attributes;
}

export type { AttributeLines };
