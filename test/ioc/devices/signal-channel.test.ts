// A record's channel to a signal the device answers later (an instrument query): a periodic
// pass shows the latest answer and asks again, and its second pass, once the answer is in,
// shows that answer; a record told of news (I/O Intr) never asks.
import { describe, expect, it } from "vitest";
import { datatype, SignalR, VirtualClock } from "../../../src/core/index.js";
import { QuerySignalBackend } from "../../../src/transports/index.js";
import { numberMapping, SignalChannel } from "../../../src/ioc/devices/signal-channel.js";

function instrument() {
  const clock = new VirtualClock();
  let temperature = 295;
  let queries = 0;
  const backend = new QuerySignalBackend(datatype.float, {
    clock,
    source: "test://tc/KRDG",
    initial: 0,
    live: () => true,
    read: async () => {
      queries += 1;
      return temperature;
    },
  });
  const signal = new SignalR(backend, { name: "tc" });
  return {
    channel: new SignalChannel(signal as SignalR<unknown>, numberMapping),
    set: (kelvin: number) => void (temperature = kelvin),
    queries: () => queries,
  };
}

const answered = (): Promise<void> => new Promise((done) => setImmediate(done));

describe("SignalChannel on a device that answers later", () => {
  it("gives a periodic pass the latest answer, asks again and calls the pass back with it", async () => {
    const { channel, set, queries } = instrument();
    let passes = 0;
    const again = (): void => void (passes += 1);
    expect(channel.read(again)).toBeUndefined(); // nothing yet
    await answered();
    expect(passes).toBe(1);
    // The second pass has the answer, without asking again.
    expect(channel.read(again)).toEqual({ value: 295, severity: 0 });
    expect(queries()).toBe(1);
    set(300);
    // The next period's pass still shows 295, and asks.
    expect(channel.read(again)).toEqual({ value: 295, severity: 0 });
    await answered();
    expect([passes, queries()]).toEqual([2, 2]);
    expect(channel.read(again)).toEqual({ value: 300, severity: 0 });
  });

  it("asks once for passes that come while a question is out", async () => {
    const { channel, queries } = instrument();
    let passes = 0;
    channel.read(() => (passes += 1));
    channel.read(() => (passes += 1));
    await answered();
    expect([queries(), passes]).toEqual([1, 2]);
  });

  it("never asks for a record that hears of news", async () => {
    const { channel, queries } = instrument();
    channel.read();
    await answered();
    expect(queries()).toBe(0);
  });
});
