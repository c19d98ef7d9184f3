import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  DatabaseLoader,
  DbError,
  type FileAccess,
  formatProblem,
  loadDatabase,
  nodeFileAccess,
} from "../../../src/ioc/db/index.js";
import { HilError } from "../../../src/core/index.js";

const filesOf = (files: Record<string, string>): FileAccess => ({ read: (p) => files[p] });

function load(text: string, macros: Record<string, string> = {}): DatabaseLoader {
  const loader = new DatabaseLoader({ files: filesOf({}) });
  loader.loadText(text, "t.db", new Map(Object.entries(macros)));
  return loader;
}

const problemsOf = (text: string, macros: Record<string, string> = {}): string[] =>
  load(text, macros).result().problems.map(formatProblem);

describe("DatabaseLoader", () => {
  it("reads records, fields, infos, aliases, grecord and top-level alias", () => {
    const { database, problems } = load(
      `record(ai, "$(P)temp") {
        field(DESC, "Temp \\"A\\"")
        field(EGU, degC)
        info(autosaveFields, "VAL")
        alias("$(P)t")
      }
      grecord(bo, $(P)on)
      alias("$(P)temp", "$(P)T")`,
      { P: "BL:" },
    ).result();
    expect(problems).toEqual([]);
    const temp = database.records.get("BL:temp")!;
    expect(temp.type).toBe("ai");
    expect(temp.at).toEqual({ file: "t.db", line: 1, col: 1 });
    expect([...temp.fields.values()]).toEqual([
      { name: "DESC", value: 'Temp "A"', at: { file: "t.db", line: 2, col: 15 } },
      { name: "EGU", value: "degC", at: { file: "t.db", line: 3, col: 15 } },
    ]);
    expect(temp.infos.get("autosaveFields")?.value).toBe("VAL");
    expect(temp.aliases).toEqual(["BL:t", "BL:T"]);
    expect(database.aliases).toEqual(
      new Map([
        ["BL:t", "BL:temp"],
        ["BL:T", "BL:temp"],
      ]),
    );
    expect(database.records.get("BL:on")?.type).toBe("bo");
  });

  it("takes a JSON link as the text written, macros expanded", () => {
    const { database, problems } = load(`record(ai, a) { field(INP, {const: "$(V)"}) }`, {
      V: "1.5",
    }).result();
    expect(problems).toEqual([]);
    expect(database.records.get("a")!.fields.get("INP")!.value).toBe('{const: "1.5"}');
  });

  it("reaches a record through its alias", () => {
    const { database, problems } = load(
      `record(ai, a) { alias(b) }\nrecord(ai, b) { field(EGU, mm) }`,
    ).result();
    expect(problems).toEqual([]);
    expect(database.records.get("a")!.fields.get("EGU")!.value).toBe("mm");
  });

  it("adds to a record defined again with the same type (or *), overriding fields", () => {
    const { database, problems } = load(`record(ai, a) { field(DESC, one) field(EGU, mm) }
record(ai, a) { field(DESC, two) }
record("*", a) { field(PREC, 3) }`).result();
    expect(problems).toEqual([]);
    const a = database.records.get("a")!;
    expect([...a.fields.values()].map((f) => `${f.name}=${f.value}@${f.at.line}`)).toEqual([
      "DESC=two@2",
      "EGU=mm@1",
      "PREC=3@3",
    ]);
  });

  it("takes a record without a body", () => {
    expect(load(`record(ai, a)\nrecord(bo, b) {}`).result().database.records.size).toBe(2);
  });

  it.each([
    [
      "a record of another type",
      `record(ai, a) {}\nrecord(ao, a) {}`,
      't.db:2:8: record "a" of type "ai" (t.db:1:1) defined again with type "ao"',
    ],
    [
      "an undefined macro, naming the record",
      `record(ai, "x") {\n  field(DESC, "at $(WHERE)")\n}`,
      't.db:2:19: macro WHERE is undefined in field DESC in record "x"',
    ],
    [
      "an undefined macro in a record name",
      `record(ai, "$(P)x")`,
      "t.db:1:13: macro P is undefined in the name of a record of type ai",
    ],
    [
      "a missing closing brace",
      `record(ai, a) {\n  field(DESC, x)\nrecord(ai, b) {}`,
      "t.db:1:15: record \"a\": '{' at 1:15 has no closing '}'",
    ],
    [
      "a missing closing brace at the end of the file",
      `record(ai, a) {\n  field(DESC, x)\n`,
      "t.db:1:15: record \"a\": '{' at 1:15 has no closing '}'",
    ],
    [
      "an unterminated string",
      `record(ai, a) {\n  field(DESC, "x)\n}`,
      't.db:2:15: unterminated string: no closing " on this line',
    ],
    [
      "an unknown keyword",
      `recrd(ai, a) {}`,
      "t.db:1:1: unknown keyword 'recrd'; expected record, grecord, alias or include",
    ],
    [
      "a .dbd keyword",
      `menu(x) {}`,
      "t.db:1:1: unknown keyword 'menu' (menu() belongs in a .dbd file)",
    ],
    [
      "an unknown item in a record",
      `record(ai, a) { feld(DESC, x) }`,
      "t.db:1:17: unknown item 'feld' in record \"a\": expected field, info, alias or '}'",
    ],
    [
      "a missing comma",
      `record(ai, a) { field(DESC x) }`,
      "t.db:1:28: expected ',' after field name DESC, found 'x'",
    ],
    [
      "a missing parenthesis",
      `record(ai a) {}`,
      "t.db:1:11: expected ',' after record type ai, found 'a'",
    ],
    [
      "a bad character in a record name",
      `record(ai, "a.b")`,
      `t.db:1:12: record name "a.b" has the character ".", which EPICS does not allow in names`,
    ],
    [
      "an alias of a record that does not exist",
      `alias(nope, other)`,
      't.db:1:7: alias "other" names record "nope", which is not defined',
    ],
    [
      "an alias whose name is taken",
      `record(ai, a)\nrecord(ai, b) { alias(a) }`,
      't.db:2:23: alias "a" of record "b": the name is already in use',
    ],
    [
      "a record named by an alias of a record of another type",
      `record(ai, a) { alias(b) }\nrecord(bo, b)`,
      't.db:2:8: record "a" of type "ai" (t.db:1:1) defined again with type "bo"',
    ],
    [
      "a JSON value without its closing brace",
      `record(ai, a) { field(INP, {a: {b: 1} )`,
      `t.db:1:15: record "a": '{' at 1:15 has no closing '}'`,
      `t.db:1:28: JSON value in field INP in record "a": '{' has no closing '}'`,
    ],
    [
      "record(*) of a record not defined",
      `record("*", a) {}`,
      't.db:1:8: record(*, "a") adds to a record, but "a" is not defined',
    ],
  ])("reports %s at its place", (_what, text, ...expected) => {
    expect(problemsOf(text)).toEqual(expected);
  });

  it("reports a macro that refers to itself in a record name once, not its placeholder too", () => {
    expect(problemsOf(`record(ai, "$(A)x")`, { A: "$(B)", B: "$(A)" })).toEqual([
      "t.db:1:13: macro A refers to itself (A -> B -> A) in the name of a record of type ai",
    ]);
  });

  it("reports an unterminated string once, not what it swallowed", () => {
    expect(problemsOf(`record(ai, a) { field(DESC, "x) }`)).toEqual([
      't.db:1:29: unterminated string: no closing " on this line',
    ]);
  });

  it("reports every mistake of a file and keeps the records it could read", () => {
    const loader = load(`record(ai, a) { field(DESC x) field(EGU, mm) }
recrd(ai, b) { field(DESC, y) }
record(ai, "c") { field(DESC, "$(NOPE)") }
record(ao, d) {}`);
    expect(loader.result().problems.map(formatProblem)).toEqual([
      "t.db:1:28: expected ',' after field name DESC, found 'x'",
      "t.db:2:1: unknown keyword 'recrd'; expected record, grecord, alias or include",
      't.db:3:32: macro NOPE is undefined in field DESC in record "c"',
    ]);
    expect([...loader.database.records.keys()]).toEqual(["a", "c", "d"]);
    expect(loader.database.records.get("a")!.fields.get("EGU")?.value).toBe("mm");
  });
});

