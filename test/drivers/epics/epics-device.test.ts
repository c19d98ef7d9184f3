// A device declared as PVs (EpicsDevice): children by kind, a readback written through its
// setpoint PV, a read-only configuration string.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServedDb, serveDb } from "../../support/served-db.js";
import { EpicsDevice } from "../../../drivers/epics/index.js";
import type { CaClient } from "../../../src/ca/index.js";
import type { SignalRW } from "../../../src/core/index.js";

const db = `
record(ao, "s:GAP") { field(EGU, "mm") field(PREC, "2") field(OUT, "s:GAP_RBV PP") }
record(ai, "s:GAP_RBV") { field(EGU, "mm") field(PREC, "2") }
record(stringin, "s:NAME") { field(VAL, "front slit") }
`;

describe("EpicsDevice, a device declared as PVs", () => {
  let served: ServedDb;
  let client: CaClient;

  beforeAll(async () => {
    served = await serveDb(db);
    client = served.client;
  });

  afterAll(async () => {
    await served?.close();
  });

  it("reads hinted children, configures from config ones, writes through a setpoint PV", async () => {
    const slit = new EpicsDevice({
      name: "slit",
      client,
      prefix: "s:",
      signals: {
        gap: { pv: "GAP_RBV", write: "GAP", kind: "hinted" },
        label: { pv: "NAME", type: "string", kind: "config" },
      },
    });
    await slit.connect();
    await (slit.signals.get("gap") as SignalRW<number>).set(3.25);
    const reading = await slit.read();
    expect(Object.keys(reading)).toEqual(["slit_gap"]);
    expect(reading["slit_gap"]!.value).toBe(3.25);
    expect((await slit.readConfiguration())["slit_label"]!.value).toBe("front slit");
    expect((await slit.describe())["slit_gap"]).toMatchObject({
      source: "ca://s:GAP_RBV",
      units: "mm",
    });
    expect(slit.hints.fields).toEqual(["slit_gap"]);
  });
});
