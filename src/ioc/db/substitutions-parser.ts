// The grammar of .substitutions files as dbLoadTemplate reads them:
//   global { P=BL: }
//   file "motor.template" { pattern { M, PORT } { m1, 1 } { m2, 2 } }
//   file motor.template { { M=m1, PORT=1 } global { P=X: } { M=m3 } }
// Each row gives one instance of the template; later global definitions apply to later rows.
import type { DbValue, Resolve } from "./db-parser.js";
import type { Token, TokenKind } from "./lexer.js";
import type { DbProblemList, SourceLocation } from "./problems.js";

export interface TemplateInstance {
  /** The template's name as written in the `file` line. */
  readonly template: DbValue;
  /** Globals in force at the row, then the row's own definitions. */
  readonly macros: ReadonlyMap<string, string>;
  /** The row's opening brace. */
  readonly at: SourceLocation;
}

class Syntax extends Error {}

export function parseSubstitutions(
  tokens: readonly Token[],
  file: string,
  problems: DbProblemList,
  resolve: Resolve,
): TemplateInstance[] {
  let pos = 0;
  const instances: TemplateInstance[] = [];
  const globals = new Map<string, string>();
  const endAt = (): SourceLocation => tokens[tokens.length - 1]?.at ?? { file, line: 1, col: 1 };
  const describe = (t: Token | undefined): string =>
    !t ? "the end of the file" : t.kind === "string" ? `"${t.text}"` : `'${t.text}'`;
  const fail = (expected: string, after: string): never => {
    const found = tokens[pos];
    problems.add(found?.at ?? endAt(), `expected ${expected} ${after}, found ${describe(found)}`);
    throw new Syntax();
  };
  const expect = (kind: TokenKind, after: string): Token => {
    const t = tokens[pos];
    if (t?.kind !== kind) return fail(`'${kind}'`, after);
    pos++;
    return t;
  };
  const isValue = (t: Token | undefined): t is Token => t?.kind === "word" || t?.kind === "string";
  const skipComma = (): void => {
    if (tokens[pos]?.kind === ",") pos++;
  };

  /** `{ A=1, B="x" }`, after its `{`: the definitions in order. */
  const definitions = (context: string): Map<string, string> => {
    const defs = new Map<string, string>();
    while (tokens[pos]?.kind !== "}") {
      const name = tokens[pos];
      if (!isValue(name)) fail("a macro name or '}'", context);
      pos++;
      const n = resolve(name!, context).text;
      expect("=", `after macro name ${n}`);
      const value = tokens[pos];
      if (!isValue(value)) fail(`a value for macro ${n}`, context);
      pos++;
      defs.set(n, resolve(value!, `in the value of ${n} ${context}`).text);
      skipComma();
    }
    pos++;
    return defs;
  };

  /** `{ a, b, "c" }` after its `{`: the values or names in order. */
  const list = (what: string, context: string): DbValue[] => {
    const values: DbValue[] = [];
    while (tokens[pos]?.kind !== "}") {
      const t = tokens[pos];
      if (!isValue(t)) fail(`${what} or '}'`, context);
      pos++;
      values.push(resolve(t!, context));
      skipComma();
    }
    pos++;
    return values;
  };

  const fileBlock = (template: DbValue): void => {
    const context = `in file ${template.text}`;
    let pattern: DbValue[] | undefined;
    for (;;) {
      const t = tokens[pos];
      if (!t) {
        problems.add(template.at, `file ${template.text}: '{' has no closing '}'`);
        return;
      }
      if (t.kind === "}") {
        pos++;
        return;
      }
      if (t.kind === "word" && t.text === "global") {
        pos++;
        expect("{", "after global");
        for (const [k, v] of definitions(`in global ${context}`)) globals.set(k, v);
      } else if (t.kind === "word" && t.text === "pattern") {
        pos++;
        expect("{", "after pattern");
        pattern = list("a macro name", `in pattern ${context}`);
      } else if (t.kind === "{") {
        pos++;
        const row: Map<string, string> = pattern
          ? rowOfPattern(pattern, t, context)
          : definitions(context);
        instances.push({ template, macros: new Map([...globals, ...row]), at: t.at });
      } else {
        fail("'{', pattern, global or '}'", context);
      }
    }
  };

  const rowOfPattern = (
    pattern: readonly DbValue[],
    open: Token,
    context: string,
  ): Map<string, string> => {
    const values = list("a value", context);
    if (values.length !== pattern.length) {
      problems.add(
        open.at,
        `row has ${values.length} values but the pattern names ${pattern.length} macros (${pattern.map((p) => p.text).join(", ")}) ${context}`,
      );
    }
    return new Map(pattern.slice(0, values.length).map((p, i) => [p.text, values[i]!.text]));
  };

  while (pos < tokens.length) {
    const t = tokens[pos]!;
    try {
      if (t.kind === "word" && t.text === "global") {
        pos++;
        expect("{", "after global");
        for (const [k, v] of definitions("in global")) globals.set(k, v);
      } else if (t.kind === "word" && t.text === "file") {
        pos++;
        const name = tokens[pos];
        if (!isValue(name)) fail("a template file name", "after file");
        pos++;
        const template = resolve(name!, "in a file name");
        expect("{", `after file ${template.text}`);
        fileBlock(template);
      } else {
        problems.add(t.at, `unknown keyword ${describe(t)}; expected file or global`);
        throw new Syntax();
      }
    } catch (e) {
      if (!(e instanceof Syntax)) throw e;
      // Resume at the next file or global that is not inside braces.
      let depth = 0;
      if (tokens[pos] === t) pos++;
      while (pos < tokens.length) {
        const k = tokens[pos]!;
        if (depth === 0 && k.kind === "word" && (k.text === "file" || k.text === "global")) break;
        if (k.kind === "{") depth++;
        else if (k.kind === "}") depth = Math.max(0, depth - 1);
        pos++;
      }
    }
  }
  return instances;
}
