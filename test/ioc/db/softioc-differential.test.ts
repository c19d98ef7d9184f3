// Each small database below goes to EPICS base's softIoc and to our loader: both must
// accept it, or both refuse it. `softIoc` records what softIoc did, so a change on either
// side shows up as a failure that names the case.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DbError,
  loadDatabase,
  nodeFileAccess,
  parseMacroDefinitions,
} from "../../../src/ioc/db/index.js";
import { type SoftIocLoad, loadWithSoftIoc } from "../../support/epics-peer.js";
import { epicsBase } from "../../support/peers.js";

interface Case {
  readonly name: string;
  readonly softIoc: "accepts" | "refuses";
  readonly db: string;
  /** Other files beside main.db, by relative path. */
  readonly files?: Readonly<Record<string, string>>;
}

const macros = "P=x:";

const cases: readonly Case[] = [
  {
    name: "records of every type with fields",
    softIoc: "accepts",
    db: `# a comment
record(ai, "$(P)ai") { field(DESC, "Temp \\"A\\"") field(SCAN, "1 second") field(PREC, 3)
  field(HOPR, 1e3) field(HHSV, MAJOR) field(INP, "$(P)ao CP") info(k, "v") alias("$(P)t") }
grecord(ao, "$(P)ao") { field(DRVH, 10) field(OMSL, closed_loop) }
record(bi, "$(P)bi") { field(ZNAM, Off) field(ONAM, On) }
record(bo, "$(P)bo") { field(HIGH, 0.5) }
record(mbbi, "$(P)mbbi") { field(ZRST, zero) field(ZRVL, 0x10) }
record(mbbo, "$(P)mbbo") { field(FFSV, INVALID) }
record(longin, "$(P)li") { field(VAL, -3000000000) }
record(longout, "$(P)lo") { field(OOPT, "On Change") }
record(int64in, "$(P)i64i") { field(VAL, 9223372036854775807) }
record(int64out, "$(P)i64o") {}
record(stringin, "$(P)si") { field(VAL, "hello") }
record(stringout, "$(P)so") {}
record(lsi, "$(P)lsi") { field(SIZV, 100) }
record(lso, "$(P)lso") {}
record(waveform, "$(P)wf") { field(NELM, 100) field(FTVL, DOUBLE) }
record(aai, "$(P)aai") { field(FTVL, LONG) }
record(aao, "$(P)aao") {}
record(calc, "$(P)calc") { field(CALC, "A+B") field(INPA, "$(P)ai") }
record(calcout, "$(P)co") { field(OOPT, "When Non-zero") }
record(seq, "$(P)seq") { field(SELM, All) }
record(fanout, "$(P)fan") { field(LNK1, "$(P)ai") }
alias("$(P)ai", "$(P)ai2")`,
  },
  {
    name: "macros with defaults, nested names and values",
    softIoc: "accepts",
    db: `record(ai, "$(P)$(M=m1)") { field(DESC, "$(D$(N=1)=none)") field(EGU, "\${U=mm}") }`,
  },
  {
    name: "a record defined twice, and through its alias",
    softIoc: "accepts",
    db: `record(ai, a) { field(DESC, one) alias(b) }\nrecord(ai, a) { field(EGU, mm) }\nrecord(ai, b) { field(PREC, 2) }\nrecord("*", a) { field(HOPR, 5) }`,
  },
  {
    name: "an include",
    softIoc: "accepts",
    db: `include "part.db"\nrecord(ai, "$(P)main")`,
    files: { "part.db": `record(ai, "$(P)part")` },
  },
  {
    name: "values softIoc takes: empty, menu indexes, hex, spaces, inf",
    softIoc: "accepts",
    db: `record(ai, a) { field(PREC, "") field(SCAN, 10) field(UDFS, -1) field(PHAS, 0x10) field(HOPR, " 2 ") field(LOPR, -inf) field(DESC, "${"x".repeat(40)}") }`,
  },
  { name: "a JSON link", softIoc: "accepts", db: `record(ai, a) { field(INP, {const: 1}) }` },
  { name: "a record without a body", softIoc: "accepts", db: `record(ai, a)` },
  {
    name: "an unknown field",
    softIoc: "refuses",
    db: `record(ai, a) { field(FOO, 1) }`,
  },
  { name: "a field in lower case", softIoc: "refuses", db: `record(ai, a) { field(desc, x) }` },
  { name: "an unknown record type", softIoc: "refuses", db: `record(foo, a) {}` },
  {
    name: "a menu value with a typo",
    softIoc: "refuses",
    db: `record(ai, a) { field(SCAN, "2 seconds") }`,
  },
  {
    name: "a menu index past the end",
    softIoc: "refuses",
    db: `record(ai, a) { field(SCAN, 11) }`,
  },
  {
    name: "a letter in an integer field",
    softIoc: "refuses",
    db: `record(ai, a) { field(PREC, x) }`,
  },
  {
    name: "a fraction in an integer field",
    softIoc: "refuses",
    db: `record(ai, a) { field(PREC, 3.5) }`,
  },
  {
    name: "a word in a double field",
    softIoc: "refuses",
    db: `record(ai, a) { field(HOPR, abc) }`,
  },
  { name: "a double out of range", softIoc: "refuses", db: `record(ai, a) { field(HOPR, 1e400) }` },
  {
    name: "a 64-bit integer out of range",
    softIoc: "refuses",
    db: `record(int64in, a) { field(VAL, 9223372036854775808) }`,
  },
  {
    name: "a string too long for its field",
    softIoc: "refuses",
    db: `record(ai, a) { field(DESC, "${"x".repeat(41)}") }`,
  },
  { name: "an unknown DTYP", softIoc: "refuses", db: `record(ai, a) { field(DTYP, Bogus) }` },
  { name: "setting NAME", softIoc: "refuses", db: `record(ai, a) { field(NAME, b) }` },
  { name: "setting an internal field", softIoc: "refuses", db: `record(ai, a) { field(DPVT, 1) }` },
  { name: "a missing closing brace", softIoc: "refuses", db: `record(ai, a) { field(DESC, x)` },
  { name: "an unterminated string", softIoc: "refuses", db: `record(ai, a) { field(DESC, "x) }` },
  { name: "an unknown keyword", softIoc: "refuses", db: `recrd(ai, a) {}` },
  { name: "a missing comma", softIoc: "refuses", db: `record(ai, a) { field(DESC x) }` },
  { name: "a stray =", softIoc: "refuses", db: `record(ai, a) { field(DESC, a=b) }` },
  { name: "a bare *", softIoc: "refuses", db: `record(*, a) {}` },
  {
    name: "a record redefined with another type",
    softIoc: "refuses",
    db: `record(ai, a)\nrecord(ao, a)`,
  },
  { name: "an undefined macro", softIoc: "refuses", db: `record(ai, "$(Q)a")` },
  {
    name: "an undefined macro in a field value",
    softIoc: "refuses",
    db: `record(ai, a) { field(DESC, "$(Z)") }`,
  },
  {
    name: "an undefined macro in a comment (softIoc warns only)",
    softIoc: "accepts",
    db: `# $(Z)\nrecord(ai, a)`,
  },
  {
    name: "an apostrophe and a macro in a string",
    softIoc: "accepts",
    db: `record(ai, a) { field(DESC, "it's $(P)") }`,
  },
  { name: "a '.' in a record name", softIoc: "refuses", db: `record(ai, "a.b")` },
  { name: "an alias of no record", softIoc: "refuses", db: `alias(nope, other)` },
  { name: "a missing include", softIoc: "refuses", db: `include "nowhere.db"` },
];

