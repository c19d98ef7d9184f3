import { describe, expect, it } from "vitest";
import {
  LimitError,
  MoveInterruptedError,
  SimMotor,
  VirtualClock,
  type WatcherUpdate,
} from "../../../src/index.js";

function motor(options: Partial<ConstructorParameters<typeof SimMotor>[0]> = {}) {
  const clock = new VirtualClock();
  const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 4, ...options });
  return { clock, m1 };
}

describe("SimMotor", () => {
  it("reads and describes its readback under its own name, settings as configuration", async () => {
    const { m1 } = motor({ position: 1.25, limits: [-5, 5] });
    expect(await m1.read()).toEqual({
      m1: { value: 1.25, timestamp: 0 },
      m1_setpoint: { value: 1.25, timestamp: 0 },
    });
    expect((await m1.describe()).m1).toEqual({
      source: "sim://m1",
      dtype: "number",
      dtype_numpy: "<f8",
      shape: [],
      units: "mm",
      precision: 3,
    });
    expect(Object.keys(await m1.readConfiguration())).toEqual([
      "m1_velocity",
      "m1_acceleration",
      "m1_low_limit",
      "m1_high_limit",
    ]);
    expect((await m1.describeConfiguration()).m1_velocity?.units).toBe("mm/s");
    expect(m1.hints).toEqual({ fields: ["m1"] });
  });

  it("runs a 60 s move on the virtual clock in a small fraction of a second", async () => {
    const { clock, m1 } = motor({ velocity: 1, acceleration: 1000 });
    const wallStart = performance.now();
    await m1.set(59.999);
    const wall = performance.now() - wallStart;
    expect(clock.now()).toBeCloseTo(60, 9);
    expect(wall).toBeLessThan(1000);
  });

  it("refuses a target outside the soft limits before moving", async () => {
    const { clock, m1 } = motor({ limits: [-1, 1] });
    const status = m1.set(1.5);
    await expect(status).rejects.toThrow(new LimitError("m1", 1.5, -1, 1));
    expect(clock.now()).toBe(0);
    expect(await m1.readback.get()).toBe(0);
    expect(await m1.setpoint.get()).toBe(0);
    await expect(m1.set(Number.NaN)).rejects.toThrow("m1: expected a finite number, got NaN");
  });

  it("stops mid-move: the status fails, the axis comes to rest v²/2a further on", async () => {
    const { clock, m1 } = motor();
    const status = m1.set(10);
    await clock.sleep(3); // cruising at 2 since t = 0.5: at 0.5 + 2·2.5 = 5.5
    expect(await m1.moving.get()).toBe(true);
    await m1.stop();
    expect(clock.now()).toBe(3.5); // decelerates 2/4 s
    expect(await m1.readback.get()).toBeCloseTo(5.5 + 0.5, 12);
    await expect(status).rejects.toBeInstanceOf(MoveInterruptedError);
    expect(status.error?.message).toBe("m1: move to 10 was stopped at 6");
    expect(await m1.moving.get()).toBe(false);
  });

  it("stop({success: true}) ends the move as a success", async () => {
    const { clock, m1 } = motor();
    const status = m1.set(10);
    await clock.sleep(1);
    await m1.stop({ success: true });
    await status;
    expect(status.success).toBe(true);
  });

  it("a new set() takes over a running move, whose status fails", async () => {
    const { clock, m1 } = motor();
    const first = m1.set(10);
    await clock.sleep(1);
    const second = m1.set(-1);
    await expect(first).rejects.toThrow("was superseded by a move to -1");
    await second;
    expect(await m1.readback.get()).toBe(-1);
    expect(await m1.setpoint.get()).toBe(-1);
  });

  it("stops at a hard limit switch with the flag set, and can move away again", async () => {
    const { m1 } = motor({ hardLimits: { low: -10, high: 4 } });
    await expect(m1.set(8)).rejects.toThrow("m1: move to 8 hit the high limit switch at 4");
    expect(await m1.highLimitSwitch.get()).toBe(true);
    expect(await m1.lowLimitSwitch.get()).toBe(false);
    await m1.set(0);
    expect(await m1.highLimitSwitch.get()).toBe(false);
  });

  it("reports progress to watchers, monotonic to 1, with the time remaining", async () => {
    const { m1 } = motor({ backlash: 0.5 });
    const status = m1.set(-4); // approaches from below: overshoots to -4.5 first
    const updates: WatcherUpdate[] = [];
    status.watch((u) => updates.push(u));
    await status;
    const fractions = updates.map((u) => u.fraction);
    expect(fractions.length).toBeGreaterThan(20);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    const lowest = Math.min(...updates.map((u) => u.current));
    expect(lowest).toBeLessThan(-4.4);
    expect(lowest).toBeGreaterThanOrEqual(-4.5);
    expect(updates[1]).toMatchObject({ name: "m1 move to -4", units: "mm", target: -4 });
    expect(updates[1]!.remaining).toBeCloseTo(updates.at(-1)!.elapsed - updates[1]!.elapsed, 9);
  });

  it("updates readback subscribers while it moves", async () => {
    const { clock, m1 } = motor({ updatePeriod: 0.5 });
    const seen: Array<[number, number]> = [];
    m1.readback.subscribe((r) => seen.push([r.timestamp, r.value]));
    await m1.set(3); // 0.5 s accelerating, 1 s cruising, 0.5 s braking
    expect(seen.map(([t]) => t)).toEqual([0, 0, 0.5, 1, 1.5, 2]);
    expect(seen.at(-1)).toEqual([2, 3]);
    expect(clock.now()).toBe(2);
  });

  it("quantises the readback to the encoder and adds reproducible noise", async () => {
    const read = async (seed: number): Promise<number[]> => {
      const { m1 } = motor({
        position: 0.123456,
        encoderResolution: 0.001,
        readbackNoise: 0.01,
        seed,
      });
      return Promise.all([1, 2, 3].map(() => m1.readback.get()));
    };
    expect(await read(7)).toEqual(await read(7));
    expect(await read(7)).not.toEqual(await read(8));
    const { m1 } = motor({ position: 0.123456, encoderResolution: 0.001 });
    expect(await m1.readback.get()).toBeCloseTo(0.123, 12);
    expect(m1.positionAt(0)).toBe(0.123456);
  });

  it("checks new velocities with the model", async () => {
    const { m1 } = motor();
    await expect(m1.velocity.set(-1)).rejects.toThrow("maxVelocity must be > 0, got -1");
    await m1.velocity.set(5);
    expect(m1.axis.maxVelocity).toBe(5);
  });
});

describe("SimMotor estimates", () => {
  it("times a move without making it, backlash included", () => {
    const { clock, m1 } = motor({ backlash: 1 });
    expect(m1.estimateMoveDuration(10)).toBe(5.5);
    expect(m1.estimateMoveDuration(0, 10)).toBeGreaterThan(5.5); // overshoot to -1 and back
    expect(m1.axis.positionAt(clock.now())).toBe(0);
  });
});

describe("SimMotor locate", () => {
  it("starts with its setpoint where the axis is", async () => {
    const { m1 } = motor({ position: 3 });
    expect(await m1.locate()).toEqual({ setpoint: 3, readback: 3 });
  });
});
