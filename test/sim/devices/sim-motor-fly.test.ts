import { describe, expect, it } from "vitest";
import {
  FlyScanError,
  MoveInterruptedError,
  SimMotor,
  VirtualClock,
  type SimMotorOptions,
} from "../../../src/index.js";

const fly = { startPosition: -1, endPosition: 1, timeForMove: 2, pulses: 21 };
// v = 1 mm/s, a = 4 mm/s²: ramps of v²/2a = 0.125 mm taking v/a = 0.25 s.

function motor(options: Partial<SimMotorOptions> = {}, auto = true) {
  const clock = new VirtualClock({ auto });
  const m1 = new SimMotor({
    name: "m1",
    clock,
    velocity: 2,
    acceleration: 4,
    limits: [-10, 10],
    ...options,
  });
  return { clock, m1 };
}

/** A motor prepared for `fly` and kicked off on a clock stepped by hand. */
async function kickedOff(options: Partial<SimMotorOptions> = {}) {
  const { clock, m1 } = motor(options, false);
  const prepared = m1.prepare(fly);
  await clock.advance(10);
  expect(prepared.success).toBe(true);
  const kickoff = m1.kickoff();
  await clock.advance(0);
  expect(kickoff.success).toBe(true);
  return { clock, m1, t0: clock.now() };
}

