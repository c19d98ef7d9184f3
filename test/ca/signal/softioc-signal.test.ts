// A signal on a facility IOC: EPICS base's softIoc serving an ao and its ai readback.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaClient, epicsSignalR, epicsSignalRW } from "../../../src/ca/index.js";
import { datatype } from "../../../src/core/index.js";
import { type SoftIoc, startSoftIoc } from "../../support/epics-peer.js";
import { epicsBase } from "../../support/peers.js";

describe.skipIf(!epicsBase().available)("signals on softIoc's PVs", () => {
  let softIoc: SoftIoc;
  let client: CaClient;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "hil-ca-signal-"));
    const db = join(dir, "stage.db");
    writeFileSync(
      db,
      `record(ao, "fac:x") { field(EGU, "um") field(PREC, "2") field(DRVH, "50") field(DRVL, "-50")
                              field(OUT, "fac:x_RBV PP") }
       record(ai, "fac:x_RBV") { field(EGU, "um") field(PREC, "2") }`,
    );
    softIoc = await startSoftIoc(db);
    client = new CaClient({
      env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${softIoc.port}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
      timeout: 5,
    });
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    softIoc?.stop();
  });

  it("sets the ao with completion, reads the readback, describes units and limits", async () => {
    const x = epicsSignalRW(client, datatype.float, "fac:x", { name: "x" });
    const rbv = epicsSignalR(client, datatype.float, "fac:x_RBV", { name: "x_rbv" });
    await Promise.all([x.connect(), rbv.connect()]);
    await x.set(12.5);
    expect(await rbv.get()).toBe(12.5);
    const key = (await x.describe())["x"]!;
    expect([key.source, key.units, key.precision]).toEqual(["ca://fac:x", "um", 2]);
    expect(key.limits?.control).toEqual({ low: -50, high: 50 });
  });
});
