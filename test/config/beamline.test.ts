import { describe, expect, it } from "vitest";
import { UnknownDeviceError, loadBeamline } from "../../src/config/index.js";
import { HilError, VirtualClock } from "../../src/core/index.js";
import { fixture } from "./fixture.js";

describe("Beamline", () => {
  it("finds devices by name and label, and names close names for a typo", async () => {
    const clock = new VirtualClock();
    const beamline = await loadBeamline(fixture("profile.yaml"), { profile: "sim", clock });
    expect(beamline.clock).toBe(clock);
    expect(beamline.has("m1")).toBe(true);
    expect(beamline.get("m1").name).toBe("m1");
    expect(beamline.withLabel("motors").map((d) => d.name)).toEqual(["m1", "m2"]);
    expect(beamline.withLabel("nothing")).toEqual([]);
    expect(beamline.config.devices[0]?.kind).toBe("hinted");
    const error = (() => {
      try {
        beamline.get("m3");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownDeviceError);
    expect(error).toBeInstanceOf(HilError);
    expect((error as UnknownDeviceError).message).toBe(
      `no device "m3" in ${fixture("profile.yaml")} (did you mean "m1" or "m2"?)`,
    );
    expect(() => beamline.get("zzzzz")).toThrow(
      `no device "zzzzz" in ${fixture("profile.yaml")} (devices: m1, m2, tc)`,
    );
  });
});
