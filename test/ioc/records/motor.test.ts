import { describe, expect, it } from "vitest";
import { type Motor, VirtualClock } from "../../../src/core/index.js";
import { checkDatabase, DatabaseLoader } from "../../../src/ioc/db/index.js";
import {
  DBE_PROPERTY,
  DBE_VALUE,
  IocDatabase,
  type IocRecord,
  putText,
  type RecordSupport,
  SEVR,
  STAT,
} from "../../../src/ioc/records/index.js";
import { deviceMotors, motorSupport } from "../../../src/ioc/records/types/motor.js";
import { MSTA } from "../../../src/ioc/records/types/motor-status.js";
import { SimMotor } from "../../../sim/index.js";

/** A started database with motor records, on a virtual clock stepped by hand. */
function motorDatabase(
  text: string,
  support: (clock: VirtualClock) => RecordSupport = () => motorSupport(),
): { db: IocDatabase; clock: VirtualClock; rec: (name: string) => IocRecord } {
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  const loader = new DatabaseLoader({ files: { read: () => undefined } });
  loader.loadText(text, "test.db");
  checkDatabase(loader.database, loader.problems);
  loader.problems.throwIfAny();
  const db = new IocDatabase(loader.database, { clock, supports: { motor: support(clock) } });
  db.start();
  const rec = (name: string): IocRecord => db.record(name)!;
  return { db, clock, rec };
}

/** Each value a field is posted with (DBE_VALUE). */
function postsOf(record: IocRecord, field: string): number[] {
  const values: number[] = [];
  record.watch(field, (_field, mask) => {
    if (mask & DBE_VALUE) values.push(record.num(field));
  });
  return values;
}

/** The put's promise and whether it has completed. */
function tracked(put: Promise<void>): { done: () => boolean; put: Promise<void> } {
  let done = false;
  void put.then(() => (done = true));
  return { done: () => done, put };
}

const M1 = `record(motor, "m1") {
  field(VELO, "1") field(ACCL, "0.1") field(EGU, "mm") field(PREC, "3")
  field(DHLM, "20") field(DLLM, "-20") field(RDBD, "0.001") field(MRES, "0.001") field(TWV, "0.5")
}`;

