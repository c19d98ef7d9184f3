import { describe, expect, it } from "vitest";
import {
  parseSaveFile,
  renderSaveFile,
  type SaveEntry,
  type SavedValue,
} from "../../../src/ioc/autosave/index.js";

const ok = (text: string): Map<string, SavedValue> => {
  const parsed = parseSaveFile(text, "t.sav");
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.values;
};

const problemOf = (text: string): string => {
  const parsed = parseSaveFile(text, "t.sav");
  if (parsed.ok) throw new Error("expected a problem");
  return parsed.problem;
};

describe("save file format", () => {
  it("writes autosave's header, PV lines, arrays and the <END> line", () => {
    const text = renderSaveFile(
      [
        { pv: "BL:m1.VELO", value: "2.5" },
        { pv: "BL:wf.VAL", value: ["1", "2.5"] },
        { pv: "BL:empty.VAL", value: [] },
      ],
      "261206-213709",
    );
    expect(text).toBe(
      "# save/restore V5.10\tAutomatically generated - DO NOT MODIFY - 261206-213709\n" +
        "BL:m1.VELO 2.5\n" +
        'BL:wf.VAL @array@ { "1" "2.5" }\n' +
        "BL:empty.VAL @array@ { }\n" +
        "<END>\n",
    );
  });

  it("reads back what it writes: scalars, spaces, quotes, backslashes, line breaks, arrays", () => {
    const entries: SaveEntry[] = [
      { pv: "r.VAL", value: "1.25" },
      { pv: "r.DESC", value: '  two  spaces, "quoted" and trailing  ' },
      { pv: "r.EGU", value: "" },
      { pv: "r.CALC", value: "A\\B" },
      { pv: "r.STR", value: "line\nbreak\ttab\x01" },
      { pv: "r.AT", value: "@array@ { }" },
      { pv: "r.ARR", value: ['a "b"', "c\\d", "{x}", " ", "", "new\nline"] },
    ];
    const values = ok(renderSaveFile(entries, "000101-000000"));
    expect([...values]).toEqual(entries.map((e) => [e.pv, e.value]));
  });

  it("reads files as autosave writes and edits them: comments, no field, CRLF, split arrays", () => {
    const text = [
      "# save/restore V5.7\tAutomatically generated - DO NOT MODIFY - 150812-101010",
      "! 1 channel(s) not connected - or not all gets were successful",
      "#xxx:gone.VAL ",
      '#xxx:old.VAL @array@ { "9" ',
      '"9" }',
      "xxx:m1 1.5",
      "xxx:m1.DESC$ a long description",
      'xxx:interp.C @array@ { "1" "0.99"',
      '   "0.98" }',
      "",
      "<END>",
      "",
    ].join("\r\n");
    const parsed = parseSaveFile(text, "t.sav");
    expect(parsed).toEqual({
      ok: true,
      values: new Map<string, SavedValue>([
        ["xxx:m1.VAL", "1.5"],
        ["xxx:m1.DESC", "a long description"],
        ["xxx:interp.C", ["1", "0.99", "0.98"]],
      ]),
      warnings: [
        "t.sav:2: the save was incomplete: ! 1 channel(s) not connected - or not all gets were successful",
      ],
    });
  });

  it("rejects a file with no <END> line, naming its last line", () => {
    expect(problemOf("# save/restore V5.10\nr.VAL 1\nr.EGU mm\n")).toBe(
      "t.sav:3: no <END> line: the file was cut short, so none of it is restored",
    );
    expect(problemOf("")).toMatch(/^t\.sav:1: no <END> line/);
    // Cut inside an array: the array is not closed.
    expect(problemOf('r.VAL 1\nr.ARR @array@ { "1" "2')).toBe(
      "t.sav:2: an array element is not closed",
    );
  });

  it("rejects malformed lines with file:line", () => {
    expect(problemOf("r.VAL 1\n%bad 2\n<END>\n")).toBe('t.sav:2: "%bad" is not a PV name');
    expect(problemOf("r.ARR @array@ 1 2\n<END>\n")).toBe('t.sav:1: expected "{" after @array@');
    expect(problemOf('r.ARR @array@ { "1" 2 }\n<END>\n')).toBe(
      't.sav:1: unexpected "2" in an array: elements are "quoted"',
    );
    expect(problemOf('r.ARR @array@ { "1" } x\n<END>\n')).toBe(
      't.sav:1: text after the array\'s "}"',
    );
    expect(problemOf("r.VAL 1\n<END>\nr.VAL 2\n")).toBe("t.sav:3: text after the <END> line");
  });
});
