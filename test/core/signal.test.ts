import { describe, expect, it } from "vitest";
import {
  DatatypeError,
  Device,
  NotConnectedError,
  ReadOnlyError,
  SignalR,
  SignalRW,
  SimSignalBackend,
  SoftSignalBackend,
  VirtualClock,
  datatype,
  simSignalR,
  simSignalRW,
  softSignalRAndSetter,
  softSignalRW,
  type Reading,
} from "../../src/core/index.js";

describe("soft signals", () => {
  it("read and describe as event-model readings and data keys", async () => {
    const clock = new VirtualClock({ start: 1000 });
    const velocity = softSignalRW(datatype.float, 2.5, {
      name: "m1_velocity",
      clock,
      units: "mm/s",
      precision: 3,
      limits: { control: { low: 0, high: 10 } },
    });
    expect(await velocity.read()).toEqual({ m1_velocity: { value: 2.5, timestamp: 1000 } });
    expect(await velocity.describe()).toEqual({
      m1_velocity: {
        source: "soft://m1_velocity",
        dtype: "number",
        dtype_numpy: "<f8",
        shape: [],
        units: "mm/s",
        precision: 3,
        limits: { control: { low: 0, high: 10 } },
      },
    });
  });

  it("describes each datatype with its dtype and shape", async () => {
    const cases = [
      [softSignalRW(datatype.float, 1.5), "number", []],
      [softSignalRW(datatype.int, 3), "integer", []],
      [softSignalRW(datatype.string, "ok"), "string", []],
      [softSignalRW(datatype.boolean, true), "boolean", []],
      [softSignalRW(datatype.float64Array, new Float64Array(3)), "array", [3]],
      [softSignalRW(datatype.int32Array, new Int32Array(7)), "array", [7]],
      [softSignalRW(datatype.enumeration(["In", "Out"]), "Out"), "string", []],
    ] as const;
    for (const [signal, dtype, shape] of cases) {
      const key = Object.values(await signal.describe())[0];
      expect(key).toMatchObject({ dtype, shape });
    }
    const mode = softSignalRW(datatype.enumeration(["In", "Out"]));
    expect(Object.values(await mode.describe())[0]?.choices).toEqual(["In", "Out"]);
    expect(await mode.get()).toBe("In");
  });

  it("keeps values typed: arrays become typed arrays, integers stay integers", async () => {
    const wave = softSignalRW(datatype.float64Array);
    await wave.set(Float64Array.of(0.5, 1.5));
    expect([...(await wave.get())]).toEqual([0.5, 1.5]);
    expect(datatype.float64Array.check([1, 2], "wave")).toBeInstanceOf(Float64Array);
    expect(() => datatype.int32Array.check([1.5], "counts")).toThrow(DatatypeError);

    const count = softSignalRW(datatype.int, 1, { name: "det_count" });
    await expect(count.set(2.5)).rejects.toThrow(new DatatypeError("det_count", "an integer", 2.5));
    expect(await count.get()).toBe(1);
    const mode = softSignalRW(datatype.enumeration(["In", "Out"]), "In", { name: "mode" });
    await expect(mode.set("Sideways" as "In")).rejects.toThrow('mode: expected one of "In", "Out"');
  });

  it("set() stamps the clock's time and returns a Status", async () => {
    const clock = new VirtualClock({ start: 5 });
    const gain = softSignalRW(datatype.int, 1, { name: "gain", clock });
    await clock.sleep(2);
    const status = gain.set(8);
    await status;
    expect(status.success).toBe(true);
    expect(await gain.read()).toEqual({ gain: { value: 8, timestamp: 7 } });
  });

  it("calls subscribers with the current reading and then every change", async () => {
    const signal = softSignalRW(datatype.float, 1);
    const seen: number[] = [];
    const unsubscribe = signal.subscribeValue((v) => seen.push(v));
    await Promise.resolve();
    await signal.set(2);
    await signal.set(3);
    unsubscribe();
    await signal.set(4);
    expect(seen).toEqual([1, 2, 3]);
  });

  it("gives a read-only signal's owner the only setter", async () => {
    const [moving, setMoving] = softSignalRAndSetter(datatype.boolean, false, { name: "moving" });
    expect(moving).toBeInstanceOf(SignalR);
    expect("set" in moving).toBe(false);
    setMoving(true);
    expect(await moving.get()).toBe(true);
  });
});

