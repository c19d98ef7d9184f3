// Alarm limits with hysteresis, monitor deadbands and what each post carries.
import { describe, expect, it } from "vitest";
import { DBE_ALARM, DBE_LOG, DBE_VALUE, SEVR, STAT } from "../../../src/ioc/records/index.js";
import { databaseOf } from "./support.js";

describe("alarms and monitors", () => {
  it("raises HIHI before HIGH and keeps an alarm until the value leaves it by HYST", async () => {
    const { db, rec } = databaseOf(`
      record(ao, "a") {
        field(HIHI, "8") field(HIGH, "5") field(HHSV, "MAJOR") field(HSV, "MINOR") field(HYST, "1")
      }
    `);
    const a = rec("a");
    const alarm = (): [number, number] => [a.num("STAT"), a.num("SEVR")];
    await db.put(a, "VAL", 9);
    expect(alarm()).toEqual([STAT.HIHI, SEVR.MAJOR]);
    await db.put(a, "VAL", 7.5); // within HYST of HIHI: stays
    expect(alarm()).toEqual([STAT.HIHI, SEVR.MAJOR]);
    await db.put(a, "VAL", 6.5); // below HIHI - HYST: down to HIGH
    expect(alarm()).toEqual([STAT.HIGH, SEVR.MINOR]);
    await db.put(a, "VAL", 4.5); // within HYST of HIGH
    expect(alarm()).toEqual([STAT.HIGH, SEVR.MINOR]);
    await db.put(a, "VAL", 3.9);
    expect(alarm()).toEqual([STAT.NO_ALARM, SEVR.NO_ALARM]);
  });

  it("posts VAL past MDEL with DBE_VALUE and past ADEL with DBE_LOG, alarms with DBE_ALARM", async () => {
    const { db, rec } = databaseOf(`
      record(ao, "a") { field(MDEL, "1") field(ADEL, "3") field(HIGH, "10") field(HSV, "MINOR") }
    `);
    const a = rec("a");
    const posts: [number, number][] = [];
    a.watch("VAL", (_field, mask) => posts.push([a.num("VAL"), mask]));
    for (const value of [0.5, 1.5, 2, 4, 4.5, 11]) await db.put(a, "VAL", value);
    // 0.5: first process also clears UDF's alarm; 1.5 moved > 1 from 0.5; 2 no; 4 both; 4.5 no.
    expect(posts).toEqual([
      [0.5, DBE_ALARM],
      [1.5, DBE_VALUE],
      [4, DBE_VALUE | DBE_LOG],
      [11, DBE_VALUE | DBE_LOG | DBE_ALARM],
    ]);
  });

  it("MDEL -1 posts every pass, even without a change", async () => {
    const { db, rec } = databaseOf(`record(calc, "c") { field(MDEL, "-1") field(CALC, "5") }`);
    const masks: number[] = [];
    rec("c").watch("VAL", (_field, mask) => masks.push(mask));
    await db.put(rec("c"), "PROC", 1);
    await db.put(rec("c"), "PROC", 1);
    expect(masks.filter((mask) => mask & DBE_VALUE)).toHaveLength(2);
  });

  it("a disabled record raises DISABLE with DISS and does not process", async () => {
    const { db, rec } = databaseOf(`
      record(bo, "off") {}
      record(calc, "c") { field(SDIS, "off") field(DISV, "1") field(DISS, "MAJOR") field(CALC, "VAL+1") }
    `);
    await db.put(rec("c"), "PROC", 1);
    expect(rec("c").num("VAL")).toBe(1);
    await db.put(rec("off"), "VAL", 1);
    await db.put(rec("c"), "PROC", 1);
    expect(rec("c").num("VAL")).toBe(1);
    expect([rec("c").num("STAT"), rec("c").num("SEVR")]).toEqual([STAT.DISABLE, SEVR.MAJOR]);
  });

  it("MS carries the source's severity as a LINK alarm, MSS its status too, NMS nothing", async () => {
    const { db, rec } = databaseOf(`
      record(ao, "src") { field(HIGH, "1") field(HSV, "MINOR") }
      record(calc, "ms") { field(INPA, "src MS") field(CALC, "A") }
      record(calc, "mss") { field(INPA, "src MSS") field(CALC, "A") }
      record(calc, "nms") { field(INPA, "src NMS") field(CALC, "A") }
    `);
    await db.put(rec("src"), "VAL", 2);
    for (const name of ["ms", "mss", "nms"]) await db.put(rec(name), "PROC", 1);
    const alarm = (name: string): [number, number] => [
      rec(name).num("STAT"),
      rec(name).num("SEVR"),
    ];
    expect(alarm("ms")).toEqual([STAT.LINK, SEVR.MINOR]);
    expect(alarm("mss")).toEqual([STAT.HIGH, SEVR.MINOR]);
    expect(alarm("nms")).toEqual([STAT.NO_ALARM, SEVR.NO_ALARM]);
  });

  it("an input link to a record that is not there raises LINK INVALID when processed", async () => {
    const { db, rec } = databaseOf(`record(ai, "a") { field(INP, "nowhere") }`);
    expect(db.linkProblems.map((p) => p.record)).toEqual(["a"]);
    await db.put(rec("a"), "PROC", 1);
    expect([rec("a").num("STAT"), rec("a").num("SEVR")]).toEqual([STAT.LINK, SEVR.INVALID]);
  });
});
