import { describe, expect, it } from "vitest";
import {
  ThermalLoop,
  isSettled,
  type ThermalLoopOptions,
} from "../../../sim/thermal/thermal-loop.js";

const options: ThermalLoopOptions = {
  plant: { ambient: 295, gain: 200, timeConstant: 60 },
  // PI with the integral time equal to τ: closed-loop time constant τ/(K·kp) = 6 s.
  pid: { kp: 0.05, ki: 0.05 / 60, kd: 0 },
};

describe("ThermalLoop", () => {
  it("rests at ambient with the heater off", () => {
    const loop = new ThermalLoop(options);
    expect(loop.temperatureAt(100)).toBe(295);
    expect(loop.heaterOutputAt(100)).toBe(0);
  });

  it("settles within 0.1 K of the setpoint and stays there", () => {
    const loop = new ThermalLoop(options);
    loop.setSetpoint(320, 0);
    expect(loop.setpoint).toBe(320);
    expect(loop.temperatureAt(5)).toBeLessThan(319);
    for (let t = 150; t <= 900; t += 5) {
      expect(isSettled(loop.temperatureAt(t), 320, 0.1)).toBe(true);
    }
    // Holding 25 K above ambient needs u = 25/200.
    expect(loop.heaterOutputAt(900)).toBeCloseTo(0.125, 3);
  });

  it("ramps the effective setpoint at the ramp rate", () => {
    const loop = new ThermalLoop({ ...options, rampRate: 1, startTime: 1000 });
    loop.setSetpoint(325, 1000);
    loop.advanceTo(1015);
    expect(loop.rampingSetpoint).toBeCloseTo(310, 9);
    expect(loop.isRamping).toBe(true);
    loop.advanceTo(1030);
    expect(loop.rampingSetpoint).toBe(325);
    expect(loop.isRamping).toBe(false);
  });

  it("does not depend on how often it is advanced", () => {
    const fine = new ThermalLoop({ ...options, rampRate: 0.5 });
    const coarse = new ThermalLoop({ ...options, rampRate: 0.5 });
    const odd = new ThermalLoop({ ...options, rampRate: 0.5 });
    for (const loop of [fine, coarse, odd]) loop.setSetpoint(310, 0);
    for (let i = 1; i <= 2400; i++) fine.advanceTo(i * 0.05);
    for (let t = 0; t < 120; t += 0.037) odd.temperatureAt(t);
    coarse.advanceTo(120);
    odd.advanceTo(120);
    expect(fine.temperatureAt(120)).toBe(coarse.temperatureAt(120));
    expect(odd.temperatureAt(120)).toBe(coarse.temperatureAt(120));
    expect(fine.heaterOutputAt(120)).toBe(coarse.heaterOutputAt(120));
    expect(fine.time).toBe(coarse.time);
  });

  it("only changes state on grid points", () => {
    const loop = new ThermalLoop({ ...options, dt: 1 });
    loop.setSetpoint(320, 0);
    const at1 = loop.temperatureAt(1);
    expect(loop.temperatureAt(1.99)).toBe(at1);
    expect(loop.temperatureAt(2)).not.toBe(at1);
  });

  it("rejects a setpoint change in the past and a bad dt", () => {
    const loop = new ThermalLoop(options);
    loop.advanceTo(10);
    expect(() => loop.setSetpoint(300, 5)).toThrow(RangeError);
    expect(() => new ThermalLoop({ ...options, dt: 0 })).toThrow(/dt must be > 0, got 0/);
  });
});

describe("ThermalLoop heater range and gains", () => {
  it("delivers heaterScale of the output's power: 0 holds the plant at ambient", () => {
    const loop = new ThermalLoop({ ...options, heaterScale: 0 });
    loop.setSetpoint(320, 0);
    expect(loop.temperatureAt(600)).toBe(295);
    // The output saturates, asking for heat it does not get.
    expect(loop.heaterOutputAt(600)).toBe(1);
    loop.heaterScale = 1;
    expect(isSettled(loop.temperatureAt(1500), 320, 0.1)).toBe(true);
    expect(() => (loop.heaterScale = 1.5)).toThrow(/heaterScale must be in \[0, 1\]/);
  });

  it("at a tenth of the power needs ten times the output to hold the same temperature", () => {
    const loop = new ThermalLoop({ ...options, heaterScale: 0.1 });
    loop.setSetpoint(300, 0);
    expect(isSettled(loop.temperatureAt(3000), 300, 0.1)).toBe(true);
    // 5 K above ambient on 200 K × 0.1 of power: u = 5/20.
    expect(loop.heaterOutputAt(3000)).toBeCloseTo(0.25, 3);
  });

  it("takes new PID gains from the next step", () => {
    const slow = new ThermalLoop(options);
    const fast = new ThermalLoop(options);
    fast.setPid({ kp: 0.5, ki: 0.5 / 60, kd: 0 });
    slow.setSetpoint(300, 0);
    fast.setSetpoint(300, 0);
    expect(fast.temperatureAt(10)).toBeGreaterThan(slow.temperatureAt(10));
  });
});
