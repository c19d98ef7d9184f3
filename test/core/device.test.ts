import { describe, expect, it } from "vitest";
import {
  Device,
  NotConnectedError,
  SignalR,
  SoftSignalBackend,
  StagingError,
  VirtualClock,
  datatype,
  softSignalRW,
} from "../../src/core/index.js";

const clock = new VirtualClock({ start: 10 });

class Slit extends Device {
  readonly gap = this.add("gap", softSignalRW(datatype.float, 1.5, { clock }), { kind: "hinted" });
  readonly centre = this.add("centre", softSignalRW(datatype.float, 0, { clock }));
  readonly speed = this.add("speed", softSignalRW(datatype.float, 2, { clock }), {
    kind: "config",
  });
  readonly raw = this.add("raw", softSignalRW(datatype.int, 7, { clock }), { kind: "omitted" });
}

class Beamline extends Device {
  readonly slit = this.add("slit", new Slit());
  readonly mode = this.add("mode", softSignalRW(datatype.string, "pink", { clock }), {
    kind: "config",
  });
  readonly shutter = this.add("shutter", softSignalRW(datatype.boolean, false, { clock }), {
    primary: true,
  });

  constructor() {
    super({ name: "bl" });
    this.setOnStage(this.mode, "mono");
  }
}

describe("Device", () => {
  it("composes child names from the parent's, a primary child taking the parent's own", () => {
    const bl = new Beamline();
    expect(bl.slit.gap.name).toBe("bl_slit_gap");
    expect(bl.shutter.name).toBe("bl");
    bl.setName("x");
    expect(bl.slit.speed.name).toBe("x_slit_speed");
    expect(() => bl.slit.setName("y")).toThrow("is a child of x");
  });

  it("reads hinted and normal fields, and configuration apart", async () => {
    const bl = new Beamline();
    expect(Object.keys(await bl.read())).toEqual(["bl_slit_gap", "bl_slit_centre", "bl"]);
    expect(Object.keys(await bl.describe())).toEqual(Object.keys(await bl.read()));
    expect(await bl.readConfiguration()).toEqual({
      bl_slit_speed: { value: 2, timestamp: 10 },
      bl_mode: { value: "pink", timestamp: 10 },
    });
    expect(Object.keys(await bl.describeConfiguration())).toEqual(["bl_slit_speed", "bl_mode"]);
    expect(bl.hints).toEqual({ fields: ["bl_slit_gap"] });
  });

  it("stages its settings and children, restores them on unstage, refuses to stage twice", async () => {
    const bl = new Beamline();
    await bl.stage();
    expect(await bl.mode.get()).toBe("mono");
    expect(bl.slit.staged).toBe(true);
    await expect(bl.stage()).rejects.toBeInstanceOf(StagingError);
    await bl.unstage();
    expect(await bl.mode.get()).toBe("pink");
    expect(bl.slit.staged).toBe(false);
    await bl.unstage();
  });

  it("connects all children and reports every failure by name in one error", async () => {
    const broken = (message: string): SignalR<number> => {
      const backend = new SoftSignalBackend(datatype.float);
      backend.connect = () => Promise.reject(new Error(message));
      return new SignalR(backend);
    };
    class Stage extends Device {
      readonly x = this.add("x", broken("timeout after 1 s"));
      readonly y = this.add("y", softSignalRW(datatype.float));
      readonly z = this.add("z", broken("connection refused"));
    }
    const stage = new Stage({ name: "stage" });
    const error = (await stage.connect({ timeout: 1 }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NotConnectedError);
    expect([...(error as NotConnectedError).failures.keys()]).toEqual(["stage_x", "stage_z"]);
    expect(error.message).toContain("stage_x: soft://stage_x: timeout after 1 s");
    expect(error.message).toContain("stage_z: soft://stage_z: connection refused");
  });

  it("refuses a second child under one key and a child with two parents", () => {
    const shared = softSignalRW(datatype.float);
    class Twice extends Device {
      readonly a = this.add("a", shared);
      readonly b = this.add("a", softSignalRW(datatype.float));
    }
    expect(() => new Twice({ name: "t" })).toThrow("t already has a child a");
    class Other extends Device {
      readonly c = this.add("c", shared);
    }
    expect(() => new Other({ name: "o" })).toThrow("already belongs to t");
  });
});

describe("Device.configure", () => {
  it("writes config children by key and refuses keys it does not have", async () => {
    const slit = new Slit({ name: "s1" });
    await slit.configure({ speed: 4 });
    expect(await slit.speed.get()).toBe(4);
    await expect(slit.configure({ gap: 1 })).rejects.toThrow(
      's1: has no writable configuration "gap" (it has: speed)',
    );
  });
});
