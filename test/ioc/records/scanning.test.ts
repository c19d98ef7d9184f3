// SCAN, PHAS, PINI, events and I/O Intr, driven on the virtual clock.
import { describe, expect, it } from "vitest";
import { databaseOf } from "./support.js";

describe("scanning", () => {
  it("runs each periodic list at its period, records of a list in PHAS order", async () => {
    const { rec, clock } = databaseOf(`
      record(calc, "fast") { field(SCAN, ".1 second") field(CALC, "VAL+1") }
      record(calc, "slow") { field(SCAN, "1 second") field(CALC, "VAL+1") }
      record(calc, "second") { field(SCAN, "1 second") field(PHAS, "2") field(INPA, "first") field(CALC, "A") }
      record(calc, "first") { field(SCAN, "1 second") field(PHAS, "1") field(CALC, "VAL+10") }
    `);
    await clock.advance(2.05);
    expect(rec("fast").num("VAL")).toBe(20);
    expect(rec("slow").num("VAL")).toBe(2);
    // PHAS 1 runs before PHAS 2 in the same pass, so "second" sees this pass's value.
    expect(rec("second").num("VAL")).toBe(20);
  });

  it("processes PINI records once at start, in PHAS order", () => {
    const { rec } = databaseOf(`
      record(calc, "later") { field(PINI, "YES") field(PHAS, "1") field(INPA, "earlier") field(CALC, "A+1") }
      record(calc, "earlier") { field(PINI, "YES") field(PHAS, "0") field(CALC, "VAL+5") }
      record(calc, "never") { field(CALC, "VAL+1") }
    `);
    expect(rec("earlier").num("VAL")).toBe(5);
    expect(rec("later").num("VAL")).toBe(6);
    expect(rec("never").num("VAL")).toBe(0);
  });

  it("a calcout's OEVT processes the SCAN Event records of that event", async () => {
    const { db, rec } = databaseOf(`
      record(calcout, "trigger") { field(CALC, "1") field(OEVT, "beam") }
      record(calc, "onBeam") { field(SCAN, "Event") field(EVNT, "beam") field(CALC, "VAL+1") }
      record(calc, "onOther") { field(SCAN, "Event") field(EVNT, "other") field(CALC, "VAL+1") }
    `);
    await db.put(rec("trigger"), "PROC", 1);
    await db.put(rec("trigger"), "PROC", 1);
    expect(rec("onBeam").num("VAL")).toBe(2);
    expect(rec("onOther").num("VAL")).toBe(0);
  });

  it("an I/O Intr record processes when its device reports news, others do not", async () => {
    const { db, rec, clock } = databaseOf(`
      record(calc, "intr") { field(SCAN, "I/O Intr") field(CALC, "VAL+1") }
      record(calc, "passive") { field(CALC, "VAL+1") }
    `);
    db.ioRequest(rec("intr"));
    db.ioRequest(rec("passive"));
    await clock.advance(0);
    expect(rec("intr").num("VAL")).toBe(1);
    expect(rec("passive").num("VAL")).toBe(0);
  });

  it("a put to SCAN moves the record to its new list", async () => {
    const { db, rec, clock } = databaseOf(`record(calc, "c") { field(CALC, "VAL+1") }`);
    await clock.advance(1);
    expect(rec("c").num("VAL")).toBe(0);
    await db.put(rec("c"), "SCAN", ".5 second");
    await clock.advance(1.05);
    expect(rec("c").num("VAL")).toBe(2);
    await db.put(rec("c"), "SCAN", "Passive");
    await clock.advance(2);
    expect(rec("c").num("VAL")).toBe(2);
  });

  it("a CP input link processes the record when its source changes; CPP only when passive", async () => {
    const { db, rec, clock } = databaseOf(`
      record(ao, "source") {}
      record(calc, "cp") { field(INPA, "source CP") field(CALC, "A*2") }
      record(calc, "cppPeriodic") { field(SCAN, "10 second") field(INPA, "source CPP") field(CALC, "A*3") }
    `);
    await db.put(rec("source"), "VAL", 4);
    await clock.advance(0);
    expect(rec("cp").num("VAL")).toBe(8);
    expect(rec("cppPeriodic").num("VAL")).toBe(0);
  });
});