describe("include", () => {
  const dir = mkdtempSync(join(tmpdir(), "hil-db-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "sub"));
  mkdirSync(join(dir, "lib"));
  writeFileSync(join(dir, "main.db"), `include "sub/a.db"\nrecord(ai, "$(P)main")\n`);
  writeFileSync(join(dir, "sub", "a.db"), `include "common.db"\nrecord(ai, "$(P)a")\n`);
  writeFileSync(
    join(dir, "lib", "common.db"),
    `record(ai, "$(P)common") { field(DESC, "$(D=lib)") }\n`,
  );
  writeFileSync(join(dir, "loop.db"), `include "loop.db"\n`);
  writeFileSync(join(dir, "missing.db"), `\n  include "nowhere.db"\n`);
  writeFileSync(join(dir, "bad.db"), `record(ai, x) { field(FOO, 1) }\n`);

  it("reads includes beside the including file, then in the include paths, with its macros", () => {
    const database = loadDatabase(
      [{ path: join(dir, "main.db"), macros: new Map([["P", "X:"]]) }],
      {
        files: nodeFileAccess,
        includePaths: [join(dir, "lib")],
      },
    );
    expect([...database.records.keys()]).toEqual(["X:common", "X:a", "X:main"]);
    expect(database.records.get("X:common")!.at.file).toBe(join(dir, "lib", "common.db"));
  });

  it("reports a missing include and a file including itself at the include", () => {
    const loader = new DatabaseLoader({ files: nodeFileAccess });
    loader.loadFile(join(dir, "missing.db"));
    loader.loadFile(join(dir, "loop.db"));
    loader.loadFile(join(dir, "absent.db"));
    expect(loader.result().problems.map(formatProblem)).toEqual([
      `${dir}/missing.db:2:11: include "nowhere.db": no such file (looked for ${dir}/nowhere.db)`,
      `${dir}/loop.db:1:9: include "loop.db" includes itself (${dir}/loop.db -> ${dir}/loop.db)`,
      `${dir}/absent.db:1:1: cannot read ${dir}/absent.db: no such file`,
    ]);
  });

  it("throws a DbError listing the problems, the field checks' included", () => {
    const thrown = (() => {
      try {
        loadDatabase([{ path: join(dir, "bad.db") }], { files: nodeFileAccess });
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(DbError);
    expect(thrown).toBeInstanceOf(HilError);
    expect((thrown as DbError).code).toBe("HIL_DB");
    expect((thrown as DbError).message).toBe(
      `${dir}/bad.db:1:23: record "x" (ai): ai records have no field "FOO"`,
    );
  });
});
