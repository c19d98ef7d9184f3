// Python's json.dumps output, produced by CPython 3 with default arguments.
import { describe, expect, it } from "vitest";
import { pythonJson } from "../../../src/server/dispatcher/index.js";

describe("pythonJson", () => {
  it("separates with ', ' and ': ' and keeps key order", () => {
    expect(pythonJson({ success: true, status: "pause requested" })).toBe(
      '{"success": true, "status": "pause requested"}',
    );
    expect(pythonJson({ b: [1, "a", null, false], a: {} })).toBe(
      '{"b": [1, "a", null, false], "a": {}}',
    );
  });

  it("leaves out keys whose value is undefined", () => {
    expect(pythonJson({ type: "status", seq: undefined })).toBe('{"type": "status"}');
  });

  it("escapes as ensure_ascii does", () => {
    expect(pythonJson('caf\u00e9 \u{1f600} \x7f \x01 / \t "q" \\')).toBe(
      '"caf\\u00e9 \\ud83d\\ude00 \\u007f \\u0001 / \\t \\"q\\" \\\\"',
    );
  });

  it("prints floats as Python's repr and safe integers as ints", () => {
    const floats = [0.1, 1e-5, 0.0001, 1.5e300, -2.5e-7, 123456789.125, 1e15 + 0.5, 100.5];
    expect(pythonJson(floats)).toBe(
      "[0.1, 1e-05, 0.0001, 1.5e+300, -2.5e-07, 123456789.125, 1000000000000000.5, 100.5]",
    );
    expect(pythonJson([0, 50, -7, 1e16, -0])).toBe("[0, 50, -7, 1e+16, -0.0]");
  });
});
