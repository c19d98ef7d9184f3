// The grammar of .substitutions files as dbLoadTemplate reads them:
//   global { P=BL: }
//   file "motor.template" { pattern { M, PORT } { m1, 1 } { m2, 2 } }
//   file motor.template { { M=m1, PORT=1 } global { P=X: } { M=m3 } }
// Each row gives one instance of the template; later global definitions apply to later rows.
import type { DbValue, Resolve } from "./db-parser.js";
import type { Token, TokenKind } from "./lexer.js";
import type { DbProblemList, SourceLocation } from "./problems.js";
import { Syntax, TokenCursor, describeToken as describe } from "./token-cursor.js";

export interface TemplateInstance {
  /** The template's name as written in the `file` line. */
  readonly template: DbValue;
  /** Globals in force at the row, then the row's own definitions. */
  readonly macros: ReadonlyMap<string, string>;
  /** The row's opening brace. */
  readonly at: SourceLocation;
}

export function parseSubstitutions(
  tokens: readonly Token[],
  file: string,
  problems: DbProblemList,
  resolve: Resolve,
): TemplateInstance[] {
  const cursor = new TokenCursor(tokens, file, problems);
  const instances: TemplateInstance[] = [];
  const globals = new Map<string, string>();
  const fail = (expected: string, after: string): never => cursor.fail(expected, after);
  const expect = (kind: TokenKind, after: string): Token => cursor.expect(kind, after);
  const isValue = (t: Token | undefined): t is Token => t?.kind === "word" || t?.kind === "string";
  const skipComma = (): void => {
    if (tokens[cursor.pos]?.kind === ",") cursor.pos++;
  };

  /** `{ A=1, B="x" }`, after its `{`: the definitions in order. */
  const definitions = (context: string): Map<string, string> => {
    const defs = new Map<string, string>();
    while (tokens[cursor.pos]?.kind !== "}") {
      const name = tokens[cursor.pos];
      if (!isValue(name)) fail("a macro name or '}'", context);
      cursor.pos++;
      const n = resolve(name!, context).text;
      expect("=", `after macro name ${n}`);
      const value = tokens[cursor.pos];
      if (!isValue(value)) fail(`a value for macro ${n}`, context);
      cursor.pos++;
      defs.set(n, resolve(value!, `in the value of ${n} ${context}`).text);
      skipComma();
    }
    cursor.pos++;
    return defs;
  };

  /** `{ a, b, "c" }` after its `{`: the values or names in order. */
  const list = (what: string, context: string): DbValue[] => {
    const values: DbValue[] = [];
    while (tokens[cursor.pos]?.kind !== "}") {
      const t = tokens[cursor.pos];
      if (!isValue(t)) fail(`${what} or '}'`, context);
      cursor.pos++;
      values.push(resolve(t!, context));
      skipComma();
    }
    cursor.pos++;
    return values;
  };

  const fileBlock = (template: DbValue): void => {
    const context = `in file ${template.text}`;
    let pattern: DbValue[] | undefined;
    for (;;) {
      const t = tokens[cursor.pos];
      if (!t) {
        problems.add(template.at, `file ${template.text}: '{' has no closing '}'`);
        return;
      }
      if (t.kind === "}") {
        cursor.pos++;
        return;
      }
      if (t.kind === "word" && t.text === "global") {
        cursor.pos++;
        expect("{", "after global");
        for (const [k, v] of definitions(`in global ${context}`)) globals.set(k, v);
      } else if (t.kind === "word" && t.text === "pattern") {
        cursor.pos++;
        expect("{", "after pattern");
        pattern = list("a macro name", `in pattern ${context}`);
      } else if (t.kind === "{") {
        cursor.pos++;
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

  while (cursor.pos < tokens.length) {
    const t = tokens[cursor.pos]!;
    try {
      if (t.kind === "word" && t.text === "global") {
        cursor.pos++;
        expect("{", "after global");
        for (const [k, v] of definitions("in global")) globals.set(k, v);
      } else if (t.kind === "word" && t.text === "file") {
        cursor.pos++;
        const name = tokens[cursor.pos];
        if (!isValue(name)) fail("a template file name", "after file");
        cursor.pos++;
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
      if (tokens[cursor.pos] === t) cursor.pos++;
      while (cursor.pos < tokens.length) {
        const k = tokens[cursor.pos]!;
        if (depth === 0 && k.kind === "word" && (k.text === "file" || k.text === "global")) break;
        if (k.kind === "{") depth++;
        else if (k.kind === "}") depth = Math.max(0, depth - 1);
        cursor.pos++;
      }
    }
  }
  return instances;
}
