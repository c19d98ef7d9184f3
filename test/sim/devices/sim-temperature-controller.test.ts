import { describe, expect, it } from "vitest";
import {
  MoveInterruptedError,
  SimTemperatureController,
  StatusTimeoutError,
  VirtualClock,
  type WatcherUpdate,
} from "../../../src/index.js";

function controller(
  options: Partial<ConstructorParameters<typeof SimTemperatureController>[0]> = {},
) {
  const clock = new VirtualClock();
  const tc = new SimTemperatureController({ name: "tc1", clock, ...options });
  return { clock, tc };
}

describe("SimTemperatureController", () => {
  it("settles to a setpoint and stays there", async () => {
    const { clock, tc } = controller();
    expect(await tc.temperature.get()).toBe(295);
    const status = tc.set(320);
    const updates: WatcherUpdate[] = [];
    status.watch((u) => updates.push(u));
    await status;
    const settledAt = clock.now();
    expect(settledAt).toBeGreaterThan(5);
    expect(settledAt).toBeLessThan(120);
    expect(Math.abs((await tc.temperature.get()) - 320)).toBeLessThanOrEqual(0.1);
    await clock.sleep(600);
    expect(Math.abs((await tc.temperature.get()) - 320)).toBeLessThan(0.01);
    expect(await tc.setpoint.get()).toBe(320);
    expect(updates.at(-1)).toMatchObject({ fraction: 1, units: "K", target: 320 });
    const heater = await tc.heater.get();
    expect(heater).toBeCloseTo((100 * 25) / 200, 1); // holding 25 K above ambient
  });

  it("ramps the setpoint at the configured rate", async () => {
    const { clock, tc } = controller({ rampRate: 0.5 });
    await tc.set(305);
    // a 10 K step at 0.5 K/s cannot settle before the ramp has reached it
    expect(clock.now()).toBeGreaterThan(20);
    expect(await tc.rampRate.get()).toBe(0.5);
  });

  it("fails a set() that does not settle in time, and stops polling", async () => {
    const { clock, tc } = controller();
    const status = tc.set(350, { timeout: 3 });
    await expect(status).rejects.toBeInstanceOf(StatusTimeoutError);
    await clock.sleep(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it("stop() holds the ramp where it is and fails the set() in progress", async () => {
    const { clock, tc } = controller({ rampRate: 1 });
    const status = tc.set(320);
    await clock.sleep(10);
    await tc.stop();
    await expect(status).rejects.toBeInstanceOf(MoveInterruptedError);
    const held = await tc.setpoint.get();
    expect(held).toBeGreaterThan(304);
    expect(held).toBeLessThan(306);
    expect((await tc.locate()).setpoint).toBe(held);
  });

  it("reads temperature (hinted), setpoint and heater; ramp rate and tolerance as configuration", async () => {
    const { tc } = controller();
    expect(Object.keys(await tc.read())).toEqual(["tc1", "tc1_setpoint", "tc1_heater"]);
    expect(Object.keys(await tc.readConfiguration())).toEqual(["tc1_ramp_rate", "tc1_tolerance"]);
    expect((await tc.describe()).tc1).toMatchObject({ dtype: "number", units: "K", precision: 3 });
    expect(tc.hints).toEqual({ fields: ["tc1"] });
  });
});
