import { describe, expect, it } from "vitest";
import { closeNames, levenshtein } from "../../src/config/index.js";

describe("levenshtein", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(levenshtein("", "")).toBe(0);
    expect(levenshtein("abc", "")).toBe(3);
    expect(levenshtein("kitten", "sitting")).toBe(3);
    expect(levenshtein("sim.moter", "sim.motor")).toBe(1);
    expect(levenshtein("flaw", "lawn")).toBe(2);
  });
});

describe("closeNames", () => {
  const drivers = ["sim.motor", "sim.detector", "sim.temperature", "sim.slits", "acme.stage"];

  it("suggests names within three edits, closest first", () => {
    expect(closeNames("sim.moter", drivers)).toEqual(["sim.motor"]);
    expect(closeNames("sim.slit", drivers)).toEqual(["sim.slits"]);
    expect(closeNames("keithley.6485", drivers)).toEqual([]);
  });

  it("suggests names sharing a prefix however far apart", () => {
    expect(closeNames("sim.temp", drivers)).toEqual(["sim.temperature"]);
    expect(closeNames("acme", drivers)).toEqual(["acme.stage"]);
  });

  it("allows short names fewer edits", () => {
    expect(closeNames("m3", ["m1", "m2", "det", "i0"])).toEqual(["m1", "m2"]);
  });
});
