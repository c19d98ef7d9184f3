import { describe, expect, it } from "vitest";
import {
  Device,
  Motor,
  SignalR,
  SignalRW,
  VirtualClock,
  callbackOnMockPut,
  datatype,
  getMockPutLog,
  getMockPuts,
  resetMockPuts,
  setMockValue,
  softSignalRAndSetter,
  softSignalRW,
  type Clock,
  type DataKey,
  type Reading,
  type SignalBackend,
  type SignalMetadata,
} from "../../src/core/index.js";

/** A backend standing for a transport: it counts every call that would touch the wire. */
class WireBackend implements SignalBackend<number> {
  readonly datatype = datatype.float;
  readonly writable = true;
  readonly metadata: SignalMetadata = {
    units: "mm",
    precision: 3,
    limits: { control: { low: -5, high: 5 } },
  };
  wireCalls = 0;
  constructor(readonly clock: Clock) {}
  source(name: string): string {
    return `wire://${name}`;
  }
  async connect(): Promise<void> {
    this.wireCalls++;
    throw new Error("the wire is not there");
  }
  async getReading(): Promise<Reading<number>> {
    this.wireCalls++;
    throw new Error("the wire is not there");
  }
  async getValue(): Promise<number> {
    return (await this.getReading()).value;
  }
  async put(): Promise<void> {
    this.wireCalls++;
  }
  async getDataKey(): Promise<DataKey> {
    this.wireCalls++;
    throw new Error("the wire is not there");
  }
  setCallback(): void {}
}

class Stage extends Device {
  readonly x: SignalRW<number>;
  readonly y: SignalRW<number>;
  constructor(readonly wire: { x: WireBackend; y: WireBackend }) {
    super({ name: "stage" });
    this.x = this.add("x", new SignalRW(wire.x));
    this.y = this.add("y", new SignalRW(wire.y));
  }
}

function stage(clock = new VirtualClock({ start: 100 })): Stage {
  return new Stage({ x: new WireBackend(clock), y: new WireBackend(clock) });
}

describe("connect({mock: true})", () => {
  it("swaps every signal's backend without touching the real one", async () => {
    const device = stage();
    await device.connect({ mock: true });
    await device.x.set(1);
    expect(await device.read()).toEqual({
      stage_x: { value: 1, timestamp: 100 },
      stage_y: { value: 0, timestamp: 100 },
    });
    expect(device.wire.x.wireCalls + device.wire.y.wireCalls).toBe(0);
    expect(device.x.backend).toBe(device.x.mock);
  });

  it("keeps the real datatype, clock and metadata, with the source marked mock", async () => {
    const device = stage();
    await device.connect({ mock: true });
    expect(await device.x.describe()).toEqual({
      stage_x: {
        source: "mock+wire://stage_x",
        dtype: "number",
        dtype_numpy: "<f8",
        shape: [],
        units: "mm",
        precision: 3,
        limits: { control: { low: -5, high: 5 } },
      },
    });
    expect(device.x.backend.clock).toBe(device.wire.x.clock);
    expect(() => setMockValue(device.x, "far" as unknown as number)).toThrow("stage_x");
  });

  it("records every put, per signal and in order across the device", async () => {
    const device = stage();
    await device.connect({ mock: true });
    await device.x.set(1);
    await device.y.set(2, { wait: false });
    await device.x.set(3);
    expect(getMockPuts(device.x)).toEqual([
      { value: 1, wait: true },
      { value: 3, wait: true },
    ]);
    expect(getMockPutLog(device)).toEqual([
      { signal: "stage_x", value: 1, wait: true },
      { signal: "stage_y", value: 2, wait: false },
      { signal: "stage_x", value: 3, wait: true },
    ]);
    resetMockPuts(device.x);
    expect(getMockPuts(device.x)).toEqual([]);
  });

  it("tells subscribers of values a test sets, including those subscribed before connect", async () => {
    const device = stage();
    const seen: number[] = [];
    device.x.subscribeValue((value) => seen.push(value), { onError: () => undefined });
    await device.connect({ mock: true });
    setMockValue(device.x, 4);
    setMockValue(device.x, 5);
    expect(seen).toEqual([0, 4, 5]);
  });

  it("runs a put hook, and the put waits for it", async () => {
    const clock = new VirtualClock();
    const device = stage(clock);
    await device.connect({ mock: true });
    callbackOnMockPut(device.x, async (value) => {
      await clock.sleep(2);
      setMockValue(device.y, value * 10);
    });
    await device.x.set(3);
    expect(clock.now()).toBe(2);
    expect(await device.y.get()).toBe(30);
  });

  it("names the signal when a helper is used on one not in mock mode", () => {
    const device = stage();
    expect(() => setMockValue(device.x, 1)).toThrow(
      "stage_x is not in mock mode: connect it with {mock: true} first",
    );
    expect(() => getMockPuts(device.y)).toThrow("stage_y is not in mock mode");
  });

  it("keeps a soft signal's owner setter working", async () => {
    const [flag, setFlag] = softSignalRAndSetter(datatype.boolean, false, { name: "flag" });
    await flag.connect({ mock: true });
    setFlag(true);
    expect(await flag.get()).toBe(true);
    expect(flag.source).toBe("mock+soft://flag");
  });

  it("goes back to the real backend on a connect without mock", async () => {
    const signal = new SignalR(new WireBackend(new VirtualClock()), { name: "s" });
    await signal.connect({ mock: true });
    expect(signal.mock).toBeDefined();
    await expect(signal.connect()).rejects.toThrow("the wire is not there");
    expect(signal.mock).toBeUndefined();
  });
});

class InstantMotor extends Motor {
  protected async startMove(): Promise<void> {}
  protected async haltMotion(): Promise<void> {}
}

describe("a mocked Motor", () => {
  it("moves its readback to each setpoint written", async () => {
    const clock = new VirtualClock();
    const wire = new WireBackend(clock);
    const motor = new InstantMotor({
      name: "m1",
      clock,
      readback: new SignalR(wire),
      velocity: softSignalRW(datatype.float, 1, { clock }),
      acceleration: softSignalRW(datatype.float, 1, { clock }),
    });
    await motor.connect({ mock: true });
    await motor.set(2.5);
    expect(await motor.readback.get()).toBe(2.5);
    expect(getMockPuts(motor.setpoint)).toEqual([{ value: 2.5, wait: true }]);
    expect(wire.wireCalls).toBe(0);
  });
});
