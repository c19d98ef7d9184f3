import { describe, expect, it } from "vitest";
import {
  builtinPlans,
  describeDevice,
  describePlan,
  describePlans,
  pythonRepr,
} from "../../../src/plans/index.js";
import { rig } from "./rig.js";

const positionalOrKeyword = { name: "POSITIONAL_OR_KEYWORD", value: 1 };

describe("describeDevices", () => {
  it("describes each device as devices_allowed does, capabilities from the protocol guards", () => {
    const { table } = rig();
    expect(table.m1).toEqual({
      classname: "SimMotor",
      module: "hil.devices",
      is_readable: true,
      is_movable: true,
      is_flyable: true,
      is_triggerable: false,
      is_preparable: true,
      is_collectable: false,
    });
    expect(table.det).toMatchObject({
      classname: "SimDetector",
      is_movable: false,
      is_readable: true,
    });
    expect(table.gauge).toMatchObject({
      classname: "Object",
      is_readable: true,
      is_movable: false,
      is_flyable: false,
    });
    expect(describeDevice(rig().m1, "beamline").module).toBe("beamline");
  });
});

describe("describePlan", () => {
  it("gives the plans_allowed item: name, description, module, parameters, properties", () => {
    const { table } = rig();
    const scan = describePlan(builtinPlans.scan!, table);
    expect(scan).toEqual({
      name: "scan",
      description: "Scan a motor over num evenly spaced points from start to stop.",
      module: "hil.plans",
      properties: { is_generator: true },
      parameters: [
        {
          name: "detectors",
          kind: positionalOrKeyword,
          annotation: { type: "collections.abc.Sequence[__READABLE__]" },
          description: "the devices read at every point",
          convert_device_names: true,
          enum: ["m1", "m2", "det", "gauge"],
          type: {
            type: "array",
            items: { type: "string", enum: ["m1", "m2", "det", "gauge"] },
            minItems: 1,
          },
        },
        {
          name: "motor",
          kind: positionalOrKeyword,
          annotation: { type: "__MOVABLE__" },
          description: "the motor scanned",
          convert_device_names: true,
          enum: ["m1", "m2"],
          type: { type: "string", enum: ["m1", "m2"] },
        },
        {
          name: "start",
          kind: positionalOrKeyword,
          annotation: { type: "float" },
          description: "the first position",
          type: { type: "number" },
        },
        {
          name: "stop",
          kind: positionalOrKeyword,
          annotation: { type: "float" },
          description: "the last position",
          type: { type: "number" },
        },
        {
          name: "num",
          kind: positionalOrKeyword,
          annotation: { type: "int" },
          description: "the number of points",
          min: "1",
          type: { type: "integer", minimum: 1 },
        },
      ],
    });
  });

  it("writes defaults as Python text, keeping the JSON default in the type", () => {
    const { table } = rig();
    const count = describePlan(builtinPlans.count!, table).parameters;
    expect(count[1]).toMatchObject({ name: "num", default: "1", type: { default: 1 } });
    const fly = describePlan(builtinPlans.fly_scan!, table).parameters;
    expect(fly.find((p) => p.name === "time")).toMatchObject({ default: "None" });
    expect(fly.find((p) => p.name === "time")!.type).not.toHaveProperty("default");
    expect(fly.find((p) => p.name === "livetime")).toMatchObject({ default: "0.01" });
    const adaptive = describePlan(builtinPlans.adaptive_scan!, table).parameters;
    expect(adaptive.at(-1)).toMatchObject({ name: "backstep", default: "True" });
  });

  it("offers only the devices that fit: fliers and triggered detectors for fly_scan", () => {
    const { table } = rig();
    const fly = describePlan(builtinPlans.fly_scan!, table).parameters;
    expect(fly[0]).toMatchObject({
      annotation: { type: "collections.abc.Sequence[__FLYABLE__]" },
      enum: ["det"],
    });
    expect(fly[1]).toMatchObject({
      annotation: { type: "__FLYABLE__" },
      enum: ["m1", "m2", "det"],
    });
  });

  it("describes every plan of a catalog by name, as JSON", () => {
    const { table } = rig();
    const all = describePlans(builtinPlans, new Map(Object.entries(table)));
    expect(Object.keys(all)).toEqual(Object.keys(builtinPlans));
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
  });
});

describe("pythonRepr", () => {
  it("writes JSON values as Python literals", () => {
    expect(
      [null, true, false, 2, 0.5, "a'b", [1, "x"], { k: [null] }].map((v) => pythonRepr(v)),
    ).toEqual(["None", "True", "False", "2", "0.5", "'a\\'b'", "[1, 'x']", "{'k': [None]}"]);
  });
});