describe("the motor record", () => {
  it("a put with callback to VAL completes when DMOV is 1 with RBV within RDBD", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    const move = tracked(db.put(m1, "VAL", 2));
    expect(m1.num("DMOV")).toBe(0);
    expect(m1.num("MOVN")).toBe(1);
    await clock.advance(1);
    expect(move.done()).toBe(false);
    expect(m1.num("DMOV")).toBe(0);
    expect(m1.num("RBV")).toBeGreaterThan(0.5);
    expect(m1.num("RBV")).toBeLessThan(1.5);
    await clock.advance(1.5);
    expect(move.done()).toBe(true);
    expect(m1.num("DMOV")).toBe(1);
    expect(m1.num("MOVN")).toBe(0);
    expect(Math.abs(m1.num("RBV") - 2)).toBeLessThanOrEqual(m1.num("RDBD"));
    expect(m1.num("DRBV")).toBeCloseTo(2, 9);
    expect(m1.num("RRBV")).toBe(2000);
    expect(m1.num("RVAL")).toBe(2000);
  });

  it("DMOV goes 0 then 1 around every move, MOVN 1 then 0, a null move included", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    const dmov = postsOf(m1, "DMOV");
    const movn = postsOf(m1, "MOVN");
    for (const target of [1, -1, -1]) {
      void db.put(m1, "VAL", target);
      await clock.advance(3);
    }
    expect(dmov).toEqual([0, 1, 0, 1, 0, 1]);
    expect(movn).toEqual([1, 0, 1, 0]);
  });

  it("posts RBV at 10 Hz while moving, from the device's readback", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    const rbv = postsOf(m1, "RBV");
    void db.put(m1, "VAL", 2);
    await clock.advance(1);
    expect(rbv.length).toBeGreaterThanOrEqual(9);
    expect(rbv.length).toBeLessThanOrEqual(12);
    expect([...rbv].sort((a, b) => a - b)).toEqual(rbv);
    await clock.advance(2);
    expect(rbv.at(-1)).toBe(2);
  });

  it("a target outside the limits sets LVIO, moves nothing and completes at once", async () => {
    const { db, rec } = motorDatabase(M1);
    const m1 = rec("m1");
    const dmov = postsOf(m1, "DMOV");
    expect(m1.num("LVIO")).toBe(0);
    await db.put(m1, "VAL", 25);
    expect(m1.num("LVIO")).toBe(1);
    expect(m1.num("VAL")).toBe(0);
    expect(m1.num("DVAL")).toBe(0);
    expect(m1.num("RBV")).toBe(0);
    expect(dmov).toEqual([]);
    void db.put(m1, "VAL", 0.5);
    expect(m1.num("LVIO")).toBe(0);
  });

  it("HLM/LLM follow DHLM/DLLM through OFF and DIR, and back; VAL's control limits are them", async () => {
    const { db, rec } = motorDatabase(M1);
    const m1 = rec("m1");
    const property: number[] = [];
    m1.watch("VAL", (_field, mask) => {
      if (mask & DBE_PROPERTY) property.push(m1.num("HLM"));
    });
    await db.put(m1, "OFF", 1);
    expect([m1.num("HLM"), m1.num("LLM")]).toEqual([21, -19]);
    expect(property).toEqual([21, 21]);
    await db.put(m1, "DIR", "Neg");
    expect([m1.num("HLM"), m1.num("LLM")]).toEqual([21, -19]);
    await db.put(m1, "DHLM", 5);
    expect(m1.num("LLM")).toBe(-4);
    await db.put(m1, "HLM", 10);
    expect(m1.num("DLLM")).toBe(-9);
    const ctrl = m1.kind.support.metadata!(m1, "VAL");
    expect(ctrl).toMatchObject({ upperControlLimit: 10, lowerControlLimit: -4, precision: 3 });
    expect(ctrl.units).toBe("mm");
    expect(m1.kind.support.metadata!(m1, "DVAL")).toMatchObject({ upperControlLimit: 5 });
    expect(m1.kind.support.metadata!(m1, "DIR").enumStrings).toEqual(["Pos", "Neg"]);
  });

  it("user = dial × (DIR Neg ? -1 : 1) + OFF, for targets and readbacks", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    await db.put(m1, "OFF", 2);
    expect(m1.num("VAL")).toBe(2);
    expect(m1.num("RBV")).toBe(2);
    await db.put(m1, "DIR", "Neg");
    const move = tracked(db.put(m1, "VAL", 1));
    await clock.advance(2);
    expect(move.done()).toBe(true);
    expect(m1.num("DVAL")).toBe(1);
    expect(m1.num("DRBV")).toBeCloseTo(1, 9);
    expect(m1.num("RBV")).toBeCloseTo(1, 9);
    expect(m1.num("TDIR")).toBe(1);
  });

  it("SET mode recalibrates without moving: OFF when FOFF is Variable, the dial when Frozen", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    const dmov = postsOf(m1, "DMOV");
    await db.put(m1, "SET", "Set");
    await db.put(m1, "VAL", 10);
    expect(m1.num("OFF")).toBe(10);
    expect(m1.num("RBV")).toBe(10);
    expect(m1.num("DRBV")).toBe(0);
    expect(m1.num("HLM")).toBe(30);
    await db.put(m1, "FOFF", "Frozen");
    await db.put(m1, "VAL", 13);
    expect(m1.num("OFF")).toBe(10);
    expect(m1.num("DVAL")).toBe(3);
    expect(m1.num("DRBV")).toBe(3);
    expect(m1.num("RBV")).toBe(13);
    expect(dmov).toEqual([]);
    await db.put(m1, "SET", "Use");
    const move = tracked(db.put(m1, "VAL", 14));
    await clock.advance(0.9);
    expect(move.done()).toBe(false);
    await clock.advance(0.5);
    expect(move.done()).toBe(true);
    expect(m1.num("DRBV")).toBeCloseTo(4, 9);
  });

  it("STOP mid-move stops the device, sets VAL to RBV and completes the move's put", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    const move = tracked(db.put(m1, "VAL", 10));
    await clock.advance(1);
    await db.put(m1, "STOP", 1, { callback: false });
    expect(m1.num("STOP")).toBe(0);
    await clock.advance(0.5);
    expect(move.done()).toBe(true);
    expect(m1.num("DMOV")).toBe(1);
    expect(m1.num("RBV")).toBeGreaterThan(0.9);
    expect(m1.num("RBV")).toBeLessThan(1.2);
    expect(m1.num("VAL")).toBe(m1.num("RBV"));
    expect(m1.num("DVAL")).toBe(m1.num("DRBV"));
    const rested = m1.num("RBV");
    await clock.advance(5);
    expect(m1.num("RBV")).toBe(rested);
  });

  it("SPMG Pause keeps the target and Go resumes it; Stop drops it", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    const move = tracked(db.put(m1, "VAL", 3));
    await clock.advance(1);
    await db.put(m1, "SPMG", "Pause", { callback: false });
    await clock.advance(1);
    expect(move.done()).toBe(true);
    expect(m1.num("VAL")).toBe(3);
    expect(m1.num("RBV")).toBeLessThan(1.2);
    await db.put(m1, "VAL", 4);
    expect(m1.num("DMOV")).toBe(1);
    const resumed = tracked(db.put(m1, "SPMG", "Go"));
    expect(m1.num("DMOV")).toBe(0);
    await clock.advance(4);
    expect(resumed.done()).toBe(true);
    expect(m1.num("RBV")).toBeCloseTo(4, 9);
    void db.put(m1, "VAL", 8);
    await clock.advance(1);
    await db.put(m1, "SPMG", "Stop", { callback: false });
    await clock.advance(1);
    expect(m1.num("DMOV")).toBe(1);
    expect(m1.num("VAL")).toBe(m1.num("RBV"));
    await db.put(m1, "SPMG", "Go");
    expect(m1.num("DMOV")).toBe(1);
  });

  it("SPMG Move makes one move and then pauses", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    await db.put(m1, "SPMG", "Move");
    void db.put(m1, "VAL", 1);
    await clock.advance(2);
    expect(m1.num("RBV")).toBeCloseTo(1, 9);
    expect(m1.text("SPMG")).toBe("1");
  });

  it("TWF and TWR move by TWV; HOMF homes to dial 0; RLV moves relative", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    void db.put(m1, "TWF", 1);
    expect(m1.num("TWF")).toBe(0);
    await clock.advance(1);
    expect(m1.num("RBV")).toBeCloseTo(0.5, 9);
    void db.put(m1, "TWR", 1);
    void db.put(m1, "TWR", 1);
    await clock.advance(2);
    expect(m1.num("RBV")).toBeCloseTo(-0.5, 9);
    void db.put(m1, "RLV", 2);
    await clock.advance(3);
    expect(m1.num("RBV")).toBeCloseTo(1.5, 9);
    const home = tracked(db.put(m1, "HOMF", 1));
    expect(m1.num("HOMF")).toBe(1);
    await clock.advance(3);
    expect(home.done()).toBe(true);
    expect(m1.num("HOMF")).toBe(0);
    expect(m1.num("DRBV")).toBe(0);
    expect(m1.num("VAL")).toBe(0);
    expect(m1.num("ATHM")).toBe(1);
    expect(m1.num("MSTA") & MSTA.HOMED).toBe(MSTA.HOMED);
  });

  it("VELO stays within VBAS..VMAX, with S its revolutions per second", async () => {
    const { db, rec } = motorDatabase(M1.replace("}", 'field(VMAX, "4") field(VBAS, "0.5") }'));
    const m1 = rec("m1");
    expect(m1.num("UREV")).toBeCloseTo(0.2, 12);
    await db.put(m1, "VELO", 9);
    expect(m1.num("VELO")).toBe(4);
    expect(m1.num("S")).toBeCloseTo(20, 9);
    await db.put(m1, "S", 1);
    expect(m1.num("VELO")).toBeCloseTo(0.5, 12);
  });

  it("JOGF runs towards the high limit at JVEL until it is put back to 0", async () => {
    const { db, rec, clock } = motorDatabase(M1.replace("}", 'field(JVEL, "2") }'));
    const m1 = rec("m1");
    void db.put(m1, "JOGF", 1);
    await clock.advance(2);
    expect(m1.num("DMOV")).toBe(0);
    await db.put(m1, "JOGF", 0, { callback: false });
    await clock.advance(1);
    expect(m1.num("DMOV")).toBe(1);
    expect(m1.num("RBV")).toBeGreaterThan(3.9);
    expect(m1.num("VAL")).toBe(m1.num("RBV"));
  });

  it("a new target takes over a running move: one DMOV drop, the first put completes at the end", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    const dmov = postsOf(m1, "DMOV");
    const val = postsOf(m1, "VAL");
    const first = tracked(db.put(m1, "VAL", 5));
    await clock.advance(1);
    // A plain put (no callback) retargets at once; a second put with callback would wait.
    void db.put(m1, "VAL", 2, { callback: false });
    expect(val).toEqual([5, 2]);
    await clock.advance(0.5);
    expect(first.done()).toBe(false);
    await clock.advance(2);
    expect(first.done()).toBe(true);
    expect(m1.num("RBV")).toBeCloseTo(2, 9);
    expect(dmov).toEqual([0, 1]);
  });

  it("a put without processing (autosave, dbpf) moves nothing until the record processes", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    putText(m1, "DVAL", "3");
    await clock.advance(1);
    expect(m1.num("DMOV")).toBe(1);
    expect(m1.num("RBV")).toBe(0);
    const processed = tracked(db.put(m1, "PROC", 1));
    expect(m1.num("DMOV")).toBe(0);
    await clock.advance(4);
    expect(processed.done()).toBe(true);
    expect(m1.num("RBV")).toBeCloseTo(3, 9);
  });

  it("the forward link fires only when the move ends", async () => {
    const { db, rec, clock } = motorDatabase(`${M1.replace("}", 'field(FLNK, "count") }')}
      record(calc, "count") { field(CALC, "VAL+1") }`);
    void db.put(rec("m1"), "VAL", 1);
    await clock.advance(0.5);
    expect(rec("count").num("VAL")).toBe(0);
    await clock.advance(1);
    expect(rec("count").num("VAL")).toBe(1);
  });

  it("MSTA shows done at rest and moving during a move; the record is NO_ALARM", async () => {
    const { db, rec, clock } = motorDatabase(M1);
    const m1 = rec("m1");
    expect(m1.num("MSTA") & MSTA.DONE).toBe(MSTA.DONE);
    expect(m1.num("SEVR")).toBe(0);
    void db.put(m1, "VAL", -1);
    await clock.advance(0.3);
    expect(m1.num("MSTA") & (MSTA.MOVING | MSTA.DONE)).toBe(MSTA.MOVING);
    expect(m1.num("MSTA") & MSTA.DIRECTION).toBe(0);
    await clock.advance(2);
    expect(m1.num("MSTA") & (MSTA.MOVING | MSTA.DONE)).toBe(MSTA.DONE);
    expect(m1.num("SEVR")).toBe(0);
  });

  it('DTYP "hil Device" drives the Motor device OUT "@name" names', async () => {
    let device: Motor | undefined;
    const { db, rec, clock } = motorDatabase(
      `record(motor, "m2") { field(DTYP, "hil Device") field(OUT, "@stage_x") field(VELO, "2") }`,
      (clock) => {
        device = new SimMotor({ name: "stage_x", clock, position: 5, velocity: 10 });
        return motorSupport(deviceMotors(new Map([["stage_x", device]])));
      },
    );
    const m2 = rec("m2");
    expect(m2.num("RBV")).toBe(5);
    expect(m2.num("VAL")).toBe(5);
    const move = tracked(db.put(m2, "VAL", 7));
    await clock.advance(0.8);
    expect(move.done()).toBe(false);
    await clock.advance(0.5);
    expect(move.done()).toBe(true);
    expect(await device!.readback.get()).toBeCloseTo(7, 9);
    expect(await device!.velocity.get()).toBe(2);
  });

  it("a move the device refuses ends at once with a MAJOR STATE alarm and MSTA's problem bit", async () => {
    const { db, rec, clock } = motorDatabase(
      // The record's own limits are wider than the device's, so the device is the one to refuse.
      `record(motor, "m4") {
        field(DTYP, "hil Device") field(OUT, "@x") field(MRES, "0.001")
        field(DHLM, "10") field(DLLM, "-10")
      }`,
      (clock) => {
        const device = new SimMotor({ name: "x", clock, limits: [-1, 1] });
        return motorSupport(deviceMotors(new Map([["x", device]])));
      },
    );
    const m4 = rec("m4");
    const dmov = postsOf(m4, "DMOV");
    const refused = tracked(db.put(m4, "VAL", 5));
    await clock.advance(0.01);
    expect(refused.done()).toBe(true);
    expect(dmov).toEqual([0, 1]);
    expect(m4.num("SEVR")).toBe(SEVR.MAJOR);
    expect(m4.num("STAT")).toBe(STAT.STATE);
    expect(m4.num("MSTA") & MSTA.PROBLEM).toBe(MSTA.PROBLEM);
    expect(m4.num("VAL")).toBe(0);
    void db.put(m4, "VAL", 0.5);
    await clock.advance(2);
    expect(m4.num("RBV")).toBeCloseTo(0.5, 9);
    expect(m4.num("SEVR")).toBe(SEVR.NO_ALARM);
  });

  it("a device motor takes the limits, units and precision the database leaves unset", () => {
    const { rec } = motorDatabase(
      `record(motor, "m6") { field(DTYP, "hil Device") field(OUT, "@x") field(MRES, "0.001") }`,
      (clock) => {
        const device = new SimMotor({
          name: "x",
          clock,
          limits: [-1, 2],
          units: "mm",
          precision: 4,
        });
        return motorSupport(deviceMotors(new Map([["x", device]])));
      },
    );
    const m6 = rec("m6");
    expect([m6.num("DLLM"), m6.num("DHLM"), m6.num("LLM"), m6.num("HLM")]).toEqual([-1, 2, -1, 2]);
    expect([m6.text("EGU"), m6.num("PREC")]).toEqual(["mm", 4]);
  });

  it("a limit switch stops the move, sets HLS and raises HLSV; moving off clears it", async () => {
    const { db, rec, clock } = motorDatabase(
      `record(motor, "m5") {
        field(DTYP, "hil Device") field(OUT, "@x") field(MRES, "0.001") field(HLSV, "MAJOR")
      }`,
      (clock) => {
        const device = new SimMotor({ name: "x", clock, hardLimits: { low: -100, high: 3 } });
        return motorSupport(deviceMotors(new Map([["x", device]])));
      },
    );
    const m5 = rec("m5");
    const move = tracked(db.put(m5, "VAL", 5));
    await clock.advance(5);
    expect(move.done()).toBe(true);
    expect(m5.num("RBV")).toBeCloseTo(3, 9);
    expect(m5.num("VAL")).toBe(m5.num("RBV"));
    expect([m5.num("HLS"), m5.num("LLS")]).toEqual([1, 0]);
    expect(m5.num("MSTA") & (MSTA.PLUS_LS | MSTA.PROBLEM)).toBe(MSTA.PLUS_LS);
    expect([m5.num("STAT"), m5.num("SEVR")]).toEqual([STAT.HIGH, SEVR.MAJOR]);
    void db.put(m5, "VAL", 1);
    await clock.advance(3);
    expect(m5.num("HLS")).toBe(0);
    expect(m5.num("SEVR")).toBe(SEVR.NO_ALARM);
  });

  it("refuses puts to its read-only fields, and the checker refuses unknown fields", async () => {
    const { db, rec } = motorDatabase(M1);
    expect(() => db.put(rec("m1"), "RBV", 1)).toThrow(/read-only/);
    expect(() => db.put(rec("m1"), "DMOV", 0)).toThrow(/read-only/);
    expect(() => motorDatabase(`record(motor, "m") { field(VELOCITY, "1") }`)).toThrow(
      /motor records have no field "VELOCITY"/,
    );
  });

  it("an OUT naming no device fails the start, naming the record and the devices", () => {
    expect(() =>
      motorDatabase(
        `record(motor, "m3") { field(DTYP, "hil Device") field(OUT, "@nothing") }`,
        () => motorSupport(deviceMotors(new Map())),
      ),
    ).toThrow(/motor record "m3": OUT "@nothing" names no motor device/);
  });
});