function oursAccepts(path: string): { accepted: boolean; problems: string } {
  try {
    loadDatabase([{ path, macros: parseMacroDefinitions(macros).macros }], {
      files: nodeFileAccess,
    });
    return { accepted: true, problems: "" };
  } catch (e) {
    if (!(e instanceof DbError)) throw e;
    return { accepted: false, problems: e.message };
  }
}

describe.skipIf(!epicsBase().available)("softIoc and our loader accept the same databases", () => {
  const root = mkdtempSync(join(tmpdir(), "hil-softioc-"));
  const results = new Map<string, SoftIocLoad>();
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    const queue = cases.map((c, i) => ({ c, dir: join(root, String(i)) }));
    for (const { c, dir } of queue) {
      for (const [name, text] of Object.entries({ ...c.files, "main.db": c.db })) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), `${text}\n`);
      }
    }
    // A few at a time: each softIoc takes about half a second to start.
    const workers = Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        results.set(next.c.name, await loadWithSoftIoc("main.db", macros, next.dir));
      }
    });
    await Promise.all(workers);
  }, 120_000);

  it.each(cases.map((c, i) => [c.name, c, i] as const))("%s", (_name, c, i) => {
    const softIoc = results.get(c.name)!;
    expect(softIoc.accepted ? "accepts" : "refuses", softIoc.output).toBe(c.softIoc);
    const ours = oursAccepts(join(root, String(i), "main.db"));
    expect(ours.accepted, ours.problems).toBe(softIoc.accepted);
  });
});
