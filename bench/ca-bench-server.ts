// The server of the Channel Access benchmark, in a process of its own so the clients do
// not share its thread: a double, a 100,000-double array, a writable double for puts and
// one for monitors. Prints its ports as one JSON line, then serves until stdin closes.
import { CaServer, SoftPv, pvProvider } from "../src/ca/index.js";

const server = new CaServer({
  provider: pvProvider({
    "bench:double": new SoftPv({ value: 1.5, metadata: { units: "mm", precision: 3 } }),
    "bench:wave": new SoftPv({ value: Float64Array.from({ length: 100_000 }, (_, i) => i) }),
    "bench:put": new SoftPv({ value: 0 }),
    "bench:monitor": new SoftPv({ value: 0 }),
  }),
  env: {
    EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
    EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
    EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
  },
  port: 0,
});
await server.start();
console.log(JSON.stringify({ port: server.udpPort }));
process.stdin.resume();
process.stdin.on("end", () => void server.close().then(() => process.exit(0)));
