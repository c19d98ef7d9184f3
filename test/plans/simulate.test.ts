import { describe, expect, it } from "vitest";
import { SimDetector, SimMotor, VirtualClock } from "../../src/index.js";
import {
  MissingReadingError,
  adaptiveScan,
  count,
  flyScan,
  mv,
  relScan,
  scan,
  simulate,
  sleep,
} from "../../src/plans/index.js";
import { lines, only } from "./responder.js";

function rig() {
  const clock = new VirtualClock({ auto: false });
  const motor = new SimMotor({ name: "m", clock, velocity: 2, acceleration: 4 });
  const slow = new SimMotor({ name: "slow", clock, velocity: 1, acceleration: 4 });
  const det = new SimDetector({ name: "det", clock, exposure: 0.5, noise: { mean: 1, sd: 0 } });
  return { clock, motor, slow, det };
}

describe("simulate", () => {
  it("lists the plan's messages and counts its runs", () => {
    const { motor, det } = rig();
    const result = simulate(scan([det], motor, 0, 10, 3));
    expect(result.runs).toBe(1);
    expect(result.error).toBeUndefined();
    expect(lines(result.messages).slice(0, 4)).toEqual([
      "stage det",
      "stage m",
      "open_run",
      "checkpoint",
    ]);
    expect(only(result.messages, "save")).toHaveLength(3);
  });

  it("estimates a 10 mm move at 2 mm/s and 4 mm/s² as 5.5 s, plus the exposures", () => {
    const { motor, det } = rig();
    // 0 → 0 takes no time, 0 → 10 takes 0.5 s up to speed, 4.5 s cruising, 0.5 s braking
    expect(simulate(scan([det], motor, 0, 10, 2)).duration).toBeCloseTo(5.5 + 2 * 0.5, 9);
  });

  it("starts motors where `positions` says, and follows them from set to set", () => {
    const { motor, det } = rig();
    const positions = new Map([[motor, 10]]);
    const there = simulate(scan([det], motor, 0, 10, 2), { positions });
    expect(there.duration).toBeCloseTo(5.5 + 5.5 + 2 * 0.5, 9);
  });

  it("counts moves of one group once, by the longest", () => {
    const { motor, slow } = rig();
    // m: 10 mm at 2 mm/s takes 5.5 s; slow: 2 mm at 1 mm/s, 4 mm/s² takes 2.25 s
    expect(simulate(mv([motor, 10], [slow, 2])).duration).toBeCloseTo(5.5, 9);
  });

  it("adds sleeps and the exposures of triggers", () => {
    const { det } = rig();
    expect(simulate(count([det], { num: 3, delay: 2 })).duration).toBeCloseTo(3 * 0.5 + 2 * 2, 9);
    expect(simulate(sleep(1.25)).duration).toBe(1.25);
  });

  it("answers locate with the tracked position, so relative plans simulate", () => {
    const { motor, det } = rig();
    const result = simulate(relScan([det], motor, -1, 1, 3), { positions: new Map([[motor, 5]]) });
    expect(only(result.messages, "set").map((msg) => msg.value)).toEqual([4, 5, 6, 5]);
    expect(result.error).toBeUndefined();
  });

  it("touches no device: nothing moves or counts, and no timer is scheduled", async () => {
    const { clock, motor, det } = rig();
    simulate(scan([det], motor, 0, 10, 5));
    expect(clock.pendingTimers).toBe(0);
    expect(motor.positionAt(clock.now())).toBe(0);
    expect((await det.read()).det?.value).toBe(0);
  });

  it("returns what it listed and the error when a plan needs real readings", () => {
    const { motor, det } = rig();
    const result = simulate(adaptiveScan([det], "det", motor, 0, 10, 0.1, 1, 5, false));
    expect(result.error).toBeInstanceOf(MissingReadingError);
    // the first point was read; the plan's cleanup still ran
    expect(lines(result.messages).slice(-3)).toEqual(["save", "unstage m", "unstage det"]);
    expect(result.runs).toBe(1);
  });

  it("gives up on an endless plan after maxMessages", () => {
    const { det } = rig();
    const result = simulate(count([det], { num: Infinity }), { maxMessages: 500 });
    expect(result.messages).toHaveLength(500);
    expect(result.error).toBeInstanceOf(RangeError);
  });

  it("lists a fly scan without touching the devices, lasting its flight", () => {
    const { motor, det } = rig();
    const result = simulate(flyScan([det], motor, -1, 1, 1001, { time: 20 }));
    expect(result.error).toBeUndefined();
    expect(result.duration).toBe(20);
    const commands = result.messages.map((msg) => msg.command);
    expect(commands.filter((c) => c === "prepare")).toHaveLength(2);
    expect(commands).toEqual(expect.arrayContaining(["kickoff", "complete", "collect"]));
    expect(motor.pulses).toBeUndefined(); // never prepared for real
  });
});
