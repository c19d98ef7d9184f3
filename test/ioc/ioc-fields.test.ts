// Fields as a CA client sees them on a served database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaClient } from "../../src/ca/index.js";
import { VirtualClock } from "../../src/core/index.js";
import { Ioc } from "../../src/ioc/ioc.js";

const db = `
record(calcout, "f:delay") { field(CALC, "1") field(ODLY, "5") }
record(lso, "f:note") { field(SIZV, "80") }
record(waveform, "f:names") { field(FTVL, "STRING") field(NELM, "3") }
record(waveform, "f:trace") { field(FTVL, "DOUBLE") field(NELM, "3") }
`;

describe("fields over Channel Access", () => {
  // Time stands still unless advanced: a delayed output stays busy.
  const clock = new VirtualClock({ start: 1_000_000, auto: false });
  let ioc: Ioc;
  let client: CaClient;

  beforeAll(async () => {
    ioc = await Ioc.start({
      sources: [{ path: "f.db" }],
      files: { read: (path) => (path === "f.db" ? db : undefined) },
      clock,
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
    });
    const port = ioc.server.udpPort;
    client = new CaClient({
      env: {
        EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`,
        EPICS_CA_AUTO_ADDR_LIST: "NO",
        EPICS_CA_REPEATER_PORT: String(port + 1),
      },
      timeout: 5,
    });
  });

  afterAll(async () => {
    await client?.close();
    await ioc?.close();
  });

  const get = async (pv: string): Promise<unknown> => (await client.channel(pv).get()).value[0];

  it("puts a number array", async () => {
    await client.channel("f:trace").put([1, 2], { wait: true });
    expect((await client.channel("f:trace").get()).value).toEqual(Float64Array.from([1, 2]));
  });

  it("reads PACT 1 while a calcout waits out its ODLY", async () => {
    await client.channel("f:delay.PROC").put(1);
    expect(await get("f:delay.DLYA")).toBe(1);
    expect(await get("f:delay.PACT")).toBe(1);
  });

  it("puts an lso's VAL", async () => {
    await client.channel("f:note").put("a long note", { wait: true });
    expect(await get("f:note")).toBe("a long note");
  });

  it("puts a waveform of strings", async () => {
    await client.channel("f:names").put(["a", "b"], { wait: true });
    expect((await client.channel("f:names").get()).value).toEqual(["a", "b"]);
  });
});
