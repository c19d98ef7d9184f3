// Devices that did not connect are served all the same, as an IOC starts without its
// hardware: every record in a COMM alarm, INVALID, with the reason in AMSG, and a put fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Device, NotConnectedError, realClock } from "../../../src/core/index.js";
import { type Ioc, SEVR, STAT, serveDevices } from "../../../src/ioc/index.js";
import { SimDetector, SimMotor } from "../../../sim/index.js";

describe("devices that did not connect, served", () => {
  const clock = realClock;
  const m1 = new SimMotor({ name: "m1", clock });
  const det = new SimDetector({ name: "det", clock, noise: { mean: 1, sd: 0 } });
  let ioc: Ioc;

  beforeAll(async () => {
    const failures = new Map([["m1", new Error("serial:/dev/ttyUSB0: cannot open")]]);
    ioc = await serveDevices(
      new Map<string, Device>([
        ["m1", m1],
        ["det", det],
      ]),
      {
        port: 0,
        interfaces: ["127.0.0.1"],
        env: { EPICS_CAS_AUTO_BEACON_ADDR_LIST: "NO", EPICS_CAS_BEACON_ADDR_LIST: "" },
        unconnected: new Map([
          ["m1", new NotConnectedError("m1", failures)],
          ["det", new Error("tcp:10.0.0.5:7777: no answer")],
        ]),
      },
    );
  });

  afterAll(async () => {
    await ioc?.close();
  });

  const alarmOf = (name: string) => {
    const record = ioc.database.record(name)!;
    return [record.num("STAT"), record.num("SEVR"), record.text("AMSG")];
  };

  it("shows the motor record in a COMM alarm with the innermost reason, moving nothing", async () => {
    expect(alarmOf("m1")).toEqual([
      STAT.COMM,
      SEVR.INVALID,
      "not connected: serial:/dev/ttyUSB0: cannot open",
    ]);
    const record = ioc.database.record("m1")!;
    expect(record.num("MSTA") & (1 << 12)).not.toBe(0); // COMM_ERR
    await ioc.database.put(record, "VAL", 1);
    expect(m1.axis.positionAt(clock.now())).toBe(0);
    expect(alarmOf("m1").slice(0, 2)).toEqual([STAT.COMM, SEVR.INVALID]);
  });

  it("shows a detector's reading in a COMM alarm, and fails its acquisition", async () => {
    await new Promise((settled) => setTimeout(settled, 10)); // the I/O Intr first pass
    expect(alarmOf("det")).toEqual([
      STAT.COMM,
      SEVR.INVALID,
      "not connected: tcp:10.0.0.5:7777: no answer",
    ]);
    await ioc.database.put(ioc.database.record("det:Acquire")!, "VAL", 1);
    expect(alarmOf("det:Acquire").slice(0, 2)).toEqual([STAT.COMM, SEVR.INVALID]);
  });
});
