import { describe, expect, it } from "vitest";
import { FlyProfile, PositionCompareTrain, SeededRandom } from "../../../src/index.js";

const profile = new FlyProfile({
  startPosition: 0,
  endPosition: 2,
  timeForMove: 4,
  acceleration: 1,
});
// v = 0.5: ramps of 0.25 s

describe("PositionCompareTrain", () => {
  it("has no pulse times until started, then one per compare position", () => {
    const train = new PositionCompareTrain({ profile, pulses: 5 });
    expect(train.started).toBe(false);
    expect(train.countAt(100)).toBe(0);
    expect(train.timeOf(0)).toBe(Infinity);
    train.start(10);
    expect([0, 1, 2, 3, 4].map((i) => train.timeOf(i))).toEqual([10.5, 11.5, 12.5, 13.5, 14.5]);
    expect([0, 1, 2, 3, 4].map((i) => train.positionOf(i))).toEqual([0, 0.5, 1, 1.5, 2]);
    expect([10.49, 10.5, 12.9, 14.5, 99].map((t) => train.countAt(t))).toEqual([0, 1, 3, 5, 5]);
  });

  it("fires one pulse at startPosition when armed with one", () => {
    const train = new PositionCompareTrain({ profile, pulses: 1 });
    train.start(0);
    expect([train.total, train.timeOf(0), train.positionOf(0), train.countAt(1)]).toEqual([
      1, 0.5, 0, 1,
    ]);
  });

  it("is cut short by a stop and tells its watchers of the start and the cut", () => {
    const train = new PositionCompareTrain({ profile, pulses: 5 });
    const changes: number[] = [];
    const unwatch = train.onChange(() => changes.push(train.total));
    train.start(0);
    train.cut(2);
    expect(train.total).toBe(2);
    expect(train.countAt(100)).toBe(2);
    expect(() => train.timeOf(2)).toThrow("pulse index must be an integer in [0, 2)");
    unwatch();
    train.cut(1);
    expect(changes).toEqual([5, 2]);
  });

  it("reports positions through the encoder step and noise, drawn in pulse order", () => {
    const make = () =>
      new PositionCompareTrain({
        profile,
        pulses: 5,
        encoderResolution: 0.3,
        readbackNoise: 0.01,
        random: new SeededRandom(3),
      });
    const a = make();
    const b = make();
    a.start(0);
    b.start(0);
    const forward = [0, 1, 2, 3, 4].map((i) => a.positionOf(i));
    const backward = [4, 3, 2, 1, 0].map((i) => b.positionOf(i)).reverse();
    expect(forward).toEqual(backward);
    forward.forEach((x, i) =>
      expect(Math.abs(x - Math.round((0.5 * i) / 0.3) * 0.3)).toBeLessThan(0.05),
    );
    expect(() => new PositionCompareTrain({ profile, pulses: 2, readbackNoise: 1 })).toThrow(
      "random is required",
    );
    expect(() => new PositionCompareTrain({ profile, pulses: 0 })).toThrow("pulses must be");
  });
});
