// pythonJson against CPython's own json.dumps: the tricky values are written by both, and
// the texts must be the same bytes.
import { execFileSync } from "node:child_process";
import { debianPython } from "../support/peers.js";
import { describe, expect, it } from "vitest";
import { pythonFloatRepr, pythonJson } from "../../src/server/python-json.js";

const python = "/usr/bin/python3";

/** json.dumps of each Python expression, one per line, from /usr/bin/python3. */
function cpythonDumps(expressions: readonly string[]): string[] {
  const script = [
    "import json, sys",
    "for line in sys.stdin.read().splitlines():",
    "    print(json.dumps(eval(line)))",
  ].join("\n");
  const out = execFileSync(python, ["-c", script], {
    input: expressions.join("\n"),
    encoding: "utf8",
  });
  return out.split("\n").slice(0, -1);
}

describe.skipIf(!debianPython().available)(
  "pythonJson writes what CPython's json.dumps writes",
  () => {
    it("for floats, ints, strings and nested containers", () => {
      // [Python expression, the same value for pythonJson]
      const cases: [string, Parameters<typeof pythonJson>[0]][] = [
        ['float("nan")', NaN],
        ['float("inf")', Infinity],
        ['-float("inf")', -Infinity],
        ["-0.0", -0],
        ["1e21", 1e21],
        ["1.5e-7", 1.5e-7],
        ["1e16", 1e16],
        ["9007199254740993", 9007199254740993n],
        ["0.1 + 0.2", 0.1 + 0.2],
        ["123456789.125", 123456789.125],
        ["7", 7],
        [
          String.raw`"caf\u00e9 \U0001f600 \x7f \x01 / \t \"q\" \\ \ud800"`,
          'caf\u00e9 \u{1f600} \x7f \x01 / \t "q" \\ \ud800',
        ],
        [
          '{"b": [1, "a", None, False, {}], "a": {"x": [2.5, []]}, "\u00e9": True}',
          { b: [1, "a", null, false, {}], a: { x: [2.5, []] }, "\u00e9": true },
        ],
        [
          '{"z": 1, "a": 2}',
          new Map([
            ["z", 1],
            ["a", 2],
          ]),
        ],
      ];
      const expected = cpythonDumps(cases.map(([expression]) => expression));
      expect(cases.map(([, value]) => pythonJson(value))).toEqual(expected);
    });

    it("writes every number as a float when told to, as Python does for float values", () => {
      const values = [1, -3, 0, 2 ** 53, 1e15 + 0.5, 5e-324, 1.7976931348623157e308];
      const [expected] = cpythonDumps([`[${values.map((x) => `float(${x})`).join(", ")}]`]);
      expect(pythonJson(values, { numbers: "float" })).toBe(expected);
      expect(pythonFloatRepr(1)).toBe("1.0");
    });
  },
);

describe("pythonJson without Python", () => {
  it("leaves out undefined members and refuses what it cannot write, unless default converts it", () => {
    expect(pythonJson({ type: "status", seq: undefined })).toBe('{"type": "status"}');
    class Tagged {
      constructor(readonly value: bigint) {}
    }
    expect(() => pythonJson<Tagged>([new Tagged(1n)])).toThrow(
      "Object of type Tagged is not JSON serializable",
    );
    expect(pythonJson([new Tagged(2n)], { default: (tagged) => tagged.value })).toBe("[2]");
  });
});
