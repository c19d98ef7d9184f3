// EpicsDetector on an acquire/value pair served by our IOC: a seq record stands for the
// acquisition (its delay the exposure), writing a new count into the value record.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EpicsDetector } from "../../../drivers/epics/index.js";
import { CaClient } from "../../../src/ca/index.js";
import { Ioc } from "../../../src/ioc/index.js";

const db = `
record(ao, "d1:AcquireTime") { field(VAL, "0.2") field(EGU, "s") }
record(calc, "d1:Source") { field(CALC, "VAL+10") }
record(seq, "d1:Acquire") { field(DLY0, "0.2") field(DOL0, "d1:Source PP") field(LNK0, "d1:Value PP") }
record(ai, "d1:Value") { field(EGU, "counts") }
`;

describe("EpicsDetector on an acquire/value pair", () => {
  let ioc: Ioc;
  let client: CaClient;

  beforeAll(async () => {
    ioc = await Ioc.start({
      sources: [{ path: "d.db" }],
      files: { read: (path) => (path === "d.db" ? db : undefined) },
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
    });
    client = new CaClient({
      env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.server.udpPort}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
      timeout: 2,
    });
  });

  afterAll(async () => {
    await client?.close();
    await ioc?.close();
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
