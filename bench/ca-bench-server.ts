// The server of the Channel Access benchmark, in a process of its own so the clients do
// not share its thread: the IOC serving the .db softIoc serves in the same run (a double, a
// 100,000-double waveform, an ao for puts and one for monitors). Prints its port as one JSON
// line, then serves until stdin closes.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ioc } from "../src/ioc/index.js";
import { ARRAY_LENGTH, BENCH_DB } from "./ca-softioc.js";

const folder = await mkdtemp(join(tmpdir(), "ca-bench-ioc-"));
const db = join(folder, "bench.db");
await writeFile(db, BENCH_DB);
const ioc = await Ioc.start({
  sources: [{ path: db }],
  port: 0,
  env: {
    EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
    EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
    EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
    EPICS_CA_ADDR_LIST: "127.0.0.1",
    EPICS_CA_AUTO_ADDR_LIST: "NO",
  },
});
// The waveform starts empty, as softIoc's does; both get the same values.
const wave = ioc.database.record("bench:wave")!;
await ioc.database.put(
  wave,
  "VAL",
  Float64Array.from({ length: ARRAY_LENGTH }, (_, i) => i),
);
console.log(JSON.stringify({ port: ioc.server.udpPort }));
process.stdin.resume();
process.stdin.on(
  "end",
  () =>
    void ioc
      .close()
      .then(() => rm(folder, { recursive: true, force: true }))
      .then(() => process.exit(0)),
);