describe("SimMotor fly scan", () => {
  it("prepares by moving at its normal velocity to the run-up position", async () => {
    const { clock, m1 } = motor({ position: 3 });
    const duration = m1.estimateMoveDuration(-1.125);
    await m1.prepare(fly);
    expect(clock.now()).toBeCloseTo(duration, 12);
    expect(await m1.readback.get()).toBe(-1.125);
    expect(await m1.velocity.get()).toBe(2); // the fly velocity applies to the fly move only
    const train = m1.pulses;
    expect(train?.total).toBe(21);
    expect(train?.countAt(1e9)).toBe(0); // not kicked off: nothing fires
    expect(train?.timeOf(0)).toBe(Infinity);
  });

  it("flies at constant velocity through the range and comes to rest at the run-out", async () => {
    const { clock, m1 } = motor();
    await m1.prepare(fly);
    await m1.kickoff();
    const t0 = clock.now();
    for (const t of [0.25, 0.5, 1.1, 1.7, 2.25]) {
      expect(m1.positionAt(t0 + t)).toBeCloseTo(-1 + (t - 0.25), 12);
      expect(m1.axis.velocityAt(t0 + t - 1e-9)).toBeCloseTo(1, 6);
    }
    expect(m1.positionAt(t0 + 0.1)).toBeLessThan(-1); // still ramping up
    await m1.complete();
    expect(clock.now()).toBeCloseTo(t0 + 2.5, 12);
    expect(await m1.readback.get()).toBe(1.125);
    expect(await m1.setpoint.get()).toBe(1.125);
  });

  it("fires a pulse exactly where and when the axis crosses each compare position", async () => {
    const { m1, t0 } = await kickedOff();
    const train = m1.pulses;
    if (!train) throw new Error("no train");
    for (let i = 0; i < 21; i++) {
      expect(train.timeOf(i)).toBeCloseTo(t0 + 0.25 + 0.1 * i, 12);
      expect(train.positionOf(i)).toBeCloseTo(-1 + 0.1 * i, 12);
      expect(m1.positionAt(train.timeOf(i))).toBeCloseTo(train.positionOf(i), 12);
      expect(train.countAt(train.timeOf(i))).toBe(i + 1);
      expect(train.countAt(train.timeOf(i) - 1e-9)).toBe(i);
    }
    expect(train.positionOf(20)).toBe(1);
    expect(train.countAt(t0 + 1.25)).toBe(11);
    expect(() => train.timeOf(21)).toThrow(RangeError);
  });

  it("flies downwards with the ramps on the other side", async () => {
    const { m1 } = motor();
    await m1.prepare({ startPosition: 2, endPosition: 1, timeForMove: 0.5, pulses: 3 });
    // v = 2 mm/s: ramps of 4/8 = 0.5 mm
    expect(await m1.readback.get()).toBe(2.5);
    await m1.kickoff();
    const train = m1.pulses;
    expect([0, 1, 2].map((i) => train?.positionOf(i))).toEqual([2, 1.5, 1]);
    await m1.complete();
    expect(await m1.readback.get()).toBe(0.5);
  });

  it("makes no backlash approach inside a fly move", async () => {
    const { m1, t0 } = await kickedOff({ backlash: -0.2 });
    const train = m1.pulses;
    for (const i of [0, 7, 20]) {
      expect(m1.positionAt(train?.timeOf(i) ?? NaN)).toBeCloseTo(-1 + 0.1 * i, 12);
    }
    expect(m1.axis.arrivalTime).toBeCloseTo(t0 + 2.5, 12);
  });

  it("reports pulse positions through the encoder and its noise, the same for the same seed", async () => {
    const positions = async (seed: number) => {
      const { m1 } = await kickedOff({ encoderResolution: 0.03, readbackNoise: 0.001, seed });
      return Array.from({ length: 21 }, (_, i) => m1.pulses?.positionOf(i) ?? NaN);
    };
    const a = await positions(1);
    expect(a).toEqual(await positions(1));
    expect(a).not.toEqual(await positions(2));
    a.forEach((position, i) => {
      const quantised = Math.round((-1 + 0.1 * i) / 0.03) * 0.03;
      expect(Math.abs(position - quantised)).toBeLessThan(0.006);
    });
  });

  it("stops mid-fly: the train fires no more and complete() fails", async () => {
    const { clock, m1, t0 } = await kickedOff();
    const train = m1.pulses;
    const complete = m1.complete();
    await clock.advance(1); // pulses at t0 + 0.25 + 0.1 i up to i = 7
    expect(train?.countAt(clock.now())).toBe(8);
    const stopped = m1.stop();
    await clock.advance(1);
    await stopped;
    expect(train?.total).toBe(8);
    expect(train?.countAt(t0 + 100)).toBe(8);
    expect(complete.done).toBe(true);
    expect(complete.error).toBeInstanceOf(MoveInterruptedError);
  });

  it("fires only the pulses before a limit switch cuts the fly short", async () => {
    const { clock, m1 } = await kickedOff({ limits: [0, 0], hardLimits: { low: -5, high: 0.55 } });
    expect(m1.pulses?.total).toBe(16); // -1 .. 0.5
    const complete = m1.complete();
    await clock.advance(3);
    await expect(complete).rejects.toThrow("high limit switch");
  });

  it("refuses a fly faster than the maximum velocity, naming the motor, and does not move", async () => {
    const { m1 } = motor({ maxVelocity: 0.5 });
    const error: unknown = await m1.prepare(fly).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FlyScanError);
    expect(String(error)).toMatch(/m1: .*needs 1 units\/s, above the maximum velocity 0.5/);
    expect(await m1.readback.get()).toBe(0);
    expect(m1.pulses).toBeUndefined();
  });

  it("refuses run-up or run-out positions beyond the soft limits", async () => {
    const { m1 } = motor({ limits: [-1.1, 5] });
    await expect(m1.prepare(fly)).rejects.toThrow(
      "m1: the run-up position -1.125 is outside the limits [-1.1, 5]",
    );
    const { m1: m2 } = motor({ limits: [-5, 1.1] });
    await expect(m2.prepare(fly)).rejects.toThrow("run-out position 1.125");
    await expect(m2.prepare({ ...fly, timeForMove: 0 })).rejects.toThrow("m1: timeForMove");
    await expect(m2.prepare({ ...fly, pulses: 0 })).rejects.toThrow("m1: pulses");
  });

  it("refuses a kickoff before prepare() or before the run-up is reached", async () => {
    const { clock, m1 } = motor({}, false);
    await expect(m1.kickoff()).rejects.toThrow("m1: was not prepared for a fly scan");
    await expect(m1.complete()).rejects.toThrow("m1: was not kicked off");
    void m1.prepare(fly);
    await clock.advance(0.1);
    await expect(m1.kickoff()).rejects.toThrow("m1: is not at rest at its run-up position");
  });

  it("flies without a train when no pulses are asked for", async () => {
    const { m1 } = motor();
    await m1.prepare({ startPosition: 0, endPosition: 1, timeForMove: 1 });
    expect(m1.pulses).toBeUndefined();
    await m1.kickoff();
    await m1.complete();
    expect(await m1.readback.get()).toBe(1.125);
  });
});
