// A database text served by our IOC in-process on loopback (a free port, no beacons beyond
// it), and a CA client that finds it: what tests of CA clients and devices stand on.
import { CaClient } from "../../src/ca/index.js";
import { Ioc } from "../../src/ioc/index.js";

export interface ServedDb {
  readonly ioc: Ioc;
  readonly client: CaClient;
  close(): Promise<void>;
}

export async function serveDb(text: string, { timeout = 2 } = {}): Promise<ServedDb> {
  const ioc = await Ioc.start({
    sources: [{ path: "served.db" }],
    files: { read: (path) => (path === "served.db" ? text : undefined) },
    port: 0,
    interfaces: ["127.0.0.1"],
    env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
  });
  const client = new CaClient({
    env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.server.udpPort}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
    timeout,
  });
  return {
    ioc,
    client,
    close: async () => {
      await client.close();
      await ioc.close();
    },
  };
}
