import { describe, expect, it } from "vitest";
import { SimDetector, SimMotor, VirtualClock } from "../src/index.ts";

describe("the public entry", () => {
  it("moves a SimMotor 10 units at v=2, a=4 in 10/2 + 2/4 = 5.5 s of virtual time", async () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock, velocity: 2, acceleration: 4 });
    await m1.set(10);
    expect(clock.now()).toBe(5.5);
    expect(await m1.readback.get()).toBe(10);
  });

  it("reads the peak from a detector centred on the motor when the motor sits there", async () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock, position: -3 });
    const det = new SimDetector({
      name: "det",
      clock,
      peak: { motors: [m1], centre: 1.5, sigma: 0.4, amplitude: 1000, background: 10 },
      counting: { poisson: false },
    });
    await m1.set(1.5);
    await det.trigger();
    expect(await det.read()).toEqual({ det: { value: 1010, timestamp: clock.now() } });
  });
});
