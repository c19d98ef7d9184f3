// Splits an .acf file into tokens as asLib's lexer does: keywords only when a whole word
// matches, INPA..INPL, unsigned integers, and names quoted or bare (both are strings to
// the grammar; a quoted one keeps its backslashes, as asLib does).
import type { DbProblemList, SourceLocation } from "../db/problems.js";
import type { CalcInput } from "../calc/index.js";

export type AcfKeyword = "UAG" | "HAG" | "ASG" | "RULE" | "CALC";
export type AcfPunctuation = "(" | ")" | "{" | "}" | ",";

export type AcfToken = { readonly text: string; readonly at: SourceLocation } & (
  | { readonly kind: "keyword"; readonly keyword: AcfKeyword }
  | { readonly kind: "inp"; readonly input: CalcInput }
  | { readonly kind: "integer"; readonly value: number }
  /** A bare or quoted name; `quoted` tells where its text starts (one column later). */
  | { readonly kind: "string"; readonly value: string; readonly quoted: boolean }
  | { readonly kind: AcfPunctuation }
);

const KEYWORDS: ReadonlySet<string> = new Set<AcfKeyword>(["UAG", "HAG", "ASG", "RULE", "CALC"]);
const PUNCTUATION: ReadonlySet<string> = new Set<AcfPunctuation>(["(", ")", "{", "}", ","]);
// asLib's bare name characters: fewer than a .db file's (no '/' or '\').
const NAME_CHARACTER = /[A-Za-z0-9_\-+:.[\]<>;]/;

function wordToken(text: string, at: SourceLocation): AcfToken {
  if (KEYWORDS.has(text)) return { kind: "keyword", keyword: text as AcfKeyword, text, at };
  const inp = /^INP([A-L])$/.exec(text);
  if (inp) return { kind: "inp", input: inp[1] as CalcInput, text, at };
  if (/^[0-9]+$/.test(text)) return { kind: "integer", value: Number(text), text, at };
  return { kind: "string", value: text, quoted: false, text, at };
}

/** Tokens of `text`; characters asLib rejects are reported and skipped. */
export function tokenizeAcf(text: string, file: string, problems: DbProblemList): AcfToken[] {
  const tokens: AcfToken[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const here = (index: number): SourceLocation => ({ file, line, col: index - lineStart + 1 });
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\n") {
      line++;
      lineStart = ++i;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "#") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (PUNCTUATION.has(c)) {
      tokens.push({ kind: c as AcfPunctuation, text: c, at: here(i) });
      i++;
    } else if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"' && text[i] !== "\n") {
        i += text[i] === "\\" && text[i + 1] !== undefined && text[i + 1] !== "\n" ? 2 : 1;
      }
      const closed = text[i] === '"';
      if (!closed) problems.add(here(start), "newline in quoted string, closing quote missing");
      // Kept even when unclosed, so the grammar does not also report the missing name.
      const value = text.slice(start + 1, i);
      if (closed) i++;
      tokens.push({
        kind: "string",
        value,
        quoted: true,
        text: text.slice(start, i),
        at: here(start),
      });
    } else if (NAME_CHARACTER.test(c)) {
      const start = i;
      while (i < text.length && NAME_CHARACTER.test(text[i]!)) i++;
      tokens.push(wordToken(text.slice(start, i), here(start)));
    } else {
      const shown = /[\x21-\x7e]/.test(c) ? `'${c}'` : `0x${c.charCodeAt(0).toString(16)}`;
      problems.add(here(i), `invalid character ${shown}`);
      i++;
    }
  }
  return tokens;
}
