// The SMC100 driver's own move sequence run in mock mode: no port, no emulator, only mock
// signals that the test drives as the controller would.
import { describe, expect, it } from "vitest";
import {
  LimitError,
  VirtualClock,
  callbackOnMockPut,
  getMockPutLog,
  getMockPuts,
  setMockValue,
} from "../../../src/core/index.js";
import { Smc100Error, Smc100Motor } from "../../../drivers/newport-smc100/index.js";
import {
  expectDisconnectUntouched,
  expectRefusedBeforeAnyPut,
  untouchedChannel,
} from "../mock-mode.js";

/** A mocked motor whose PA starts a motion of `seconds` that ends READY at the target. */
async function mockedMotor(seconds = 1, limits?: readonly [number, number]) {
  const clock = new VirtualClock();
  const channel = untouchedChannel();
  const m1 = new Smc100Motor({ name: "m1", clock, channel, pollPeriod: 0.05, limits });
  await m1.connect({ mock: true });
  const arriveAt = (position: number, state: string): void => {
    setMockValue(m1.readback, position);
    setMockValue(m1.state, state);
  };
  // Each PA or ST ends the motion before it: only the latest PA arrives.
  let motions = 0;
  callbackOnMockPut(m1.setpoint, (target) => {
    const motion = ++motions;
    setMockValue(m1.state, "MOVING");
    clock.schedule(seconds, () => {
      if (motion === motions) arriveAt(target, "READY from MOVING");
    });
  });
  // ST: the axis comes to rest at once, where it is.
  callbackOnMockPut(m1.stopCommand, () => {
    motions++;
    setMockValue(m1.state, "READY from MOVING");
  });
  return { clock, channel, m1, arriveAt };
}

describe("Smc100Motor connected with {mock: true}", () => {
  it("runs its move sequence against mock signals: PA, then polls until READY", async () => {
    const { m1, clock, channel } = await mockedMotor(1);
    const states: string[] = [];
    m1.state.subscribeValue((state) => states.push(state));
    await m1.set(5);
    expect(clock.now()).toBeGreaterThanOrEqual(1);
    expect(clock.now()).toBeLessThan(1.1);
    expect(await m1.readback.get()).toBe(5);
    expect(await m1.setpoint.get()).toBe(5);
    expect(getMockPuts(m1.setpoint)).toEqual([{ value: 5, wait: true }]);
    expect(getMockPutLog(m1)).toEqual([{ signal: "m1_setpoint", value: 5, wait: true }]);
    expect(states).toEqual(["READY from MOVING", "MOVING", "READY from MOVING"]);
    expect(channel.uses).toEqual([]);
  });

  it("stops the running move with ST before a new PA, in that order", async () => {
    const { m1, clock } = await mockedMotor(10);
    const first = m1.set(5);
    await clock.sleep(1);
    const second = m1.set(-2);
    await expect(first).rejects.toThrow("m1: move to 5 was superseded by a move to -2");
    await second;
    expect(getMockPutLog(m1)).toEqual([
      { signal: "m1_setpoint", value: 5, wait: true },
      { signal: "m1_stop_command", value: true, wait: true },
      { signal: "m1_setpoint", value: -2, wait: true },
    ]);
    expect(await m1.readback.get()).toBe(-2);
  });

  it("fails a move whose state ends other than READY, naming it, as with the hardware", async () => {
    const { m1, clock } = await mockedMotor(10);
    const move = m1.set(5);
    await clock.sleep(0.5);
    setMockValue(m1.positionerErrors, 0x0001); // negative end of run
    setMockValue(m1.state, "DISABLE from MOVING");
    await expect(move).rejects.toThrow(Smc100Error);
    await expect(move).rejects.toThrow("DISABLE from MOVING");
    // The controller was not MOVING any more: no ST was sent.
    expect(getMockPuts(m1.stopCommand)).toEqual([]);
  });

  it("homes through its signals too: OR, then polls until READY from HOMING", async () => {
    const { m1, clock, arriveAt } = await mockedMotor();
    arriveAt(3, "NOT REFERENCED from RESET");
    callbackOnMockPut(m1.homeCommand, () => {
      setMockValue(m1.state, "HOMING commanded from RS-232");
      clock.schedule(2, () => arriveAt(0, "READY from HOMING"));
    });
    await m1.home();
    expect(clock.now()).toBeGreaterThanOrEqual(2);
    expect(getMockPutLog(m1)).toEqual([{ signal: "m1_home_command", value: true, wait: true }]);
    expect(await m1.status()).toMatchObject({ state: { code: 0x32 }, errorWord: 0 });
  });

  it("names the state signal when a mock holds text that is no SMC100 state", async () => {
    const { m1, arriveAt } = await mockedMotor();
    arriveAt(0, "RESTING");
    await expect(m1.set(1)).rejects.toThrow('m1_state holds "RESTING", which is no SMC100 state');
  });

  it("checks the configured soft limits before any put", async () => {
    const { m1 } = await mockedMotor(1, [-3, 3]);
    await expectRefusedBeforeAnyPut(m1, m1.set(5), LimitError);
  });

  it("disconnects without touching the channel", async () => {
    const { m1, channel } = await mockedMotor();
    await expectDisconnectUntouched(m1, channel);
  });
});
