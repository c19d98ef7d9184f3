// EpicsMotor on a motor record served by our IOC (a simulated axis): moves with completion
// and progress, soft limits from HLM/LLM, a stop that ends the move, readings under its name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServedDb, serveDb } from "../../support/served-db.js";
import { EpicsMotor } from "../../../drivers/epics/index.js";
import type { CaClient } from "../../../src/ca/index.js";
import { LimitError, MoveInterruptedError } from "../../../src/core/index.js";

const db = `
record(motor, "bl:m1") {
  field(EGU, "mm") field(PREC, "3") field(VELO, "5") field(ACCL, "0.05") field(MRES, "0.001")
  field(DHLM, "10") field(DLLM, "-10") field(RDBD, "0.001")
}`;

describe("EpicsMotor on a motor record", () => {
  let served: ServedDb;
  let client: CaClient;
  let m1: EpicsMotor;

  beforeAll(async () => {
    served = await serveDb(db);
    client = served.client;
    m1 = new EpicsMotor({ name: "m1", prefix: "bl:m1", client });
    await m1.connect();
  });

  afterAll(async () => {
    await served?.close();
  });

  it("moves with completion when DMOV returns to 1, reporting progress from RBV", async () => {
    const fractions: number[] = [];
    const status = m1.set(1.5);
    status.watch((update) => fractions.push(update.fraction ?? 0));
    await status;
    expect(await m1.readback.get()).toBeCloseTo(1.5, 3);
    expect(await m1.doneMoving.get()).toBe(1);
    expect(fractions.length).toBeGreaterThan(0);
    const reading = await m1.read();
    expect(reading["m1"]!.value).toBeCloseTo(1.5, 3);
    expect((await m1.describe())["m1"]!.source).toBe("ca://bl:m1.RBV");
  });

  it("refuses a target beyond HLM/LLM with a LimitError before anything moves", async () => {
    const before = await m1.readback.get();
    await expect(m1.set(25)).rejects.toBeInstanceOf(LimitError);
    expect(await m1.readback.get()).toBe(before);
  });

  it("stop() ends a running move there; the move's Status fails", async () => {
    const status = m1.set(-8);
    // Stop once the axis is on its way (its readback has left 1.5 by a millimetre).
    await new Promise<void>((resolve) => {
      const unsubscribe = m1.readback.subscribeValue((position) => {
        if (position < 0.5) {
          unsubscribe();
          resolve();
        }
      });
    });
    await m1.stop();
    await expect(status).rejects.toBeInstanceOf(MoveInterruptedError);
    const rested = await m1.readback.get();
    expect(rested).toBeGreaterThan(-8);
    expect(rested).toBeLessThan(0.5);
  });

  it("has velocity and acceleration as configuration", async () => {
    const configuration = await m1.readConfiguration();
    expect(configuration["m1_velocity"]!.value).toBe(5);
    expect(configuration["m1_acceleration"]!.value).toBe(0.05);
  });
});
