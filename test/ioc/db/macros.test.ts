import { describe, expect, it } from "vitest";
import { expandMacros, parseMacroDefinitions } from "../../../src/ioc/db/index.js";

const m = (o: Record<string, string>): Map<string, string> => new Map(Object.entries(o));

describe("expandMacros", () => {
  it.each([
    ["$(P)m1", { P: "BL:" }, "BL:m1"],
    ["${P}m1", { P: "BL:" }, "BL:m1"],
    ["$(P=X:)m1", {}, "X:m1"],
    ["$(P=X:)m1", { P: "BL:" }, "BL:m1"],
    ["$(A$(B))", { B: "1", A1: "one" }, "one"],
    ["$(Q=$(P)q)", { P: "BL:" }, "BL:q"],
    ["$(V)", { V: "$(P)x", P: "BL:" }, "BL:x"],
    ["$P and $", { P: "no" }, "$P and $"],
    ["${A=(x)}", {}, "(x)"],
    ["$(E=)", {}, ""],
  ])("%s", (text, macros, expected) => {
    const result = expandMacros(text, m(macros));
    expect(result.problems).toEqual([]);
    expect(result.text).toBe(expected);
  });

  it("leaves $(NAME,undefined) for an undefined macro, as macLib does, and reports it", () => {
    const result = expandMacros("a:$(P)b", new Map());
    expect(result.text).toBe("a:$(P,undefined)b");
    expect(result.problems).toEqual([{ index: 2, message: "macro P is undefined" }]);
  });

  it("reports a macro defined by itself", () => {
    const result = expandMacros("$(A)", m({ A: "x$(B)", B: "$(A)" }));
    expect(result.problems[0]?.message).toBe("macro A refers to itself (A -> B -> A)");
  });

  it("reports an unclosed reference", () => {
    expect(expandMacros("x$(P", new Map()).problems[0]).toEqual({
      index: 1,
      message: "macro reference $(P is not closed",
    });
  });
});

describe("parseMacroDefinitions", () => {
  it("reads -m P=BL:,M=m1", () => {
    expect(parseMacroDefinitions("P=BL:,M=m1")).toEqual({
      macros: m({ P: "BL:", M: "m1" }),
      problems: [],
    });
  });

  it("drops spaces around names and values, keeps quoted text and escaped characters", () => {
    const { macros, problems } = parseMacroDefinitions(` A = x y , B="1, 2", C='q', D=a\\,b,E=`);
    expect(problems).toEqual([]);
    expect(macros).toEqual(m({ A: "x y", B: "1, 2", C: "q", D: "a,b", E: "" }));
  });

  it("reports a definition without = and an unterminated quote", () => {
    const { macros, problems } = parseMacroDefinitions(`P,M="m1`);
    expect(macros).toEqual(m({ M: "m1" }));
    expect(problems).toEqual([
      { index: 0, message: 'macro definition "P" has no "=" and value' },
      { index: 4, message: 'value of macro M has an unterminated "' },
    ]);
  });
});
