import { describe, expect, it } from "vitest";
import { AcfError, DEFAULT_GROUP, loadAcf, parseAcf } from "../../../src/ioc/access/index.js";

/** The located problems parseAcf reports for `text`, as `line:col message`. */
function problemsOf(text: string, macros?: ReadonlyMap<string, string>): string[] {
  try {
    parseAcf(text, { file: "t.acf", ...(macros ? { macros } : {}) });
  } catch (e) {
    if (!(e instanceof AcfError)) throw e;
    expect(e.message.split("\n")[0]).toMatch(/^t\.acf:\d+:\d+: /);
    return e.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  }
  return [];
}

describe("parseAcf accepts what asLib accepts", () => {
  it("reads UAGs, HAGs and groups with inputs, levels, options and conditions", () => {
    const config = parseAcf(
      `# operators and their consoles
UAG(ops) { alice, "bob", "x-y.z" }
UAG(empty)
HAG("consoles") { Console1, 10.0.0.5 }
ASG(DEFAULT) { RULE(1, READ) }
ASG(OPS) {
  INPA("BL:enable") INPB(BL:mode)
  RULE(0, WRITE, TRAPWRITE) { UAG(ops, empty) HAG(consoles) CALC("A=1&&B<2") }
  RULE(1, "READ", NOTRAPWRITE)
  RULE(01, NONE)
}
ASG(LOCKED)`,
      { file: "t.acf" },
    );
    expect(config.uags).toEqual(
      new Map([
        ["ops", ["alice", "bob", "x-y.z"]],
        ["empty", []],
      ]),
    );
    expect(config.hags).toEqual(new Map([["consoles", ["Console1", "10.0.0.5"]]]));
    expect([...config.groups.keys()]).toEqual([DEFAULT_GROUP, "OPS", "LOCKED"]);
    const ops = config.groups.get("OPS")!;
    expect(ops.inputs.map((i) => `${i.input}=${i.pv} @${i.at.line}:${i.at.col}`)).toEqual([
      "A=BL:enable @7:3",
      "B=BL:mode @7:21",
    ]);
    expect(
      ops.rules.map((r) => [r.level, r.access, r.trapWrite, r.uags, r.hags, r.calc?.source]),
    ).toEqual([
      [0, "WRITE", true, ["ops", "empty"], ["consoles"], "A=1&&B<2"],
      [1, "READ", false, [], [], undefined],
      [1, "NONE", false, [], [], undefined],
    ]);
    expect(config.groups.get("LOCKED")!.rules).toEqual([]);
  });

  it("keeps a quoted name's backslashes, and reads INPAB or UAGX as names", () => {
    const config = parseAcf('UAG(u) { "a\\"b", INPAB, UAGX }');
    expect(config.uags.get("u")).toEqual(['a\\"b', "INPAB", "UAGX"]);
  });

  it("makes an empty DEFAULT when the file has none, and lets the file fill DEFAULT once", () => {
    expect(parseAcf("ASG(A) { RULE(1, WRITE) }").groups.get(DEFAULT_GROUP)?.rules).toEqual([]);
    const config = parseAcf("ASG(DEFAULT)\nASG(DEFAULT) { RULE(1, READ) }");
    expect(config.groups.get(DEFAULT_GROUP)?.rules.map((r) => r.access)).toEqual(["READ"]);
  });

  it("warns of what asLib accepts but reports, and keeps the later INP and CALC", () => {
    const config = parseAcf(
      `UAG(u) { a, a }
ASG(G) { INPA("x") INPA("y") RULE(1, WRITE) { CALC("A=1") CALC("A=2") } }`,
      { file: "t.acf" },
    );
    expect(config.warnings.map((w) => `${w.line}:${w.col} ${w.message}`)).toEqual([
      "1:13 user 'a' is listed twice in UAG",
      "2:20 INPA is given twice in ASG 'G': this one is used",
    ]);
    const group = config.groups.get("G")!;
    expect(group.inputs.map((i) => i.pv)).toEqual(["y"]);
    expect(group.rules[0]!.calc?.source).toBe("A=2");
  });

  it("expands macros line by line when given them, as softIoc -m does for -a", () => {
    const config = parseAcf('UAG(u) { "$(USER)" }\nASG(G) { INPA("$(P)en") RULE(1, READ) }', {
      macros: new Map([
        ["USER", "alice"],
        ["P", "BL:"],
      ]),
    });
    expect(config.uags.get("u")).toEqual(["alice"]);
    expect(config.groups.get("G")!.inputs[0]!.pv).toBe("BL:en");
  });

  it("reads a file through the given file access, and reports a missing one", () => {
    const files = { read: (path: string) => (path === "a.acf" ? "ASG(A)" : undefined) };
    expect(loadAcf("a.acf", { files }).groups.has("A")).toBe(true);
    expect(() => loadAcf("b.acf", { files })).toThrow("b.acf:1:1: no such file");
  });
});

