// The 336 loop's own settle logic run in mock mode: no channel is ever touched, only mock
// signals that the test drives as the cryostat would.
import { describe, expect, it } from "vitest";
import {
  MoveInterruptedError,
  VirtualClock,
  callbackOnMockPut,
  getMockPutLog,
  setMockValue,
} from "../../../src/core/index.js";
import { LakeShore336 } from "../../../drivers/lakeshore-336/index.js";
import { expectDisconnectUntouched, untouchedChannel } from "../mock-mode.js";

async function mockedLoop(range?: "Off" | "Low" | "Medium" | "High") {
  const clock = new VirtualClock();
  const channel = untouchedChannel();
  const tc = new LakeShore336({
    name: "tc1",
    clock,
    channel,
    ...(range ? { range } : {}),
    tolerance: 0.1,
    settleTime: 5,
    pollPeriod: 0.5,
  });
  await tc.connect({ mock: true });
  setMockValue(tc.temperature, 10);
  return { clock, channel, tc };
}

describe("LakeShore336 connected with {mock: true}", () => {
  it("writes the setpoint, then completes once the temperature has settled", async () => {
    const { clock, channel, tc } = await mockedLoop();
    // The cryostat warms 1 K every 0.1 s towards each setpoint written.
    callbackOnMockPut(tc.setpoint, (target) => {
      const warm = (): void => {
        const now = tc.temperature.mock!.readingNow().value;
        setMockValue(tc.temperature, Math.min(target, now + 1));
        if (now + 1 < target) clock.schedule(0.1, warm);
      };
      clock.schedule(0.1, warm);
    });
    await tc.set(50);
    // 4 s to warm 40 K, then 5 s inside the tolerance, polled every 0.5 s.
    expect(clock.now()).toBeGreaterThanOrEqual(9);
    expect(clock.now()).toBeLessThanOrEqual(9.5 + 1e-9);
    expect(getMockPutLog(tc)).toEqual([{ signal: "tc1_setpoint", value: 50, wait: true }]);
    expect(channel.uses).toEqual([]);
  });

  it("holds the configured range, and stop() writes the temperature reached as the setpoint", async () => {
    const { clock, channel, tc } = await mockedLoop("Medium");
    expect(await tc.range.get()).toBe("Medium");
    const status = tc.set(80);
    const failure = Promise.resolve(status).then(
      () => undefined,
      (error: unknown) => error,
    );
    await clock.sleep(1);
    setMockValue(tc.temperature, 12.5);
    await tc.stop();
    expect(await failure).toBeInstanceOf(MoveInterruptedError);
    expect(getMockPutLog(tc)).toEqual([
      { signal: "tc1_setpoint", value: 80, wait: true },
      { signal: "tc1_setpoint", value: 12.5, wait: true },
    ]);
    expect(channel.uses).toEqual([]);
  });

  it("disconnects without touching the channel", async () => {
    const { channel, tc } = await mockedLoop();
    await expectDisconnectUntouched(tc, channel);
  });
});
