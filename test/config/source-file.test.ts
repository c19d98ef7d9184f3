import { describe, expect, it } from "vitest";
import { SourceFile } from "../../src/config/source-file.js";

const text = `devices:
  m1:
    driver: sim.motor
    limits: [-1, 1]
    baud:
    peak:
      sigma: 2
`;

describe("SourceFile", () => {
  const source = SourceFile.fromText(text, "/abs/x.yaml", "x.yaml");

  it("locates values, keys, list items, and a missing value at its parent's key", () => {
    expect(source.locate(["devices", "m1", "driver"])).toEqual({ line: 3, col: 13 });
    expect(source.locate(["devices", "m1", "driver"], "key")).toEqual({ line: 3, col: 5 });
    expect(source.locate(["devices", "m1", "limits", 1])).toEqual({ line: 4, col: 18 });
    expect(source.locate(["devices", "m1", "baud"])).toEqual({ line: 5, col: 5 }); // empty value
    expect(source.locate(["devices", "m1", "peak", "centre"])).toEqual({ line: 6, col: 5 });
    expect(source.locate(["devices", "m9", "driver"])).toEqual({ line: 1, col: 1 });
  });

  it("finds the path of a scalar by its value", () => {
    expect(source.findScalar(["devices", "m1"], "sim.motor")).toEqual(["devices", "m1", "driver"]);
    expect(source.findScalar(["devices", "m1"], "nothing")).toBeUndefined();
  });

  it("reports syntax errors with positions", () => {
    const broken = SourceFile.fromText("a: [1, 2\nb: 3\n", "/abs/y.yaml", "y.yaml");
    expect(broken.syntaxErrors().length).toBeGreaterThan(0);
    expect(broken.syntaxErrors()[0]?.position.line).toBeGreaterThan(0);
  });
});
