import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildContext } from "../../../src/config/index.js";
import {
  simCameraDriver,
  simDetectorDriver,
  simMotorDriver,
  simSlitsDriver,
  simTemperatureDriver,
} from "../../../src/config/index.js";
import type { Device } from "../../../src/core/index.js";
import { VirtualClock } from "../../../src/core/index.js";
import {
  SimCamera,
  SimDetector,
  SimMotor,
  SimSlits,
  SimTemperatureController,
} from "../../../sim/index.js";

function context<P>(name: string, params: P, others: Record<string, Device> = {}): BuildContext<P> {
  return {
    name,
    params,
    clock: new VirtualClock(),
    seed: 1,
    kind: "normal",
    labels: [],
    transport: { type: "sim" },
    shared: (_key, make) => make(),
    byteLink: () => {
      throw new Error("a sim device has no byte link");
    },
    modbusLink: () => {
      throw new Error("a sim device has no Modbus link");
    },
    device: (other) =>
      others[other] ??
      (() => {
        throw new Error(`no ${other}`);
      })(),
  };
}

const issues = (result: { error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("sim.motor", () => {
  it("builds a SimMotor with the config's limits, units and hard limits", async () => {
    const params = simMotorDriver.params.parse({ velocity: "2", hardLimits: [-3, 3], position: 1 });
    const m1 = await simMotorDriver.build({
      ...context("m1", params),
      limits: [-2, 2],
      units: "deg",
    });
    expect(m1).toBeInstanceOf(SimMotor);
    const motor = m1 as SimMotor;
    expect(await motor.readback.get()).toBe(1);
    expect(await motor.velocity.get()).toBe(2);
    expect(await motor.highLimit.get()).toBe(2);
    expect(motor.units).toBe("deg");
    await expect(motor.set(2.5)).rejects.toThrow("outside the limits");
  });

  it("bounds the velocity of a fly scan by maxVelocity", async () => {
    const params = simMotorDriver.params.parse({ velocity: 2, maxVelocity: "0.5" });
    const m1 = (await simMotorDriver.build({
      ...context("m1", params),
      limits: [-5, 5],
    })) as SimMotor;
    await expect(
      m1.prepare({ startPosition: 0, endPosition: 1, timeForMove: 1, pulses: 2 }),
    ).rejects.toThrow("m1: flying 0 to 1 in 1 s needs 1 units/s, above the maximum velocity 0.5");
    expect(simMotorDriver.params.safeParse({ maxVelocity: -1 }).success).toBe(false);
  });

  it("refuses unknown and bad parameters", () => {
    expect(simMotorDriver.params.safeParse({ velocity: 0 }).success).toBe(false);
    expect(simMotorDriver.params.safeParse({ hardLimits: [3, -3] }).success).toBe(false);
    expect(simMotorDriver.params.safeParse({ speed: 1 }).success).toBe(false);
  });
});

describe("sim.detector", () => {
  it("takes a peak over as many motors as the peak has axes", () => {
    const peak = { motors: ["m1"], centre: 0.3, sigma: 0.25, amplitude: 10 };
    expect(simDetectorDriver.params.safeParse({ peak }).success).toBe(true);
    expect(simDetectorDriver.references?.(simDetectorDriver.params.parse({ peak }))).toEqual([
      "m1",
    ]);
    expect(
      issues(simDetectorDriver.params.safeParse({ peak: { ...peak, motors: ["m1", "m2"] } })),
    ).toEqual([
      "peak.centre: expected a list of 2 numbers, one per motor",
      "peak.sigma: expected a list of 2 numbers, one per motor",
    ]);
  });

  it("takes either a peak or noise, and counting only with a peak", () => {
    const noise = { mean: 1, sd: 0.1 };
    const peak = { motors: ["m1"], centre: 0, sigma: 1, amplitude: 1 };
    expect(issues(simDetectorDriver.params.safeParse({}))).toEqual([
      ": expected either peak or noise",
    ]);
    expect(issues(simDetectorDriver.params.safeParse({ peak, noise }))).toEqual([
      ": expected either peak or noise",
    ]);
    expect(
      issues(simDetectorDriver.params.safeParse({ noise, counting: { poisson: false } })),
    ).toEqual(["counting: counting applies to a peak only"]);
  });

  it("builds over a simulated motor, and refuses a device that is not one", async () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock });
    const params = simDetectorDriver.params.parse({
      exposure: 1,
      peak: { motors: ["m1"], centre: 0, sigma: 1, amplitude: 100 },
      counting: { poisson: false },
    });
    const det = (await simDetectorDriver.build({
      ...context("det", params, { m1 }),
      clock,
    })) as SimDetector;
    expect(det).toBeInstanceOf(SimDetector);
    await det.trigger();
    expect(await det.value.get()).toBeCloseTo(100, 9);
    const tc = new SimTemperatureController({ name: "tc", clock });
    expect(() => simDetectorDriver.build(context("det", params, { m1: tc }))).toThrow(
      "tc is not a simulated motor, so the peak cannot follow it",
    );
  });
});

