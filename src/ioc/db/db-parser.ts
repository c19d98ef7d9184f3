// The grammar of .db and .template files: record/grecord with field, info and alias items,
// top-level alias and include. Values come out resolved (macros expanded, escapes applied)
// by the `resolve` the loader passes in, so this file knows no macros.
import type { Token, TokenKind } from "./lexer.js";
import type { DbProblemList, SourceLocation } from "./problems.js";
import { Syntax, TokenCursor, describeToken as describe } from "./token-cursor.js";

/** A word or string after macro expansion and escapes, with where it was written. */
export interface DbValue {
  readonly text: string;
  readonly at: SourceLocation;
  /** Set when expanding its macros went wrong (already reported): the text is a placeholder. */
  readonly broken?: boolean;
}

export type RecordItem =
  | { readonly kind: "field"; readonly name: DbValue; readonly value: DbValue }
  | { readonly kind: "info"; readonly name: DbValue; readonly value: DbValue }
  | { readonly kind: "alias"; readonly name: DbValue };

export type DbStatement =
  | {
      readonly kind: "record";
      readonly keyword: "record" | "grecord";
      readonly type: DbValue;
      readonly name: DbValue;
      readonly items: readonly RecordItem[];
      readonly at: SourceLocation;
    }
  | { readonly kind: "alias"; readonly record: DbValue; readonly alias: DbValue }
  | { readonly kind: "include"; readonly file: DbValue };

/** Expands and unescapes a token's text; `context` names what it belongs to, for problems. */
export type Resolve = (token: Token, context: string) => DbValue;

const topKeywords = new Set(["record", "grecord", "alias", "include"]);
const itemKeywords = new Set(["field", "info", "alias"]);
// Keywords of .dbd files, which softIoc reads with the same parser but which have no place
// in a file of records here.
const definitionKeywords = new Set([
  "menu",
  "recordtype",
  "device",
  "driver",
  "link",
  "registrar",
  "function",
  "variable",
  "breaktable",
  "path",
  "addpath",
]);

