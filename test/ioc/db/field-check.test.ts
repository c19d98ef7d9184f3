import { describe, expect, it } from "vitest";
import {
  DatabaseLoader,
  checkDatabase,
  formatProblem,
  recordTypeTables,
} from "../../../src/ioc/db/index.js";

function check(text: string): string[] {
  const loader = new DatabaseLoader({ files: { read: () => undefined } });
  loader.loadText(text, "t.db");
  checkDatabase(loader.database, loader.problems);
  return loader.problems.problems().map(formatProblem);
}

const fieldProblems = (type: string, field: string, value: string): string[] =>
  check(`record(${type}, r) { field(${field}, "${value}") }`);

describe("checkDatabase", () => {
  it("has a table for each record type the IOC serves", () => {
    expect(Object.keys(recordTypeTables).sort()).toEqual(
      "aai aao ai ao bi bo calc calcout fanout int64in int64out longin longout lsi lso mbbi mbbo motor seq stringin stringout waveform"
        .split(" ")
        .sort(),
    );
  });

  it("accepts a plain record", () => {
    expect(
      check(`record(ai, "BL:t") {
  field(DESC, "Temperature")
  field(SCAN, "1 second")
  field(PREC, "3")
  field(HOPR, "1e3")
  field(HHSV, "MAJOR")
  field(INP, "BL:raw CP MS")
  field(DTYP, "Soft Channel")
  field(FLNK, "BL:next")
  field(RTYP, "ai")
}`),
    ).toEqual([]);
  });

  it.each([
    ["an unknown type", `record(foo, r) {}`, 't.db:1:1: record "r" has unknown type "foo"'],
    [
      "an unknown field",
      `record(ai, r) { field(FOO, 1) }`,
      't.db:1:23: record "r" (ai): ai records have no field "FOO"',
    ],
    [
      "a field in lower case",
      `record(ai, r) { field(desc, 1) }`,
      't.db:1:23: record "r" (ai): ai records have no field "desc" (field names are upper case: DESC)',
    ],
    [
      "NAME",
      `record(ai, r) { field(NAME, x) }`,
      `t.db:1:23: record "r" (ai): field NAME cannot be set: the record's name is "r"`,
    ],
    [
      "an internal field",
      `record(ai, r) { field(DPVT, 1) }`,
      't.db:1:23: record "r" (ai): field DPVT is internal and cannot be set from a database file',
    ],
  ])("reports %s", (_what, text, expected) => {
    const problems = check(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it.each([
    ["ai", "SCAN", "2 seconds", 'is not a choice of menu menuScan; did you mean "2 second"?'],
    ["ai", "SCAN", "passive", 'is not a choice of menu menuScan; did you mean "Passive"?'],
    ["ai", "SCAN", "11", "is no index of menu menuScan (-1..10)"],
    ["ai", "UDFS", "-2", "is no index of menu menuAlarmSevr (-1..4)"],
    ["ai", "UDFS", "1.0", "is not a choice of menu menuAlarmSevr"],
    ["ai", "PREC", "x", "is not an integer"],
    ["ai", "PREC", "3.5", "is not an integer"],
    ["ai", "PREC", "1e1", "is not an integer"],
    ["ai", "HOPR", "abc", "is not a number"],
    ["ai", "HOPR", "1.5.2", "is not a number"],
    ["ai", "HOPR", "1,5", "is not a number"],
    ["ai", "HOPR", "1e400", "is out of the range of a double"],
    ["int64in", "VAL", "9223372036854775808", "is out of the range of a 64-bit integer"],
    ["ai", "DESC", "x".repeat(41), "is 41 characters long; DESC holds at most 40"],
    ["ai", "DTYP", "Bogus", 'is no device support of ai records (softIoc has: "Soft Channel"'],
  ])("refuses %s.%s = %j", (type, field, value, why) => {
    const problems = fieldProblems(type, field, value);
    expect(problems).toHaveLength(1);
    const col = `record(${type}, r) { field(`.length + 1;
    expect(problems[0]).toContain(
      `t.db:1:${col}: record "r" (${type}): field ${field} value "${value}" ${why}`,
    );
  });

  // Values softIoc takes (each tried against EPICS base 7).
  it.each([
    ["ai", "PREC", " 3"],
    ["ai", "PREC", "0x10"],
    ["ai", "PREC", "70000"],
    ["ai", "PREC", "-1"],
    ["ai", "PREC", ""],
    ["ai", "HOPR", "inf"],
    ["ai", "HOPR", "NaN"],
    ["ai", "HOPR", "0x1p3"],
    ["ai", "HOPR", ".5"],
    ["ai", "HOPR", "5."],
    ["ai", "HOPR", "2 "],
    ["ai", "SCAN", "3"],
    ["ai", "SCAN", "10"],
    ["ai", "SCAN", "-1"],
    ["ai", "SCAN", ""],
    ["ai", "UDFS", " 1"],
    ["ai", "DESC", "x".repeat(40)],
    ["waveform", "NELM", "4294967296"],
    ["waveform", "FTVL", "DOUBLE"],
    ["int64in", "VAL", "9223372036854775807"],
    ["longin", "VAL", "0x7fffffff"],
    ["mbbo", "ZRST", "Off"],
    ["calcout", "OOPT", "When Non-zero"],
  ])("accepts %s.%s = %j", (type, field, value) => {
    expect(fieldProblems(type, field, value)).toEqual([]);
  });
});
