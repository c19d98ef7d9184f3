import { SimDetector, SimMotor, VirtualClock } from "../../../src/index.js";
import type { DeviceLookup } from "../../../src/plans/index.js";
import { describeDevices } from "../../../src/plans/index.js";
import { fakeGauge } from "../responder.js";

/** A small beamline: a flying motor, a triggered detector and a gauge that is only read. */
export function rig() {
  const clock = new VirtualClock({ auto: false });
  const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 4 });
  const m2 = new SimMotor({ name: "m2", clock, velocity: 2, acceleration: 4 });
  const det = new SimDetector({ name: "det", clock, exposure: 0.5, noise: { mean: 1, sd: 0 } });
  const gauge = fakeGauge("gauge");
  const byName = new Map<string, object>([
    ["m1", m1],
    ["m2", m2],
    ["det", det],
    ["gauge", gauge],
  ]);
  const devices: DeviceLookup = { get: (name) => byName.get(name) };
  return { m1, m2, det, gauge, byName, devices, table: describeDevices(byName) };
}
