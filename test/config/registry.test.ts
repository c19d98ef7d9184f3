import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DriverRegistry, driverRegistry } from "../../src/config/index.js";
import { Device } from "../../src/core/index.js";

describe("DriverRegistry", () => {
  it("holds the sim drivers and the real ones by default", () => {
    expect(driverRegistry.names()).toEqual([
      "epics.detector",
      "epics.motor",
      "epics.signal",
      "eurotherm.3200",
      "keithley.6485",
      "lakeshore.336",
      "newport.smc100",
      "sim.camera",
      "sim.detector",
      "sim.motor",
      "sim.slits",
      "sim.temperature",
    ]);
    expect(driverRegistry.get("sim.motor")?.description).toMatch(/motor/);
  });

  it("refuses a second driver of the same name", () => {
    const spec = {
      name: "test.thing",
      description: "a thing",
      params: z.strictObject({}),
      build: ({ name }: { name: string }) => new Device({ name }),
    };
    const registry = new DriverRegistry().register(spec);
    expect(registry.has("test.thing")).toBe(true);
    expect(() => registry.register(spec)).toThrow('a driver "test.thing" is already registered');
  });

  it("names close drivers for an unknown one, or lists them all", () => {
    expect(driverRegistry.unknownDriverMessage("sim.moter")).toBe(
      'unknown driver "sim.moter" (did you mean "sim.motor"?)',
    );
    expect(driverRegistry.unknownDriverMessage("sim.detecter")).toBe(
      'unknown driver "sim.detecter" (did you mean "sim.detector"?)',
    );
    expect(driverRegistry.unknownDriverMessage("acme.widget")).toBe(
      'unknown driver "acme.widget" (known drivers: epics.detector, epics.motor, epics.signal, eurotherm.3200, keithley.6485, lakeshore.336, newport.smc100, sim.camera, sim.detector, sim.motor, sim.slits, sim.temperature)',
    );
  });
});
