// A plan written on the simulator runs unchanged at the beamline: the same 21-point scan on
// the sim devices directly, through EpicsMotor/EpicsDetector against our IOC serving those
// devices, and on a positioner of epicsSignals against EPICS base's softIoc.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PeakStats } from "../../src/callbacks/index.js";
import { CaClient, epicsSignalR, epicsSignalRWRbv } from "../../src/ca/index.js";
import { loadBeamline } from "../../src/config/index.js";
import type {
  Event,
  EventDescriptor,
  Movable,
  NamedDocument,
  Readable,
} from "../../src/core/index.js";
import { datatype, realClock, VirtualClock } from "../../src/core/index.js";
import { RunEngine } from "../../src/engine/index.js";
import { serveDevices } from "../../src/ioc/index.js";
import { scan } from "../../src/plans/index.js";
import { EpicsDetector, EpicsMotor } from "../../drivers/epics/index.js";
import { startSoftIoc } from "../support/epics-peer.js";
import { epicsBase } from "../support/peers.js";

const config = "test/integration/fixtures/round-trip.yaml";
const step = 2 / 20;

interface ScanResult {
  readonly docs: NamedDocument[];
  readonly positions: number[];
  readonly counts: number[];
  readonly centre: number;
}

async function runScan(
  clock: VirtualClock | typeof realClock,
  detector: Readable,
  motor: Movable<number> & Readable,
): Promise<ScanResult> {
  const docs: NamedDocument[] = [];
  const stats = new PeakStats(motor.name, detector.name, { out: () => undefined });
  await new RunEngine({ clock }).run(scan([detector], motor, -1, 1, 21), [
    (...doc) => void docs.push(doc),
    stats.callback,
  ]);
  expect(docs.at(-1)).toMatchObject(["stop", { exit_status: "success" }]);
  const events = docs.flatMap(([name, doc]) => (name === "event" ? [doc as Event] : []));
  const positions = events.map(
    (event) => Number((event.data[motor.name] as number).toFixed(6)) + 0,
  );
  const counts = events.map((event) => event.data[detector.name] as number);
  return { docs, positions, counts, centre: stats.stats!.cen! };
}

function descriptorOf(docs: readonly NamedDocument[]): EventDescriptor {
  const found = docs.find(([name]) => name === "descriptor");
  return found![1] as EventDescriptor;
}

describe("the round-trip scan", () => {
  it("gives the same positions and peak on the sim devices and through Channel Access", async () => {
    const clock = new VirtualClock();
    const direct = await loadBeamline(config, { clock, seed: 0 });
    const simulated = await runScan(
      clock,
      direct.get("det"),
      direct.get("m1") as unknown as Movable<number> & Readable,
    ).finally(() => direct.close());

    const served = await loadBeamline(config, { clock: realClock, seed: 0 });
    const ioc = await serveDevices(served.devices, {
      prefix: "BL:",
      port: 0,
      interfaces: ["127.0.0.1"],
      env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
    });
    const client = new CaClient({
      env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${ioc.server.udpPort}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
    });
    try {
      const m1 = new EpicsMotor({ name: "m1", prefix: "BL:m1", client });
      const det = new EpicsDetector({
        name: "det",
        client,
        acquirePv: "BL:det:Acquire",
        valuePv: "BL:det",
        exposurePv: "BL:det:AcquireTime",
      });
      await Promise.all([m1.connect(), det.connect()]);
      const overCa = await runScan(realClock, det, m1);
      expect(overCa.positions).toEqual(simulated.positions);
      // The same seeded counting noise, drawn once per trigger: the same counts, too.
      expect(overCa.counts).toEqual(simulated.counts);
      expect(Math.abs(overCa.centre - simulated.centre)).toBeLessThan(step);
      expect(Math.abs(simulated.centre - 0.3)).toBeLessThan(step);
      const keys = descriptorOf(overCa.docs).data_keys;
      expect(keys["m1"]!.source).toBe("ca://BL:m1.RBV");
      expect(keys["det"]!.source).toBe("ca://BL:det");
    } finally {
      await client.close();
      await ioc.close();
      await served.close();
    }
  }, 60_000);

  it.skipIf(!epicsBase().available)(
    "runs on softIoc, on a positioner of an ao setpoint and an ai readback",
    async () => {
      const db = join(mkdtempSync(join(tmpdir(), "hil-round-trip-")), "positioner.db");
      // A put with callback on the setpoint completes once its forward links have processed.
      writeFileSync(
        db,
        `record(ao, "pos") { field(PREC, "4") field(EGU, "mm") field(FLNK, "pos_RBV") }
         record(ai, "pos_RBV") { field(INP, "pos") field(PREC, "4") field(EGU, "mm") field(FLNK, "det") }
         record(calc, "det") {
           field(INPA, "pos_RBV")
           field(CALC, "10000+1000000*EXP(-((A-0.3)*(A-0.3))/(2*0.25*0.25))")
         }`,
      );
      const softIoc = await startSoftIoc(db);
      const client = new CaClient({
        env: { EPICS_CA_ADDR_LIST: `127.0.0.1:${softIoc.port}`, EPICS_CA_AUTO_ADDR_LIST: "NO" },
      });
      try {
        const m1 = epicsSignalRWRbv(client, datatype.float, "pos", "_RBV", { name: "m1" });
        const det = epicsSignalR(client, datatype.float, "det", { name: "det" });
        await Promise.all([m1.connect(), det.connect()]);
        const onSoftIoc = await runScan(realClock, det, m1);
        expect(onSoftIoc.positions).toEqual(linspace21());
        expect(Math.abs(onSoftIoc.centre - 0.3)).toBeLessThan(step);
        expect(descriptorOf(onSoftIoc.docs).data_keys["m1"]!.source).toBe("ca://pos_RBV");
      } finally {
        await client.close();
        softIoc.stop();
      }
    },
    60_000,
  );
});

function linspace21(): number[] {
  return Array.from({ length: 21 }, (_, i) => Number((-1 + i * step).toFixed(6)) + 0);
}
