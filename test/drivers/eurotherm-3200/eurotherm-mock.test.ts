// The Eurotherm 3200's own ramp-and-settle logic run in mock mode: no Modbus server, only
// mock signals that the test drives as the furnace would.
import { describe, expect, it } from "vitest";
import {
  LimitError,
  VirtualClock,
  callbackOnMockPut,
  getMockPutLog,
  getMockPuts,
  setMockValue,
} from "../../../src/core/index.js";
import { Eurotherm3200 } from "../../../drivers/eurotherm-3200/index.js";
import {
  expectDisconnectUntouched,
  expectRefusedBeforeAnyPut,
  untouchedModbusClient,
} from "../mock-mode.js";

async function mockedFurnace(remoteSetpoint = false) {
  const clock = new VirtualClock();
  const client = untouchedModbusClient();
  const furnace = new Eurotherm3200({
    name: "furnace",
    clock,
    client,
    remoteSetpoint,
    tolerance: 0.5,
    settleTime: 5,
    pollPeriod: 0.5,
  });
  await furnace.connect({ mock: true });
  setMockValue(furnace.setpointLow, 0);
  setMockValue(furnace.setpointHigh, 1000);
  setMockValue(furnace.temperature, 20);
  return { clock, client, furnace };
}

describe("Eurotherm3200 connected with {mock: true}", () => {
  it("ramps: writes the setpoint, then completes once the temperature has settled", async () => {
    const { clock, client, furnace } = await mockedFurnace();
    // The furnace heats at 10 degrees per second towards each setpoint written.
    callbackOnMockPut(furnace.setpoint, (target) => {
      const heat = (): void => {
        const now = furnace.temperature.mock!.readingNow().value;
        setMockValue(furnace.temperature, Math.min(target, now + 1));
        if (now + 1 < target) clock.schedule(0.1, heat);
      };
      clock.schedule(0.1, heat);
    });
    await furnace.set(100);
    // 8 s to heat 80 degrees, then 5 s inside the tolerance, polled every 0.5 s.
    expect(clock.now()).toBeGreaterThanOrEqual(13);
    expect(clock.now()).toBeLessThanOrEqual(13.5 + 1e-9);
    expect(await furnace.temperature.get()).toBe(100);
    expect(getMockPutLog(furnace)).toEqual([
      { signal: "furnace_setpoint", value: 100, wait: true },
    ]);
    expect(client.uses).toEqual([]);
  });

  it("switches to the remote setpoint on a mock too, never on the client", async () => {
    const { clock, client, furnace } = await mockedFurnace(true);
    callbackOnMockPut(furnace.setpoint, (target) => {
      clock.schedule(1, () => setMockValue(furnace.temperature, target));
    });
    await furnace.set(50);
    expect(getMockPutLog(furnace)).toEqual([{ signal: "furnace_setpoint", value: 50, wait: true }]);
    // The setpoint written is the remote one (Rm.SP, register 26), after switching L-R to it.
    expect(furnace.setpoint.source).toMatch(/\/holding\/0x1a$/);
    expect(getMockPuts(furnace["localRemote"]!)).toEqual([{ value: "remote", wait: true }]);
    expect(client.uses).toEqual([]);
  });

  it("refuses a target outside the mocked setpoint limits before writing anything", async () => {
    const { furnace } = await mockedFurnace();
    await expectRefusedBeforeAnyPut(furnace, furnace.set(2000), LimitError);
  });

  it("disconnects without touching the Modbus client", async () => {
    const { client, furnace } = await mockedFurnace();
    await expectDisconnectUntouched(furnace, client);
  });
});
