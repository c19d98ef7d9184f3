// The Keithley 6485 connected with {mock: true}: no port, its value whatever the test sets.
import { describe, expect, it } from "vitest";
import { VirtualClock, setMockValue } from "../../../src/core/index.js";
import { Keithley6485 } from "../../../drivers/keithley-6485/index.js";
import { untouchedChannel } from "../mock-mode.js";

describe("Keithley6485 connected with {mock: true}", () => {
  it("connects and triggers without the channel, reading the mock's value", async () => {
    const clock = new VirtualClock({ start: 50 });
    const channel = untouchedChannel();
    const det = new Keithley6485({ name: "det", clock, channel, nplc: 1 });
    await det.connect({ mock: true });
    await det.trigger();
    expect(await det.read()).toEqual({ det: { value: 0, timestamp: 50 } });
    setMockValue(det.value, 2.5e-9);
    await det.trigger();
    expect(await det.read()).toEqual({ det: { value: 2.5e-9, timestamp: 50 } });
    expect((await det.describe()).det).toMatchObject({
      units: "A",
      source: expect.stringMatching(/^mock\+keithley6485:/),
    });
    expect(channel.uses).toEqual([]);
  });
});
