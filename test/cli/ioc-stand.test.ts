// `hil ioc --config` on the real drivers, without a profile: an SMC100 and a Keithley 6485
// over socat ptys, a Eurotherm 3200 over Modbus TCP and a Lake Shore 336 over TCP, each talking
// to its emulator; EPICS base's client library (pyepics) moves, acquires and reads them.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { realClock } from "../../src/core/index.js";
import { SerialTransport } from "../../src/transports/index.js";
import {
  Eurotherm3200Emulator,
  Keithley6485Emulator,
  LakeShore336Emulator,
  Smc100Emulator,
} from "../../sim/index.js";
import { pyepics, socat } from "../support/peers.js";
import { type PtyPair, ptyPair } from "../support/pty-pair.js";
import { loopbackClientEnv, PyEpicsClient } from "../support/pyepics.js";
import { unusedTcpUdpPort } from "../support/unused-port.js";
import { type HilProcess, startHil } from "./run-hil.js";

const peersHere = socat().available && pyepics().available;

describe.skipIf(!peersHere)("hil ioc serving the stand's real drivers, moved by pyepics", () => {
  const ptys: PtyPair[] = [];
  const stops: (() => Promise<void>)[] = [];
  let ioc: HilProcess | undefined;
  let client: PyEpicsClient;

  beforeAll(async () => {
    const [motorPty, meterPty] = [await ptyPair(), await ptyPair()];
    ptys.push(motorPty, meterPty);
    const smc100 = new Smc100Emulator({
      transport: new SerialTransport({ path: motorPty.b, baudRate: 57600 }),
      clock: realClock,
    });
    const keithley = new Keithley6485Emulator({
      transport: new SerialTransport({ path: meterPty.b, baudRate: 9600 }),
      clock: realClock,
      current: 1.5e-9,
    });
    await Promise.all([smc100.start(), keithley.start()]);
    const eurotherm = await Eurotherm3200Emulator.start({ clock: realClock });
    const lakeshore = new LakeShore336Emulator({ clock: realClock });
    await lakeshore.start();
    const lakeshoreTcp = await lakeshore.serveTcp({});
    stops.push(
      () => smc100.close(),
      () => keithley.close(),
      () => eurotherm.stop(),
      async () => {
        await lakeshoreTcp.close();
        await lakeshore.close();
      },
    );
    const config = join(mkdtempSync(join(tmpdir(), "hil-ioc-stand-")), "stand.yaml");
    writeFileSync(
      config,
      `devices:
  m1:
    driver: newport.smc100
    units: mm
    limits: [-12.5, 12.5]
    homeOnConnect: true
    transport: { type: serial, path: ${motorPty.a}, baud: 57600, flowControl: xonxoff }
  det:
    driver: keithley.6485
    transport: { type: serial, path: ${meterPty.a}, baud: 9600 }
  furnace:
    driver: eurotherm.3200
    transport: { type: modbus-tcp, host: 127.0.0.1, port: ${eurotherm.port}, unitId: 1 }
  tc1:
    driver: lakeshore.336
    transport: { type: tcp, host: 127.0.0.1, port: ${lakeshoreTcp.port} }
ioc:
  prefix: "ST:"
`,
    );
    const port = await unusedTcpUdpPort();
    ioc = startHil(["ioc", "--config", config, "--port", String(port), "--no-shell"], {
      EPICS_CAS_INTF_ADDR_LIST: "127.0.0.1",
      EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO",
      EPICS_CAS_BEACON_ADDR_LIST: "127.0.0.1",
    });
    await ioc.waitFor("Ctrl-C stops it");
    client = new PyEpicsClient(loopbackClientEnv(port));
    await client.started;
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    ioc?.signal("SIGKILL");
    for (const stop of stops) await stop();
    for (const pty of ptys) await pty.kill();
  });

  it("moves the SMC100 with caput(wait=True) on its motor record", async () => {
    await client.request("caput", { pv: "ST:m1", value: 0.3, wait: true, timeout: 20 });
    expect(await client.request("caget", { pv: "ST:m1.DMOV" })).toBe(1);
    expect(await client.request<number>("caget", { pv: "ST:m1.RBV" })).toBeCloseTo(0.3, 3);
    expect(await client.request("caget", { pv: "ST:m1.EGU" })).toBe("mm");
  }, 30_000);

  it("acquires the Keithley through Acquire and reads its current", async () => {
    await client.request("caput", { pv: "ST:det:Acquire", value: 1, wait: true, timeout: 10 });
    expect(await client.request<number>("caget", { pv: "ST:det" })).toBeCloseTo(1.5e-9, 11);
  }, 30_000);

  it("reads the Eurotherm over Modbus and the Lake Shore over TCP, once a second", async () => {
    // Their temperatures drift without telling: the records ask every second.
    const after = (seconds: number) => new Promise((done) => setTimeout(done, seconds * 1000));
    await after(1.2);
    const furnace = await client.request<{ value: number; severity: number }>("metadata", {
      pv: "ST:furnace",
    });
    const tc1 = await client.request<{ value: number; severity: number }>("metadata", {
      pv: "ST:tc1",
    });
    expect([furnace.value > 0, furnace.severity]).toEqual([true, 0]);
    expect([tc1.value > 0, tc1.severity]).toEqual([true, 0]);
    expect(await client.request("caget", { pv: "ST:tc1.EGU" })).toBe("K");
  }, 30_000);
});
