// Signals on PVs of an IOC (ours, in-process) through the CA client: readings with the
// record's alarm, describe() from CTRL metadata, puts with completion, monitors, and the
// errors of a PV nobody serves or one whose type the datatype cannot hold.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServedDb, serveDb } from "../../support/served-db.js";
import type { CaClient } from "../../../src/ca/index.js";
import { epicsSignalR, epicsSignalRW, epicsSignalRWRbv } from "../../../src/ca/index.js";
import { datatype, type Reading } from "../../../src/core/index.js";

const db = `
record(ao, "t:gap") {
  field(EGU, "mm") field(PREC, "3") field(DRVH, "10") field(DRVL, "-10")
  field(HOPR, "12") field(LOPR, "-12") field(HIGH, "8") field(HSV, "MINOR") field(OUT, "t:gap_RBV PP")
}
record(ai, "t:gap_RBV") { field(EGU, "mm") field(PREC, "3") }
record(mbbo, "t:mode") { field(ZRST, "Off") field(ONST, "Slow") field(TWST, "Fast") }
record(waveform, "t:trace") { field(FTVL, "DOUBLE") field(NELM, "8") }
record(stringout, "t:sample") { field(VAL, "none") }
record(calcout, "t:slow") { field(CALC, "A") field(ODLY, "0.3") field(OUT, "t:done PP") }
record(ao, "t:done") {}
`;

describe("signals on EPICS PVs", () => {
  let served: ServedDb;
  let client: CaClient;

  beforeAll(async () => {
    served = await serveDb(db);
    client = served.client;
  });

  afterAll(async () => {
    await served?.close();
  });

  it("describes a PV from its CTRL metadata and reads it with the record's alarm", async () => {
    const gap = epicsSignalRW(client, datatype.float, "t:gap", { name: "gap" });
    await gap.connect();
    expect(await gap.describe()).toEqual({
      gap: {
        source: "ca://t:gap",
        dtype: "number",
        dtype_numpy: "<f8",
        shape: [],
        units: "mm",
        precision: 3,
        limits: {
          control: { low: -10, high: 10 },
          display: { low: -12, high: 12 },
          warning: { low: null, high: 8 },
        },
      },
    });
    await gap.set(9);
    const reading = (await gap.read())["gap"]!;
    expect(reading.value).toBe(9);
    expect(reading.alarm_severity).toBe(1);
  });

  it("writes a setpoint and reads its readback (the _RBV shape)", async () => {
    const gap = epicsSignalRWRbv(client, datatype.float, "t:gap", "_RBV", { name: "gap" });
    await gap.connect();
    await gap.set(2.5);
    expect(await gap.get()).toBe(2.5);
    expect((await gap.describe())["gap"]!.source).toBe("ca://t:gap_RBV");
  });

  it("holds enums by state name, arrays as typed arrays, strings as strings", async () => {
    const mode = epicsSignalRW(client, datatype.enumeration(["Off", "Slow", "Fast"]), "t:mode");
    const trace = epicsSignalRW(client, datatype.float64Array, "t:trace");
    const sample = epicsSignalRW(client, datatype.string, "t:sample");
    await Promise.all([mode.connect(), trace.connect(), sample.connect()]);
    await mode.set("Fast");
    await trace.set(Float64Array.from([1, 2, 3]));
    await sample.set("Si wafer");
    expect(await mode.get()).toBe("Fast");
    expect(await trace.get()).toEqual(Float64Array.from([1, 2, 3]));
    expect(await sample.get()).toBe("Si wafer");
  });

  it("a put with completion waits for the record's processing (calcout ODLY)", async () => {
    const slow = epicsSignalRW(client, datatype.float, "t:slow.A");
    const done = epicsSignalR(client, datatype.float, "t:done");
    await Promise.all([slow.connect(), done.connect()]);
    await slow.set(4, { wait: true });
    expect(await done.get()).toBe(4);
  });

  it("delivers monitor updates to subscribers", async () => {
    const rbv = epicsSignalR(client, datatype.float, "t:gap_RBV", { name: "rbv" });
    const gap = epicsSignalRW(client, datatype.float, "t:gap");
    await Promise.all([rbv.connect(), gap.connect()]);
    const seen: number[] = [];
    let arrived!: () => void;
    const last = new Promise<void>((resolve) => (arrived = resolve));
    const stop = rbv.subscribe((reading: Reading<number>) => {
      seen.push(reading.value);
      if (reading.value === 7) arrived();
    });
    await gap.set(6);
    await gap.set(7);
    await last;
    stop();
    expect(seen.slice(-2)).toEqual([6, 7]);
  });

  it("fails to connect naming the PV nobody serves, and a type the datatype cannot hold", async () => {
    const missing = epicsSignalR(client, datatype.float, "t:nobody", { name: "missing" });
    await expect(missing.connect({ timeout: 0.3 })).rejects.toThrow(/t:nobody/);
    const wrong = epicsSignalR(client, datatype.int32Array, "t:sample", { name: "wrong" });
    await expect(wrong.connect()).rejects.toThrow(
      "t:sample: the channel (native DBR_STRING × 1) does not fit for an array of 32-bit integers",
    );
    const states = epicsSignalR(client, datatype.enumeration(["Off", "Turbo"]), "t:mode");
    await expect(states.connect()).rejects.toThrow(
      't:mode: the channel (native DBR_ENUM × 1) has no state "Turbo"',
    );
  });
});
