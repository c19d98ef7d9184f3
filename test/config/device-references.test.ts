import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { DriverSpec } from "../../src/config/index.js";
import {
  DriverRegistry,
  buildDevices,
  dependencyOrder,
  loadConfig,
  referenceCycles,
} from "../../src/config/index.js";
import { Device, VirtualClock } from "../../src/core/index.js";
import { fixture, problemLines } from "./fixture.js";

const node = (name: string, ...references: string[]) => ({ name, references });

describe("referenceCycles", () => {
  it("finds each cycle once, self-references included", () => {
    const devices = [
      node("a", "b"),
      node("b", "c"),
      node("c", "a"),
      node("d", "d"),
      node("e", "a"),
    ];
    expect(referenceCycles(devices)).toEqual([
      ["a", "b", "c", "a"],
      ["d", "d"],
    ]);
    expect(referenceCycles([node("a", "b"), node("b"), node("c", "a", "zz")])).toEqual([]);
  });
});

describe("dependencyOrder", () => {
  it("puts each device after the ones it references, otherwise keeping the given order", () => {
    const devices = [node("det", "m2", "m1"), node("m1"), node("x"), node("m2", "m1")];
    expect(dependencyOrder(devices).map((d) => d.name)).toEqual(["m1", "m2", "det", "x"]);
  });

  it("ignores unknown names and survives a cycle", () => {
    const devices = [node("a", "b"), node("b", "a"), node("c", "nowhere")];
    expect(dependencyOrder(devices).map((d) => d.name)).toEqual(["b", "a", "c"]);
  });
});

/** A device that follows another: a one-reference driver for the tests. */
class Follower extends Device {
  constructor(
    name: string,
    readonly leader: Device | undefined,
  ) {
    super({ name });
  }
}

const followerDriver: DriverSpec<{ follows?: string }> = {
  name: "test.follower",
  description: "a device that follows another",
  params: z.strictObject({ follows: z.string().optional() }),
  references: ({ follows }) => (follows ? [follows] : []),
  build: ({ name, params, device }) =>
    new Follower(name, params.follows ? device(params.follows) : undefined),
};

describe("device references in a config", () => {
  it("reports a reference to an unknown device at the name, with close names", async () => {
    const file = fixture("references.yaml");
    expect(await problemLines(loadConfig(file))).toEqual([
      `${file}:5:20 devices.det.peak.motors.1: unknown device "m3" (did you mean "m1" or "m2"?)`,
    ]);
  });

  it("reports each reference cycle once, at the reference that closes into it", async () => {
    const file = fixture("cycle.yaml");
    const registry = new DriverRegistry().register(followerDriver);
    expect(await problemLines(loadConfig(file, { registry }))).toEqual([
      `${file}:4:14 devices.a.follows: reference cycle: a → b → c → a`,
      `${file}:13:14 devices.d.follows: reference cycle: d → d`,
    ]);
  });

  it("builds referenced devices first and hands them to the driver", async () => {
    const registry = new DriverRegistry().register(followerDriver);
    const config = await loadConfig(fixture("follow-chain.yaml"), { registry });
    expect(config.devices.map((d) => [d.name, d.references])).toEqual([
      ["c", ["b"]],
      ["b", ["a"]],
      ["a", []],
    ]);
    const beamline = await buildDevices(config, { clock: new VirtualClock(), registry });
    const c = beamline.get("c") as Follower;
    expect(c.leader).toBe(beamline.get("b"));
    expect((beamline.get("b") as Follower).leader).toBe(beamline.get("a"));
    expect([...beamline.devices.keys()]).toEqual(["c", "b", "a"]);
  });
});
