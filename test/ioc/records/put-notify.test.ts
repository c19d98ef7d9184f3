// A put with callback completes when everything it processed has finished its pass, as
// dbNotify does; and the output links' process options.
import { describe, expect, it } from "vitest";
import { databaseOf } from "./support.js";

/** A put's completion as a flag the test can read while stepping the clock. */
function track(put: Promise<void>): { done: () => boolean } {
  let done = false;
  void put.then(() => (done = true));
  return { done: () => done };
}

describe("put with callback", () => {
  it("waits for a calcout's ODLY further down a forward-link chain", async () => {
    const { db, rec, clock } = databaseOf(`
      record(ao, "start") { field(FLNK, "delay") }
      record(calcout, "delay") { field(CALC, "1") field(ODLY, "3") field(OUT, "end PP") }
      record(ao, "end") {}
    `);
    const put = track(db.put(rec("start"), "VAL", 1));
    await clock.advance(2.9);
    expect(put.done()).toBe(false);
    await clock.advance(0.2);
    expect(put.done()).toBe(true);
    expect(rec("end").num("VAL")).toBe(1);
  });

  it("waits for every delayed step of a seq", async () => {
    const { db, rec, clock } = databaseOf(`
      record(seq, "s") {
        field(DOL0, "1") field(LNK0, "a PP") field(DLY1, "1") field(DOL1, "2") field(LNK1, "b PP")
        field(DLY2, "2") field(DOL2, "3") field(LNK2, "c PP")
      }
      record(ao, "a") {} record(ao, "b") {} record(ao, "c") {}
    `);
    const put = track(db.put(rec("s"), "PROC", 1));
    await clock.advance(0);
    expect([rec("a").num("VAL"), rec("b").num("VAL")]).toEqual([1, 0]);
    await clock.advance(1.5);
    expect([rec("b").num("VAL"), rec("c").num("VAL"), put.done()]).toEqual([2, 0, false]);
    await clock.advance(1.6);
    expect([rec("c").num("VAL"), put.done()]).toEqual([3, true]);
  });

  it("a put to a field that does not process completes at once", async () => {
    const { db, rec } = databaseOf(`record(calcout, "c") { field(ODLY, "5") field(CALC, "1") }`);
    await db.put(rec("c"), "DESC", "no processing");
    expect(rec("c").text("DESC")).toBe("no processing");
  });

  it("a put while the record is busy waits for the pass, then processes again", async () => {
    const { db, rec, clock } = databaseOf(`
      record(calcout, "c") { field(CALC, "A") field(ODLY, "1") field(OUT, "out PP") }
      record(ao, "out") {}
    `);
    const first = track(db.put(rec("c"), "A", 1));
    const second = track(db.put(rec("c"), "A", 2));
    await clock.advance(1.1);
    expect([first.done(), second.done(), rec("out").num("VAL")]).toEqual([true, false, 1]);
    await clock.advance(1.1);
    expect([second.done(), rec("out").num("VAL")]).toEqual([true, 2]);
  });
});

describe("puts with and without callback on a busy record", () => {
  it("a second put with callback waits for the first's completion; a plain put does not", async () => {
    const { db, rec, clock } = databaseOf(`
      record(calcout, "c") { field(CALC, "A") field(ODLY, "1") field(OUT, "out PP") }
      record(ao, "out") {}
    `);
    const first = track(db.put(rec("c"), "A", 1));
    await db.put(rec("c"), "DESC", "plain", { callback: false });
    expect(rec("c").text("DESC")).toBe("plain");
    const second = track(db.put(rec("c"), "A", 2));
    await clock.advance(0.5);
    expect(rec("c").num("A")).toBe(1);
    await clock.advance(0.6);
    expect([first.done(), rec("out").num("VAL"), rec("c").num("A")]).toEqual([true, 1, 2]);
    await clock.advance(1.1);
    expect([second.done(), rec("out").num("VAL")]).toEqual([true, 2]);
  });
});

describe("puts that join one pass", () => {
  it("each completes only when what the pass reaches later has finished", async () => {
    const { db, rec, clock } = databaseOf(`
      record(motor, "m") {
        field(VELO, "1") field(ACCL, "0.1") field(DHLM, "20") field(DLLM, "-20")
        field(MRES, "0.001") field(RDBD, "0.001") field(FLNK, "after")
      }
      record(calcout, "after") { field(CALC, "1") field(ODLY, "1") }
      record(ao, "nudge") { field(OUT, "m.VAL PP") }
    `);
    const first = track(db.put(rec("m"), "VAL", 2));
    await clock.advance(0.5);
    // A put with callback elsewhere whose output processes the moving motor joins its pass.
    const second = track(db.put(rec("nudge"), "VAL", 3));
    await clock.advance(3);
    expect(rec("m").num("DMOV")).toBe(1);
    expect([first.done(), second.done()]).toEqual([false, false]);
    await clock.advance(1.2);
    expect([first.done(), second.done()]).toEqual([true, true]);
  });
});

describe("output links", () => {
  it("PP processes a passive target only; a link to .PROC processes whatever its SCAN", async () => {
    const { db, rec } = databaseOf(`
      record(ao, "out") { field(OUT, "passive.A PP") field(FLNK, "toProc") }
      record(calc, "passive") { field(CALC, "VAL+A") }
      record(longout, "toProc") { field(OUT, "periodic.PROC") field(VAL, "1") }
      record(calc, "periodic") { field(SCAN, "10 second") field(CALC, "VAL+1") }
    `);
    await db.put(rec("out"), "VAL", 2);
    expect(rec("passive").num("VAL")).toBe(2);
    expect(rec("periodic").num("VAL")).toBe(1);
  });

  it("clamps an ao to DRVH/DRVL and a longout too", async () => {
    const { db, rec } = databaseOf(`
      record(ao, "a") { field(DRVH, "5") field(DRVL, "-5") }
      record(longout, "l") { field(DRVH, "10") field(DRVL, "0") }
    `);
    await db.put(rec("a"), "VAL", 7);
    await db.put(rec("l"), "VAL", -3);
    expect([rec("a").num("VAL"), rec("l").num("VAL")]).toEqual([5, 0]);
  });

  it("a bo with HIGH drops back to 0 after HIGH seconds", async () => {
    const { db, rec, clock } = databaseOf(`record(bo, "pulse") { field(HIGH, "0.5") }`);
    await db.put(rec("pulse"), "VAL", 1);
    await clock.advance(0.4);
    expect(rec("pulse").num("VAL")).toBe(1);
    await clock.advance(0.2);
    expect(rec("pulse").num("VAL")).toBe(0);
  });

  it("fanout processes the selected passive links", async () => {
    const { db, rec } = databaseOf(`
      record(fanout, "f") { field(SELM, "Specified") field(SELN, "1") field(LNK0, "a") field(LNK1, "b") }
      record(calc, "a") { field(CALC, "VAL+1") }
      record(calc, "b") { field(CALC, "VAL+1") }
    `);
    await db.put(rec("f"), "PROC", 1);
    expect([rec("a").num("VAL"), rec("b").num("VAL")]).toEqual([0, 1]);
    await db.put(rec("f"), "SELM", "All");
    await db.put(rec("f"), "PROC", 1);
    expect([rec("a").num("VAL"), rec("b").num("VAL")]).toEqual([1, 2]);
  });
});