describe("sim.detector on a trigger source", () => {
  const yaml = {
    exposure: 0.01,
    triggerSource: "m1",
    peak: { motors: ["m1"], centre: 0.5, sigma: 0.2, amplitude: 1000 },
    counting: { poisson: false },
  };

  it("references its trigger source once, beside the peak's motors", () => {
    const params = simDetectorDriver.params.parse(yaml);
    expect(simDetectorDriver.references?.(params)).toEqual(["m1"]);
    const other = simDetectorDriver.params.parse({ ...yaml, triggerSource: "m2" });
    expect(simDetectorDriver.references?.(other)).toEqual(["m1", "m2"]);
    expect(simDetectorDriver.params.safeParse({ ...yaml, triggerSource: 3 }).success).toBe(false);
  });

  it("takes a frame per pulse of the motor's position compare, with its position", async () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock });
    const params = simDetectorDriver.params.parse(yaml);
    const det = (await simDetectorDriver.build({
      ...context("det", params, { m1 }),
      clock,
    })) as SimDetector;
    await m1.prepare({ startPosition: 0, endPosition: 1, timeForMove: 1, pulses: 5 });
    await det.prepare({});
    await det.kickoff();
    await m1.kickoff();
    await Promise.all([m1.complete(), det.complete()]);
    const [page] = await det.collectPages();
    expect(page?.data.m1).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(page?.data.det?.[2]).toBeCloseTo(1000 * 0.01, 9);
  });

  it("refuses a trigger source with no pulse output", () => {
    const clock = new VirtualClock();
    const m1 = new SimMotor({ name: "m1", clock });
    const tc = new SimTemperatureController({ name: "tc", clock });
    const params = simDetectorDriver.params.parse({ ...yaml, triggerSource: "tc" });
    expect(() => simDetectorDriver.build(context("det", params, { m1, tc }))).toThrow(
      "tc has no pulse output, so it cannot trigger the detector",
    );
  });
});

describe("sim.temperature and sim.slits", () => {
  it("builds a temperature controller", async () => {
    const params = simTemperatureDriver.params.parse({ ambient: 280, rampRate: 2 });
    const tc = (await simTemperatureDriver.build(
      context("tc", params),
    )) as SimTemperatureController;
    expect(tc).toBeInstanceOf(SimTemperatureController);
    expect(await tc.temperature.get()).toBe(280);
  });

  it("builds slits whose config limits bound the gap", async () => {
    const params = simSlitsDriver.params.parse({ gap: 2, centre: 0.5, bladeLimits: [-4, 4] });
    const slits = (await simSlitsDriver.build({
      ...context("slits", params),
      limits: [0, 3],
      units: "um",
      kind: "hinted",
    })) as SimSlits;
    expect(slits).toBeInstanceOf(SimSlits);
    expect(slits.kind).toBe("hinted");
    expect(await slits.gap.readback.get()).toBe(2);
    expect(await slits.gap.highLimit.get()).toBe(3);
    expect(slits.gap.units).toBe("um");
  });
});

describe("sim.camera", () => {
  it("builds a camera writing to its directory, resolved from the working directory", () => {
    const params = { directory: "out/frames", width: 64, height: 48, exposure: 0.2 };
    const parsed = simCameraDriver.params.parse(params);
    const cam = simCameraDriver.build(context("cam", parsed)) as SimCamera;
    expect(cam).toBeInstanceOf(SimCamera);
    expect([cam.width, cam.height]).toEqual([64, 48]);
    expect(cam.directory).toBe(resolve("out/frames"));
  });

  it("refuses a frame size that is not whole pixels, and unknown keys", () => {
    const result = simCameraDriver.params.safeParse({ width: 6.5, lens: "f/2" });
    expect(issues(result)).toEqual([
      expect.stringMatching(/^width: /),
      expect.stringMatching(/^: Unrecognized key: "lens"/),
    ]);
  });
});
