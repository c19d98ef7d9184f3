// EpicsDetector on an acquire/value pair served by our IOC: a seq record stands for the
// acquisition (its delay the exposure), writing a new count into the value record.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServedDb, serveDb } from "../../support/served-db.js";
import { EpicsDetector } from "../../../drivers/epics/index.js";
import type { CaClient } from "../../../src/ca/index.js";

const db = `
record(ao, "d1:AcquireTime") { field(VAL, "0.2") field(EGU, "s") }
record(calc, "d1:Source") { field(CALC, "VAL+10") }
record(seq, "d1:Acquire") { field(DLY0, "0.2") field(DOL0, "d1:Source PP") field(LNK0, "d1:Value PP") }
record(ai, "d1:Value") { field(EGU, "counts") }
`;

describe("EpicsDetector on an acquire/value pair", () => {
  let served: ServedDb;
  let client: CaClient;

  beforeAll(async () => {
    served = await serveDb(db);
    client = served.client;
  });

  afterAll(async () => {
    await served?.close();
  });

  it("acquires on trigger (the put's completion) and reads the new value after it", async () => {
    const det = new EpicsDetector({
      name: "det",
      client,
      acquirePv: "d1:Acquire",
      valuePv: "d1:Value",
      exposurePv: "d1:AcquireTime",
    });
    await det.connect();
    const started = Date.now();
    await det.trigger();
    // The acquisition took its delay before the trigger's Status finished.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await det.read())["det"]!.value).toBe(10);
    await det.trigger();
    expect((await det.read())["det"]!.value).toBe(20);
    expect((await det.readConfiguration())["det_exposure"]!.value).toBe(0.2);
    expect((await det.describe())["det"]).toMatchObject({
      source: "ca://d1:Value",
      units: "counts",
    });
  });
});
