import { describe, expect, it } from "vitest";
import {
  LimitError,
  MoveInterruptedError,
  SimSlits,
  VirtualClock,
  type WatcherUpdate,
} from "../../../src/index.js";

function slits(options: Partial<ConstructorParameters<typeof SimSlits>[0]> = {}) {
  const clock = new VirtualClock();
  const device = new SimSlits({
    name: "slits",
    clock,
    gap: 1,
    centre: 0,
    velocity: 1,
    acceleration: 1000,
    ...options,
  });
  return { clock, slits: device };
}

describe("SimSlits", () => {
  it("reads blades and pseudo-axes under composed names, hinting only the gap", async () => {
    const { slits: s } = slits({ gap: 2, centre: 0.5 });
    const reading = await s.read();
    expect(Object.fromEntries(Object.entries(reading).map(([k, r]) => [k, r.value]))).toEqual({
      slits_top: 1.5,
      slits_top_setpoint: 1.5,
      slits_bottom: -0.5,
      slits_bottom_setpoint: -0.5,
      slits_gap: 2,
      slits_gap_setpoint: 2,
      slits_centre: 0.5,
      slits_centre_setpoint: 0.5,
    });
    expect(s.hints).toEqual({ fields: ["slits_gap"] });
    expect((await s.describe()).slits_gap?.units).toBe("mm");
    expect(Object.keys(await s.readConfiguration())).toContain("slits_gap_velocity");
  });

  it("opens the gap symmetrically about the centre, both blades arriving together", async () => {
    const { clock, slits: s } = slits({ velocity: 1 });
    await s.gap.set(3);
    // The gap opens at 1 mm/s: each blade covers 1 mm at 0.5 mm/s.
    expect(clock.now()).toBeCloseTo(2, 2);
    expect(await s.top.readback.get()).toBeCloseTo(1.5, 12);
    expect(await s.bottom.readback.get()).toBeCloseTo(-1.5, 12);
    expect(await s.gap.readback.get()).toBeCloseTo(3, 12);
    expect(await s.centre.readback.get()).toBeCloseTo(0, 12);
    expect(await s.top.velocity.get()).toBe(0.5);
  });

  it("moves the centre with the gap held", async () => {
    const { slits: s } = slits({ gap: 1 });
    await s.gap.set(2);
    await s.centre.set(-1);
    expect(await s.top.readback.get()).toBeCloseTo(0, 12);
    expect(await s.bottom.readback.get()).toBeCloseTo(-2, 12);
    expect(await s.gap.readback.get()).toBeCloseTo(2, 12);
    expect(await s.centre.locate()).toEqual({ setpoint: -1, readback: -1 });
  });

  it("moves the gap through set() on the slits themselves", async () => {
    const { slits: s } = slits();
    await s.set(0.4);
    expect(await s.locate()).toEqual({ setpoint: 0.4, readback: expect.closeTo(0.4, 12) });
  });

  it("tells the gap's subscribers as the blades move, and when a blade moves alone", async () => {
    const { slits: s } = slits({ velocity: 1 });
    const seen: number[] = [];
    s.gap.readback.subscribeValue((gap) => seen.push(gap));
    await s.gap.set(2);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.at(-1)).toBeCloseTo(2, 12);
    const middle = seen.filter((g) => g > 1.2 && g < 1.8);
    expect(middle.length).toBeGreaterThan(0);
    await s.top.set(2);
    expect(seen.at(-1)).toBeCloseTo(3, 12);
  });

  it("reports progress of a pseudo move", async () => {
    const { slits: s } = slits();
    const updates: WatcherUpdate[] = [];
    const status = s.gap.set(2);
    status.watch((u) => updates.push(u));
    await status;
    expect(updates.length).toBeGreaterThan(2);
    expect(updates.at(-1)).toMatchObject({ target: 2, fraction: 1 });
    expect(updates[0]?.initial).toBe(1);
  });

  it("refuses a gap outside its limits, and a blade target outside the blade's, before moving", async () => {
    const { clock, slits: s } = slits({ limits: [0, 4], bladeLimits: [-1, 2] });
    await expect(s.gap.set(5)).rejects.toThrow(new LimitError("slits_gap", 5, 0, 4));
    // The top blade could go to 1.5, but the bottom cannot go to -1.5: neither moves.
    await expect(s.gap.set(3)).rejects.toThrow(new LimitError("slits_bottom", -1.5, -1, 2));
    await clock.sleep(5);
    expect(await s.top.readback.get()).toBe(0.5);
    expect(await s.bottom.readback.get()).toBe(-0.5);
  });

  it("stops both blades on stop(); the move fails as interrupted", async () => {
    const { clock, slits: s } = slits({ velocity: 1 });
    const status = s.gap.set(3);
    await clock.sleep(1);
    await s.stop();
    await expect(status).rejects.toBeInstanceOf(MoveInterruptedError);
    expect(status.error?.message).toMatch(/^slits_gap: move to 3 was stopped at /);
    const gap = await s.gap.readback.get();
    expect(gap).toBeGreaterThan(1.5);
    expect(gap).toBeLessThan(2.5);
    expect(await s.top.moving.get()).toBe(false);
    expect(await s.bottom.moving.get()).toBe(false);
  });

  it("lets a later move take over a running one", async () => {
    const { clock, slits: s } = slits({ velocity: 1 });
    const first = s.gap.set(3);
    await clock.sleep(0.5);
    const second = s.gap.set(0.5);
    await second;
    await expect(first).rejects.toThrow("was superseded by a move to 0.5");
    expect(await s.gap.readback.get()).toBeCloseTo(0.5, 12);
  });

  it("applies the pseudo-axis velocity to the blades at each move", async () => {
    const { clock, slits: s } = slits({ velocity: 1 });
    await s.gap.velocity.set(4);
    await s.gap.set(3); // 2 mm of gap at 4 mm/s
    expect(clock.now()).toBeCloseTo(0.5, 2);
    expect(await s.bottom.velocity.get()).toBe(2);
    const start = clock.now();
    await s.centre.set(1); // 1 mm of centre at 1 mm/s
    expect(clock.now() - start).toBeCloseTo(1, 2);
    expect(await s.bottom.velocity.get()).toBe(1);
  });
});
