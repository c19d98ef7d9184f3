// The README's "Serve the beamline" section run as shown, its three commands in three
// processes: hil ioc serving the sim twins of config/beamline.yaml, hil camonitor watching
// them, and the scan of config/ca-beamline.yaml over Channel Access. Loopback only.
import { afterEach, describe, expect, it } from "vitest";
import { unusedTcpUdpPort } from "../support/unused-port.js";
import { readmeSection } from "../support/readme.js";
import { type HilProcess, startHil } from "./run-hil.js";

const commands = readmeSection("## Serve the beamline: hil ioc --config").shellLines;
const args = (line: string): string[] => line.split(/\s+/).slice(1);

describe("the README's Serve the beamline section", () => {
  const running: HilProcess[] = [];
  afterEach(() => running.splice(0).forEach((process) => process.signal("SIGKILL")));

  it("shows three commands: serve, watch, scan", () => {
    expect(commands.map((line) => line.split(/\s+/).slice(0, 2).join(" "))).toEqual([
      "hil ioc",
      "hil camonitor",
      "hil run",
    ]);
  });

  it("serves the sim beamline, watches it and scans it from another process", async () => {
    const port = await unusedTcpUdpPort();
    const server = {
      EPICS_CAS_SERVER_PORT: String(port),
      EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
      EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
    };
    const client = { EPICS_CA_ADDR_LIST: `127.0.0.1:${port}`, EPICS_CA_AUTO_ADDR_LIST: "NO" };
    const [serve, watch, scan] = commands.map(args);
    const ioc = startHil(serve!, server);
    running.push(ioc);
    await ioc.waitFor("Ctrl-C stops it");
    const monitor = startHil(watch!, client);
    running.push(monitor);
    await monitor.waitFor("BL:det ");
    const run = startHil(scan!, client);
    running.push(run);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    // The peak of det against m1 (centre 0.3) found over Channel Access.
    const centre = Number(/cen\s+(-?[\d.]+)/.exec(result.stdout)?.[1]);
    expect(Math.abs(centre - 0.3)).toBeLessThan(0.1);
    // The watcher saw the motor arrive at the scan's last point, within its deadband (camonitor's
    // format: the name padded to 30 columns, the server's stamp, the value, no alarm).
    await monitor.waitFor(/^BL:m1\.RBV {22}\S+ \S+ (1|0\.999\d*|1\.000\d*) {2}$/m);
  }, 60_000);
});
