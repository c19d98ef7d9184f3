import { describe, expect, it } from "vitest";
import { SEVR, STAT } from "../../../src/ioc/records/index.js";
import { databaseOf } from "./support.js";

describe("records", () => {
  it("an ao put processes it and writes its OUT link into a passive ai through PP", async () => {
    const { db, rec } = databaseOf(`
      record(ao, "out") { field(OUT, "in PP") field(DRVH, "10") field(DRVL, "-10") }
      record(ai, "in") { field(HIGH, "5") field(HSV, "MINOR") }
    `);
    await db.put(rec("out"), "VAL", 7);
    expect(rec("in").num("VAL")).toBe(7);
    expect(rec("in").num("SEVR")).toBe(SEVR.MINOR);
    expect(rec("in").num("STAT")).toBe(STAT.HIGH);
    await db.put(rec("out"), "VAL", 99);
    expect(rec("out").num("VAL")).toBe(10);
    expect(rec("in").num("VAL")).toBe(10);
  });

  it("a calc reads its inputs and forward links", async () => {
    const { db, rec } = databaseOf(`
      record(ao, "a") { field(FLNK, "sum") }
      record(calc, "sum") { field(INPA, "a") field(INPB, "3") field(CALC, "A+B") }
    `);
    await db.put(rec("a"), "VAL", 4);
    expect(rec("sum").num("VAL")).toBe(7);
  });

  it("a put with callback waits for a calcout's ODLY", async () => {
    const { db, rec, clock } = databaseOf(`
      record(calcout, "co") { field(CALC, "A*2") field(ODLY, "2") field(OUT, "dest PP") }
      record(ao, "dest") {}
    `);
    let done = false;
    const put = db.put(rec("co"), "A", 5).then(() => (done = true));
    await clock.advance(1);
    expect(done).toBe(false);
    expect(rec("co").num("DLYA")).toBe(1);
    await clock.advance(1.5);
    await put;
    expect(rec("dest").num("VAL")).toBe(10);
    expect(rec("co").num("DLYA")).toBe(0);
  });

  it("periodic scan runs on the clock", async () => {
    const { rec, clock } = databaseOf(`
      record(calc, "count") { field(SCAN, ".1 second") field(CALC, "VAL+1") }
    `);
    await clock.advance(1.05);
    expect(rec("count").num("VAL")).toBe(10);
  });
});