export function parseDb(
  source: string,
  tokens: readonly Token[],
  file: string,
  problems: DbProblemList,
  resolve: Resolve,
): DbStatement[] {
  const cursor = new TokenCursor(tokens, file, problems);
  const statements: DbStatement[] = [];
  const fail = (expected: string, after: string): never => cursor.fail(expected, after);
  const expect = (kind: TokenKind, after: string): Token => cursor.expect(kind, after);
  const value = (what: string, after: string, context: string): DbValue => {
    const t = tokens[cursor.pos];
    if (t?.kind !== "word" && t?.kind !== "string") return fail(what, after);
    cursor.pos++;
    return resolve(t, context);
  };

  /**
   * A field value written as JSON (an EPICS 7 link such as `{const: 1}`): its text as
   * written, from the opening to the matching closing brace.
   */
  const jsonValue = (context: string): DbValue => {
    const open = tokens[cursor.pos]!;
    let depth = 0;
    for (; cursor.pos < tokens.length; cursor.pos++) {
      const t = tokens[cursor.pos]!;
      if (t.kind === "{") depth++;
      else if (t.kind === "}" && --depth === 0) {
        cursor.pos++;
        const text = source.slice(open.start, t.end);
        return resolve({ kind: "word", text, at: open.at, start: open.start, end: t.end }, context);
      }
    }
    problems.add(open.at, `JSON value ${context}: '{' has no closing '}'`);
    throw new Syntax();
  };

  const recordItem = (recordName: string): RecordItem => {
    const keyword = tokens[cursor.pos]!;
    cursor.pos++;
    const inRecord = `in record "${recordName}"`;
    expect("(", `after ${keyword.text}`);
    if (keyword.text === "alias") {
      const name = value("an alias name", "in alias(", inRecord);
      expect(")", "after the alias name");
      return { kind: "alias", name };
    }
    const kind = keyword.text as "field" | "info";
    const name = value(`a ${kind} name`, `in ${kind}(`, inRecord);
    expect(",", `after ${kind} name ${name.text}`);
    const valueContext = `in ${kind} ${name.text} ${inRecord}`;
    const v =
      kind === "field" && tokens[cursor.pos]?.kind === "{"
        ? jsonValue(valueContext)
        : value("a value", `for ${kind} ${name.text}`, valueContext);
    expect(")", `after the value of ${kind} ${name.text}`);
    return { kind, name, value: v };
  };

  const recordBody = (open: Token, recordName: string): RecordItem[] => {
    const items: RecordItem[] = [];
    for (;;) {
      const t = tokens[cursor.pos];
      const unclosed = (): RecordItem[] => {
        if (cursor.afterUnterminated()) return items;
        problems.add(
          open.at,
          `record "${recordName}": '{' at ${open.at.line}:${open.at.col} has no closing '}'`,
        );
        return items;
      };
      if (!t) return unclosed();
      if (t.kind === "}") {
        cursor.pos++;
        return items;
      }
      if (t.kind === "word" && topKeywords.has(t.text) && !itemKeywords.has(t.text)) {
        return unclosed();
      }
      if (t.kind === "word" && itemKeywords.has(t.text)) {
        try {
          items.push(recordItem(recordName));
        } catch (e) {
          if (!(e instanceof Syntax)) throw e;
          skipTo((k) => k.kind === "}" || (k.kind === "word" && itemKeywords.has(k.text)), true);
        }
        continue;
      }
      problems.add(
        t.at,
        `unknown item ${describe(t)} in record "${recordName}": expected field, info, alias or '}'`,
      );
      cursor.pos++;
      skipTo((k) => k.kind === "}" || (k.kind === "word" && itemKeywords.has(k.text)), true);
    }
  };

  /** Skips to a token `stop` accepts; `afterParen` first passes the `)` closing an item. */
  const skipTo = (stop: (t: Token) => boolean, afterParen = false): void => {
    while (cursor.pos < tokens.length && !stop(tokens[cursor.pos]!)) {
      const t = tokens[cursor.pos++]!;
      if (afterParen && t.kind === ")") return;
      if (t.kind === "word" && topKeywords.has(t.text) && !itemKeywords.has(t.text)) {
        cursor.pos--;
        return;
      }
    }
  };

  /** Skips to a top-level keyword outside braces, so a broken record's items are passed. */
  const skipToNextStatement = (): void => {
    let depth = 0;
    while (cursor.pos < tokens.length) {
      const t = tokens[cursor.pos]!;
      if (depth === 0 && t.kind === "word" && topKeywords.has(t.text)) return;
      if (t.kind === "{") depth++;
      else if (t.kind === "}") depth = Math.max(0, depth - 1);
      cursor.pos++;
    }
  };

  const statement = (): DbStatement | undefined => {
    const t = tokens[cursor.pos]!;
    if (t.kind !== "word" || !topKeywords.has(t.text)) {
      const hint = definitionKeywords.has(t.text)
        ? ` (${t.text}() belongs in a .dbd file)`
        : "; expected record, grecord, alias or include";
      problems.add(t.at, `unknown keyword ${describe(t)}${hint}`);
      cursor.pos++;
      throw new Syntax();
    }
    cursor.pos++;
    if (t.text === "include") {
      return { kind: "include", file: value("a file name", "after include", "in include") };
    }
    expect("(", `after ${t.text}`);
    if (t.text === "alias") {
      const record = value("a record name", "in alias(", "in alias");
      expect(",", "after the record name in alias(");
      const alias = value("an alias name", "in alias(", `in alias of "${record.text}"`);
      expect(")", "after the alias name");
      return { kind: "alias", record, alias };
    }
    const type = value("a record type", `after ${t.text}(`, `in ${t.text}(`);
    expect(",", `after record type ${type.text}`);
    const name = value(
      "a record name",
      `after ${t.text}(${type.text},`,
      `in the name of a record of type ${type.text}`,
    );
    expect(")", `after record name "${name.text}"`);
    const open = tokens[cursor.pos];
    let items: RecordItem[] = [];
    if (open?.kind === "{") {
      cursor.pos++;
      items = recordBody(open, name.text);
    }
    return { kind: "record", keyword: t.text as "record" | "grecord", type, name, items, at: t.at };
  };

  while (cursor.pos < tokens.length) {
    try {
      const s = statement();
      if (s) statements.push(s);
    } catch (e) {
      if (!(e instanceof Syntax)) throw e;
      skipToNextStatement();
    }
  }
  return statements;
}
