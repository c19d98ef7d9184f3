import { describe, expect, it } from "vitest";
import { tokenize, unescapeString } from "../../../src/ioc/db/lexer.js";
import { DbProblemList } from "../../../src/ioc/db/problems.js";

function lex(text: string): { tokens: string[]; problems: string[] } {
  const problems = new DbProblemList();
  const tokens = tokenize(text, "t.db", problems).map(
    (t) => `${t.at.line}:${t.at.col} ${t.kind} ${t.text}`,
  );
  return { tokens, problems: problems.problems().map((p) => `${p.line}:${p.col} ${p.message}`) };
}

describe("tokenize", () => {
  it("splits words, strings and punctuation, with lines and columns, skipping comments", () => {
    expect(lex(`# head\nrecord(ai, "$(P)x") { # c\n  field(INP, a:b.VAL CP)\n}`)).toEqual({
      tokens: [
        "2:1 word record",
        "2:7 (",
        "2:8 word ai",
        "2:10 ,",
        "2:12 string $(P)x",
        "2:19 )",
        "2:21 {",
        "3:3 word field",
        "3:8 (",
        "3:9 word INP",
        "3:12 ,",
        "3:14 word a:b.VAL",
        "3:22 word CP",
        "3:24 )",
        "4:1 }",
      ].map((s) => s.replace(/ (\(|\)|\{|\}|,)$/, " $1 $1")),
      problems: [],
    });
  });

  it("keeps macro references, nested ones too, inside a bare word", () => {
    expect(lex("$(P=$(D))x:${Q}").tokens).toEqual(["1:1 word $(P=$(D))x:${Q}"]);
  });

  it("keeps a # inside a string", () => {
    expect(lex(`"a # b"`).tokens).toEqual(["1:1 string a # b"]);
  });

  it("reports an unterminated string, a stray character and an unclosed reference", () => {
    expect(lex(`"abc\nx @ $(P\n`).problems).toEqual([
      '1:1 unterminated string: no closing " on this line',
      '2:3 unexpected character "@"',
      "2:5 macro reference is not closed on this line",
    ]);
  });
});

describe("unescapeString", () => {
  it.each([
    ['a\\"b', 'a"b'],
    ["\\\\", "\\"],
    ["\\n\\t", "\n\t"],
    ["\\x41\\101", "AA"],
    ["\\q", "q"],
  ])("%s", (text, expected) => expect(unescapeString(text)).toBe(expected));
});
