import { describe, expect, it } from "vitest";
import { z } from "zod";
import { closeNames, levenshtein } from "../../src/config/index.js";
import { issueProblems } from "../../src/config/config-error.js";

/** The messages of a failed parse, as "path: message". */
function messages(schema: z.ZodType, value: unknown, keys?: readonly string[]): string[] {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return [];
  return issueProblems(result.error.issues, () => keys).map(
    ({ path, message, at }) => `${path.join(".")}${at === "key" ? " (key)" : ""}: ${message}`,
  );
}

describe("issueProblems", () => {
  it("names the expected type and the value found", () => {
    const schema = z.object({
      a: z.number(),
      b: z.string(),
      c: z.array(z.number()),
      d: z.object({}),
    });
    expect(messages(schema, { a: "fast", b: 3, c: {}, d: [] })).toEqual([
      'a: expected a number, got "fast"',
      "b: expected a string, got 3",
      "c: expected a list, got a mapping",
      "d: expected a mapping, got a list",
    ]);
    expect(messages(schema, { b: "", c: [], d: {} })).toEqual(["a: missing, expected a number"]);
    expect(messages(z.object({ a: z.number() }), { a: null })).toEqual([
      "a: expected a number, got null",
    ]);
  });

  it("states bounds and choices", () => {
    expect(messages(z.number().positive(), -1)).toEqual([": expected a number > 0, got -1"]);
    expect(messages(z.number().int().min(5).max(8), 9)).toEqual([
      ": expected a number <= 8, got 9",
    ]);
    expect(messages(z.array(z.number()).min(1), [])).toEqual([": expected at least 1 item, got 0"]);
    expect(messages(z.tuple([z.number(), z.number()]), [1])).toEqual([
      ": expected at least 2 items, got 1",
    ]);
    expect(messages(z.string().min(1), "")).toEqual([': expected a non-empty string, got ""']);
    expect(messages(z.enum(["none", "odd"]), "even")).toEqual([
      ': expected one of "none", "odd", got "even"',
    ]);
    expect(messages(z.literal("sim"), "real")).toEqual([': expected "sim", got "real"']);
  });

  it("places unknown keys at the key, with the close known ones", () => {
    const schema = z.strictObject({ velocity: z.number().optional() });
    expect(messages(schema, { velocty: 1 }, ["velocity", "acceleration"])).toEqual([
      'velocty (key): unknown key "velocty" (did you mean "velocity"?)',
    ]);
    expect(messages(schema, { zz: 1 }, ["velocity", "acceleration"])).toEqual([
      'zz (key): unknown key "zz" (expected one of: velocity, acceleration)',
    ]);
  });

  it("describes unions by what they accept, or by the branch that got furthest", () => {
    const perAxis = z.union([z.number(), z.tuple([z.number(), z.number()])]);
    expect(messages(perAxis, "x")).toEqual([': expected a number or a list, got "x"']);
    expect(messages(perAxis, [1, "a"])).toEqual(['1: expected a number, got "a"']);
    const tagged = z.discriminatedUnion("type", [
      z.object({ type: z.literal("tcp") }),
      z.object({ type: z.literal("ca") }),
    ]);
    expect(messages(tagged, { type: "usb" })).toEqual([
      'type: expected one of "tcp", "ca", got "usb"',
    ]);
    expect(messages(tagged, {})).toEqual(['type: missing, expected one of "tcp", "ca"']);
  });
});

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