describe("kinds, as ophyd's Signal and Component", () => {
  it("hints a signal made on its own, and its configuration is its reading", async () => {
    const clock = new VirtualClock({ start: 5 });
    const gain = softSignalRW(datatype.float, 2, { name: "gain", clock });
    expect(gain.kind).toBe("hinted");
    expect(gain.hints).toEqual({ fields: ["gain"] });
    expect(await gain.readConfiguration()).toEqual(await gain.read());
    expect(await gain.describeConfiguration()).toEqual(await gain.describe());
  });

  it("makes a child added without a kind normal, and keeps a kind given to it", async () => {
    const clock = new VirtualClock({ start: 5 });
    class Amplifier extends Device {
      readonly gain = this.add("gain", softSignalRW(datatype.float, 2, { clock }));
      readonly offset = this.add("offset", softSignalRW(datatype.float, 0, { clock }), {
        kind: "config",
      });
      readonly label = this.add(
        "label",
        softSignalRW(datatype.string, "a", { clock, kind: "config" }),
      );
    }
    const amp = new Amplifier({ name: "amp" });
    expect(amp.gain.kind).toBe("normal");
    expect(amp.hints).toEqual({ fields: [] });
    expect(Object.keys(await amp.read())).toEqual(["amp_gain"]);
    expect(Object.keys(await amp.readConfiguration()).sort()).toEqual(["amp_label", "amp_offset"]);
    expect(Object.keys(await amp.describeConfiguration()).sort()).toEqual([
      "amp_label",
      "amp_offset",
    ]);
  });
});

describe("sim signals", () => {
  it("compute their value from a model and tell subscribers when notified", async () => {
    const clock = new VirtualClock();
    let position = 0;
    const [readback, notify] = simSignalR(datatype.float, () => position, {
      name: "m1",
      clock,
      model: "m1.axis",
      units: "mm",
    });
    const seen: Array<Reading<number>> = [];
    readback.subscribe((r) => seen.push(r));
    await Promise.resolve();
    await clock.sleep(1);
    position = 4;
    notify();
    expect(seen).toEqual([
      { value: 0, timestamp: 0 },
      { value: 4, timestamp: 1 },
    ]);
    expect((await readback.describe()).m1?.source).toBe("sim://m1.axis");
  });

  it("write through to the model and refuse what the model refuses", async () => {
    const clock = new VirtualClock();
    let velocity = 1;
    const signal = simSignalRW(
      datatype.float,
      {
        read: () => velocity,
        write: (v) => {
          if (v <= 0) throw new RangeError(`velocity must be > 0, got ${v}`);
          velocity = v;
        },
      },
      { name: "m1_velocity", clock },
    );
    await signal.set(3);
    expect(velocity).toBe(3);
    await expect(signal.set(-1)).rejects.toThrow("velocity must be > 0, got -1");
    expect(await signal.get()).toBe(3);
  });

  it("refuses writes when the model gives no write access", async () => {
    const backend = new SimSignalBackend(datatype.float, {
      clock: new VirtualClock(),
      read: () => 1,
    });
    const signal = new SignalRW(backend, { name: "rbv" });
    await expect(signal.set(2)).rejects.toBeInstanceOf(ReadOnlyError);
  });
});

describe("connect", () => {
  it("names the signal and its source when the backend fails", async () => {
    const backend = new SoftSignalBackend(datatype.float);
    backend.connect = () => Promise.reject(new Error("no reply within 2 s"));
    const signal = new SignalR(backend, { name: "m1_velocity" });
    const error = await signal.connect({ timeout: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotConnectedError);
    expect((error as Error).message).toBe(
      "m1_velocity failed to connect:\n  m1_velocity: soft://m1_velocity: no reply within 2 s",
    );
  });
});

describe("subscribe ordering", () => {
  it("never delivers the first reading after a newer change", async () => {
    const signal = softSignalRW(datatype.float, 1);
    const seen: number[] = [];
    signal.subscribeValue((v) => seen.push(v));
    await signal.set(2); // lands before the first reading's delivery
    await Promise.resolve();
    expect(seen).toEqual([2]);
  });
});
