// A device declared as PVs (EpicsDevice): children by kind, a readback written through its
// setpoint PV, a read-only configuration string.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EpicsDevice } from "../../../drivers/epics/index.js";
import { CaClient } from "../../../src/ca/index.js";
import type { SignalRW } from "../../../src/core/index.js";
import { Ioc } from "../../../src/ioc/index.js";

const db = `
record(ao, "s:GAP") { field(EGU, "mm") field(PREC, "2") field(OUT, "s:GAP_RBV PP") }
record(ai, "s:GAP_RBV") { field(EGU, "mm") field(PREC, "2") }
record(stringin, "s:NAME") { field(VAL, "front slit") }
`;

describe("EpicsDevice, a device declared as PVs", () => {
  let ioc: Ioc;
  let client: CaClient;

  beforeAll(async () => {
    ioc = await Ioc.start({
      sources: [{ path: "s.db" }],
      files: { read: (path) => (path === "s.db" ? db : undefined) },
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
