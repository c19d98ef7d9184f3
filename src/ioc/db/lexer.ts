// Splits a .db, .template or .substitutions file into tokens. Macro references stay in
// the tokens' text, unexpanded, so an undefined macro is reported at its own column.
import { endOfReference, isReference } from "./macros.js";
import type { DbProblemList, SourceLocation } from "./problems.js";

export type TokenKind = "word" | "string" | "(" | ")" | "{" | "}" | "," | "=";

export interface Token {
  readonly kind: TokenKind;
  /** A word as written, or a quoted string's text between the quotes, escapes kept. */
  readonly text: string;
  readonly at: SourceLocation;
  /** Offsets of the token in the file's text: [start, end). */
  readonly start: number;
  readonly end: number;
  /** A string with no closing quote: already reported, so what it swallowed is not. */
  readonly unterminated?: boolean;
}

const punctuation = new Set<string>(["(", ")", "{", "}", ","]);

// Character classes by code, looked up once per character: large databases are tens of
// thousands of lines.
const BARE = 1;
const SPACE = 2;
const classes = new Uint8Array(128);
// The characters EPICS allows in an unquoted word.
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+:.[]<>;/\\") {
  classes[c.charCodeAt(0)] = BARE;
}
for (const c of " \t\r\v\f") classes[c.charCodeAt(0)] = SPACE;

function classOf(code: number): number {
  return code < 128 ? classes[code]! : /\s/.test(String.fromCharCode(code)) ? SPACE : 0;
}

/**
 * Tokens of `text`. `=` is a token only where `withEquals` is set (substitutions files);
 * in a .db file it is an ordinary character of nothing, so it is reported there.
 */
export function tokenize(
  text: string,
  file: string,
  problems: DbProblemList,
  withEquals = false,
): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const here = (index: number): SourceLocation => ({ file, line, col: index - lineStart + 1 });
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      lineStart = ++i;
    } else if (classOf(text.charCodeAt(i)) === SPACE) {
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (punctuation.has(c) || (withEquals && c === "=")) {
      tokens.push({ kind: c as TokenKind, text: c, at: here(i), start: i, end: i + 1 });
      i++;
    } else if (c === '"') {
      const start = i++;
      let closed = false;
      while (i < text.length && text[i] !== "\n") {
        if (text[i] === "\\" && i + 1 < text.length && text[i + 1] !== "\n") i += 2;
        else if (text[i] === '"') {
          closed = true;
          break;
        } else i++;
      }
      if (!closed) problems.add(here(start), 'unterminated string: no closing " on this line');
      if (closed) i++;
      const inside = text.slice(start + 1, closed ? i - 1 : i);
      tokens.push({
        kind: "string",
        text: inside,
        at: here(start),
        start,
        end: i,
        ...(closed ? {} : { unterminated: true }),
      });
    } else if (classOf(text.charCodeAt(i)) === BARE || isReference(text, i)) {
      const start = i;
      while (i < text.length) {
        if (isReference(text, i)) {
          const end = endOfReference(text, i);
          const newline = text.indexOf("\n", i);
          if (end < 0 || (newline >= 0 && end > newline)) {
            problems.add(here(i), "macro reference is not closed on this line");
            i = newline < 0 ? text.length : newline;
            break;
          }
          i = end;
        } else if (classOf(text.charCodeAt(i)) === BARE) i++;
        else break;
      }
      tokens.push({ kind: "word", text: text.slice(start, i), at: here(start), start, end: i });
    } else {
      problems.add(here(i), `unexpected character ${JSON.stringify(c)}`);
      i++;
    }
  }
  return tokens;
}

const simpleEscapes: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

/** A quoted string's value: C escapes (\n, \", \\, \x41, \101) turned into characters. */
export function unescapeString(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "\\" || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i]!;
    const hex = next === "x" ? /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 1)) : null;
    const octal = /^[0-7]{1,3}/.exec(text.slice(i));
    if (simpleEscapes[next] !== undefined) out += simpleEscapes[next];
    else if (hex) {
      out += String.fromCharCode(parseInt(hex[0], 16));
      i += hex[0].length;
    } else if (octal) {
      out += String.fromCharCode(parseInt(octal[0], 8));
      i += octal[0].length - 1;
    } else out += next;
  }
  return out;
}
