// Links to another IOC's PVs (EPICS base's softIoc here) over Channel Access: input links
// with CP and MS, output links, and a forward link to .PROC.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaClient } from "../../../src/ca/index.js";
import { SEVR, STAT } from "../../../src/ioc/records/index.js";
import { Ioc } from "../../../src/ioc/ioc.js";
import { startSoftIoc, type SoftIoc } from "../../support/epics-peer.js";
import { epicsBase } from "../../support/peers.js";

const facility = `
record(ao, "ext:ao") { field(HIGH, "5") field(HSV, "MINOR") }
record(ao, "ext:target") {}
record(calc, "ext:count") { field(CALC, "VAL+1") }
`;

const ours = `
record(ai, "our:follow") { field(INP, "ext:ao CP MS") }
record(ao, "our:out") { field(OUT, "ext:target") field(FLNK, "ext:count.PROC") }
record(ai, "our:missing") { field(INP, "ext:nothing") }
`;

/** Polls until `check` holds or a deadline passes (the CA round trips take their time). */
async function eventually(check: () => boolean | Promise<boolean>, seconds = 5): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!epicsBase().available)("CA links to another IOC", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-ca-links-"));
  let softIoc: SoftIoc;
  let ioc: Ioc;
  let client: CaClient;

  beforeAll(async () => {
    writeFileSync(join(dir, "facility.db"), facility);
    writeFileSync(join(dir, "ours.db"), ours);
    softIoc = await startSoftIoc(join(dir, "facility.db"));
    const clientEnv = {
      EPICS_CA_ADDR_LIST: `127.0.0.1:${softIoc.port}`,
      EPICS_CA_AUTO_ADDR_LIST: "NO",
    };
    ioc = await Ioc.start({
      sources: [{ path: join(dir, "ours.db") }],
      port: 0,
      interfaces: ["127.0.0.1"],
      env: {
        ...clientEnv,
        EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
        EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
      },
    });
    client = new CaClient({ env: clientEnv });
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await ioc?.close();
    softIoc?.stop();
  });

  const record = (name: string) => ioc.database.record(name)!;

  it("a CP input link follows the other IOC's PV, with its severity as MS says", async () => {
    await client.channel("ext:ao").put(7, { wait: true });
    await eventually(() => record("our:follow").num("VAL") === 7);
    const follow = record("our:follow");
    expect([follow.num("STAT"), follow.num("SEVR")]).toEqual([STAT.LINK, SEVR.MINOR]);
  });

  it("an output link writes the other IOC's PV and a forward link processes it through .PROC", async () => {
    await ioc.database.put(record("our:out"), "VAL", 3.5);
    const read = async (name: string): Promise<number> =>
      Number((await client.channel(name).get()).value[0]);
    await eventually(async () => (await read("ext:target")) === 3.5);
    await eventually(async () => (await read("ext:count")) === 1);
  });

  it("a link to a PV no IOC serves reads as LINK INVALID", async () => {
    await ioc.database.put(record("our:missing"), "PROC", 1);
    expect([record("our:missing").num("STAT"), record("our:missing").num("SEVR")]).toEqual([
      STAT.LINK,
      SEVR.INVALID,
    ]);
  });
});