describe("parseAcf refuses what asLib refuses, each problem at its place", () => {
  const cases: readonly (readonly [string, string, readonly string[]])[] = [
    [
      "an empty file",
      "# nothing\n",
      ["2:1 syntax error: expected UAG, HAG or ASG, found the end of the file"],
    ],
    ["a lower-case keyword", "asg(A)", ["1:1 syntax error: expected UAG, HAG or ASG, found 'asg'"]],
    [
      "a number as a user",
      "UAG(u) { 123 }",
      ["1:10 syntax error: expected a user name, found '123'"],
    ],
    ["a trailing comma", "UAG(u) { a, }", ["1:13 syntax error: expected a user name, found '}'"]],
    [
      "an empty ASG body",
      "ASG(A) { }",
      ["1:10 syntax error: expected INPA..INPL or RULE, found '}'"],
    ],
    [
      "an empty rule body",
      "ASG(A) { RULE(1, READ) { } }",
      ["1:26 syntax error: expected UAG, HAG or CALC in the rule's body, found '}'"],
    ],
    [
      "INPM, beyond INPL",
      'ASG(A) { INPM("x") }',
      ["1:10 syntax error: expected INPA..INPL or RULE, found 'INPM'"],
    ],
    [
      "a negative level",
      "ASG(A) { RULE(-1, READ) }",
      ["1:15 syntax error: expected the rule's level, 0 or 1, found '-1'"],
    ],
    [
      "a fractional level",
      "ASG(A) { RULE(1.0, READ) }",
      ["1:15 syntax error: expected the rule's level, 0 or 1, found '1.0'"],
    ],
    [
      "a quoted level",
      'ASG(A) { RULE("1", READ) }',
      ["1:15 syntax error: expected the rule's level, 0 or 1, found '\"1\"'"],
    ],
    [
      "an unknown access",
      "ASG(A) { RULE(1, RPC) }",
      ["1:18 access rights must be NONE, READ or WRITE"],
    ],
    [
      "an unknown option",
      "ASG(A) { RULE(1, READ, LOG) }",
      ["1:24 log options must be TRAPWRITE or NOTRAPWRITE"],
    ],
    [
      "an undefined UAG",
      "ASG(A) { RULE(1, READ) { UAG(x) } }",
      ["1:30 no User Access Group named 'x' defined"],
    ],
    [
      "a HAG used before it is defined",
      "ASG(A) { RULE(1, READ) { HAG(h) } }\nHAG(h) { a }",
      ["1:30 no Host Access Group named 'h' defined"],
    ],
    [
      "a bad CALC",
      'ASG(A) { RULE(1, READ) { CALC("A+") } }',
      ["1:34 expected an operand in CALC expression 'A+'"],
    ],
    [
      "a CALC that stores",
      'ASG(A) { RULE(1, READ) { CALC("A:=1;A") } }',
      ["1:31 assignment operator used in CALC expression 'A:=1;A'"],
    ],
    [
      "a UAG defined twice",
      "UAG(a) { x }\nUAG(a) { y }",
      ["2:5 duplicate User Access Group named 'a'"],
    ],
    [
      "a HAG defined twice",
      "HAG(a) { x }\nHAG(a) { y }",
      ["2:5 duplicate Host Access Group named 'a'"],
    ],
    [
      "an ASG defined twice",
      "ASG(a) { RULE(1,READ) }\nASG(a)",
      ["2:5 duplicate Access Security Group named 'a'"],
    ],
    [
      "DEFAULT given rules twice",
      "ASG(DEFAULT) { RULE(1,READ) }\nASG(DEFAULT) { RULE(1,WRITE) }",
      ["2:5 duplicate Access Security Group named 'DEFAULT'"],
    ],
    [
      "an invalid character",
      "ASG(A) @ ASG(B) {",
      [
        "1:8 invalid character '@'",
        "1:18 syntax error: expected INPA..INPL or RULE, found the end of the file",
      ],
    ],
    [
      "an unclosed string",
      'UAG(u) { "abc\n}',
      ["1:10 newline in quoted string, closing quote missing"],
    ],
    [
      "a missing parenthesis",
      "UAG(u { a }",
      ["1:7 syntax error: expected ')' after the UAG's name, found '{'"],
    ],
    ["an undefined macro", "UAG(u) { $(WHO) }", ["1:10 macro WHO is undefined"]],
    [
      "several problems before a syntax error",
      "UAG(a)\nUAG(a)\nASG(G) { RULE(1, WRITE) { UAG(b) } }\nASG(G) {",
      [
        "2:5 duplicate User Access Group named 'a'",
        "3:31 no User Access Group named 'b' defined",
        "4:5 duplicate Access Security Group named 'G'",
        "4:9 syntax error: expected INPA..INPL or RULE, found the end of the file",
      ],
    ],
  ];
  it.each(cases)("%s", (_name, text, expected) => {
    const macros = text.includes("$(") ? new Map<string, string>() : undefined;
    expect(problemsOf(text, macros)).toEqual(expected);
  });
});
