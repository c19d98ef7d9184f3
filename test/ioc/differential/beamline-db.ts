// The database the differential test serves from both IOCs: every base record type it
// covers, links of every kind, macros, a template and a substitutions file.
export const mainDb = String.raw`
record(ai, "$(P)ai") {
  field(DESC, "a gauge") field(EGU, "mm") field(PREC, "3") field(HOPR, "10") field(LOPR, "-10")
  field(HIHI, "8") field(HIGH, "5") field(LOW, "-5") field(LOLO, "-8")
  field(HHSV, "MAJOR") field(HSV, "MINOR") field(LSV, "MINOR") field(LLSV, "MAJOR")
  field(HYST, "0.5") field(MDEL, "0.1") field(INP, "$(P)ao NPP MS")
}
record(ao, "$(P)ao") {
  field(EGU, "mm") field(PREC, "2") field(DRVH, "9") field(DRVL, "-9")
  field(HOPR, "10") field(LOPR, "-10") field(OUT, "$(P)aoCopy PP") field(FLNK, "$(P)ai")
}
record(ao, "$(P)aoCopy") { field(PREC, "2") }
record(bo, "$(P)bo") { field(ZNAM, "Closed") field(ONAM, "Open") }
record(bi, "$(P)bi") {
  field(ZNAM, "Off") field(ONAM, "On") field(OSV, "MINOR") field(COSV, "MAJOR") field(INP, "$(P)bo CP")
}
record(mbbo, "$(P)mbbo") {
  field(ZRST, "Idle") field(ONST, "Run") field(TWST, "Fault") field(THST, "Off")
  field(ZRVL, "0") field(ONVL, "1") field(TWVL, "2") field(THVL, "3")
  field(TWSV, "MAJOR") field(UNSV, "INVALID") field(OUT, "$(P)mbbi PP")
}
record(mbbi, "$(P)mbbi") {
  field(ZRST, "Idle") field(ONST, "Run") field(TWST, "Fault") field(THST, "Off")
  field(TWSV, "MAJOR") field(UNSV, "INVALID")
}
record(mbbo, "$(P)mbbNone") {}
record(bo, "$(P)boHalf") { field(ZNAM, "Off") }
record(longout, "$(P)lo") { field(DRVH, "100") field(DRVL, "0") field(OUT, "$(P)li PP") field(EGU, "cts") }
record(longin, "$(P)li") { field(HIGH, "50") field(HSV, "MINOR") field(EGU, "cts") }
record(stringout, "$(P)so") { field(VAL, "hello") field(OUT, "$(P)si PP") field(PINI, "YES") }
record(stringin, "$(P)si") {}
record(int64out, "$(P)i64o") { field(OUT, "$(P)i64i PP") field(DRVH, "5000000000") field(EGU, "ns") }
record(int64in, "$(P)i64i") { field(HIGH, "4000000000") field(HSV, "MINOR") field(EGU, "ns") }
record(lso, "$(P)lso") { field(SIZV, "100") field(OUT, "$(P)lsi PP") }
record(lsi, "$(P)lsi") { field(SIZV, "100") }
record(aao, "$(P)aao") { field(FTVL, "LONG") field(NELM, "5") field(OUT, "$(P)aai PP") }
record(aai, "$(P)aai") { field(FTVL, "LONG") field(NELM, "5") }
record(waveform, "$(P)wf") { field(FTVL, "DOUBLE") field(NELM, "10") field(EGU, "V") field(PREC, "1") }
record(waveform, "$(P)wfc") { field(FTVL, "CHAR") field(NELM, "40") }
record(calc, "$(P)calc") {
  field(INPA, "$(P)ao NPP") field(INPB, "$(P)lo") field(INPC, "2") field(CALC, "A*C+B")
  field(EGU, "V") field(PREC, "4")
}
record(calcout, "$(P)co") {
  field(INPA, "$(P)ao CP") field(CALC, "A>1") field(OOPT, "Transition To Non-zero")
  field(ODLY, "0.3") field(DOPT, "Use OCAL") field(OCAL, "A*10") field(OUT, "$(P)coOut PP")
}
record(ao, "$(P)coOut") {}
record(seq, "$(P)seq") {
  field(DOL0, "1") field(LNK0, "$(P)seqA PP") field(DOL1, "$(P)ao") field(LNK1, "$(P)seqB PP")
  field(DLY1, "0.2")
}
record(ao, "$(P)seqA") {}
record(ao, "$(P)seqB") {}
record(fanout, "$(P)fan") { field(LNK0, "$(P)fanA") field(LNK1, "$(P)fanB") }
record(calc, "$(P)fanA") { field(CALC, "VAL+1") }
record(calc, "$(P)fanB") { field(CALC, "VAL+2") }
record(ai, "$(P)dis") { field(SDIS, "$(P)bo") field(DISV, "1") field(DISS, "MINOR") field(INP, "$(P)ao") }
record(calc, "$(P)ms") { field(INPA, "$(P)ai MS") field(CALC, "A") }
record(calc, "$(P)mss") { field(INPA, "$(P)ai MSS") field(CALC, "A") }
record(calc, "$(P)nms") { field(INPA, "$(P)ai NMS") field(CALC, "A") }
record(ai, "$(P)undef") { field(EGU, "K") }
record(ai, "$(P)badlink") { field(INP, "$(P)nowhere") }
record(ao, "$(P)pini") { field(VAL, "4.5") field(PINI, "YES") field(OUT, "$(P)piniCopy PP") }
record(ao, "$(P)piniCopy") {}
record(calc, "$(P)count") { field(CALC, "VAL+1") }
record(longout, "$(P)toCount") { field(OUT, "$(P)count.PROC") }
`;

export const gaugeTemplate = String.raw`
record(ai, "$(P)$(G)") { field(EGU, "$(U=mbar)") field(PREC, "$(PREC=2)") field(INP, "$(SRC)") }
`;

export const gaugeSubstitutions = String.raw`
file gauge.template {
  pattern {P, G, SRC}
  {x:, g1, "1.5"}
  {x:, g2, "2.5"}
}
file gauge.template { {P=x:, G=g3, SRC=3.5, U=Torr, PREC=4} }
`;

/** softIoc's startup script loading the same files. */
export const startupScript = String.raw`
dbLoadRecords("main.db", "P=x:")
dbLoadTemplate("gauges.substitutions")
iocInit()
`;
