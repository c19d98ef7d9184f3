import { describe, expect, it } from "vitest";
import {
  DatabaseLoader,
  type FileAccess,
  formatProblem,
  loadSubstitutionsText,
} from "../../../src/ioc/db/index.js";

const files: Record<string, string> = {
  "db/motor.template": `record(ao, "$(P)$(M)") { field(DESC, "$(DESC=motor $(M))") }\n`,
  "db/x.template": `record(bo, "$(P)$(N)")\n`,
};
const access: FileAccess = { read: (p) => files[p] };

function load(text: string, macros: Record<string, string> = {}) {
  const loader = new DatabaseLoader({ files: access });
  loadSubstitutionsText(loader, text, "db/st.substitutions", new Map(Object.entries(macros)));
  const { database, problems } = loader.result();
  const records = [...database.records.values()].map((r) =>
    `${r.name} ${r.fields.get("DESC")?.value ?? ""}`.trim(),
  );
  return { records, problems: problems.map(formatProblem) };
}

describe("substitutions", () => {
  it("expands a pattern block, one instance per row", () => {
    expect(
      load(`file "motor.template" {
  pattern {P, M}
  {BL:, m1}
  {"BL:", m2}
}`),
    ).toEqual({ records: ["BL:m1 motor m1", "BL:m2 motor m2"], problems: [] });
  });

  it("expands rows of definitions, with globals in force from where they appear", () => {
    expect(
      load(`global {P=A:}
file motor.template {
  {M=m1}
  global {P=B:}
  {M=m2, DESC="second one"}
}
file x.template { pattern {N} {n1} }`),
    ).toEqual({ records: ["A:m1 motor m1", "B:m2 second one", "B:n1"], problems: [] });
  });

  it("expands the loader's macros inside the substitutions file and under each row", () => {
    expect(load(`file motor.template { {M=$(AXIS)} }`, { P: "S:", AXIS: "x" }).records).toEqual([
      "S:x motor x",
    ]);
  });

  it.each([
    [
      "a row with too few values",
      `file motor.template {\n pattern {P, M}\n {BL:}\n}`,
      "db/st.substitutions:3:2: row has 1 values but the pattern names 2 macros (P, M) in file motor.template",
      "db/motor.template:1:17: macro M is undefined in the name of a record of type ao (template loaded by db/st.substitutions:3:2)",
      'db/motor.template:1:45: macro M is undefined in field DESC in record "BL:$(M,undefined)" (template loaded by db/st.substitutions:3:2)',
    ],
    [
      "a missing template",
      `file nope.template { {P=x} }`,
      'db/st.substitutions:1:6: template "nope.template": no such file (looked for db/nope.template) (template loaded by db/st.substitutions:1:22)',
    ],
    [
      "an unknown keyword",
      `files x.template { {N=1} }`,
      "db/st.substitutions:1:1: unknown keyword 'files'; expected file or global",
    ],
    [
      "a definition without =",
      `file x.template { {N 1} }`,
      "db/st.substitutions:1:22: expected '=' after macro name N, found '1'",
    ],
    [
      "a missing closing brace",
      `file x.template { {N=1, P=x} `,
      "db/st.substitutions:1:6: file x.template: '{' has no closing '}'",
    ],
  ])("reports %s at its place", (_what, text, ...expected) => {
    expect(load(text).problems).toEqual(expected);
  });
});
