import { CalcSyntaxError } from "./errors.js";

/** The twelve inputs of a calc record, fields A to L. */
export const CALC_INPUTS = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"] as const;
export type CalcInput = (typeof CALC_INPUTS)[number];

/** Functions, each with how many arguments it takes (`Infinity`: one or more). */
export const CALC_FUNCTIONS = {
  ABS: 1, SQR: 1, SQRT: 1, EXP: 1, LOG: 1, LN: 1, LOGE: 1,
  SIN: 1, COS: 1, TAN: 1, ASIN: 1, ACOS: 1, ATAN: 1, SINH: 1, COSH: 1, TANH: 1,
  CEIL: 1, FLOOR: 1, NINT: 1, ISINF: 1,
  ATAN2: 2, FMOD: 2,
  MIN: Infinity, MAX: Infinity, ISNAN: Infinity, FINITE: Infinity,
} as const; // prettier-ignore
export type CalcFunction = keyof typeof CALC_FUNCTIONS;

export const CALC_CONSTANTS = {
  PI: Math.PI,
  D2R: Math.PI / 180,
  R2D: 180 / Math.PI,
  INF: Infinity,
  INFINITY: Infinity,
  NAN: NaN,
} as const;

/** Operators spelled as words; EPICS makes them all bitwise (NOT is `~`, not `!`). */
const WORD_OPERATORS = { AND: "&", OR: "|", XOR: "XOR", NOT: "~" } as const;

// Longest first, so `>>>` is not read as `>>` then `>`.
const SYMBOLS = [
  ">>>", "**", ">>", "<<", ">=", "<=", "!=", "==", "&&", "||", ":=",
  "+", "-", "*", "/", "%", "^", "<", ">", "=", "#", "!", "~", "&", "|", "?", ":", "(", ")", ",", ";",
] as const; // prettier-ignore
export type CalcSymbol = (typeof SYMBOLS)[number] | "XOR";

export type Token =
  | { readonly kind: "number"; readonly value: number; readonly offset: number }
  | { readonly kind: "input"; readonly input: CalcInput; readonly offset: number }
  | { readonly kind: "val" | "random"; readonly offset: number }
  | { readonly kind: "function"; readonly name: CalcFunction; readonly offset: number }
  | { readonly kind: "symbol"; readonly symbol: CalcSymbol; readonly offset: number }
  | { readonly kind: "end"; readonly offset: number };

type WordToken =
  Exclude<Token, { kind: "number" | "symbol" | "end" }> | Extract<Token, { kind: "symbol" }>;

const WORDS = new Map<string, (offset: number) => WordToken | Extract<Token, { kind: "number" }>>();
for (const input of CALC_INPUTS) WORDS.set(input, (offset) => ({ kind: "input", input, offset }));
for (const name of Object.keys(CALC_FUNCTIONS) as CalcFunction[]) {
  WORDS.set(name, (offset) => ({ kind: "function", name, offset }));
}
for (const [name, value] of Object.entries(CALC_CONSTANTS)) {
  WORDS.set(name, (offset) => ({ kind: "number", value, offset }));
}
for (const [word, symbol] of Object.entries(WORD_OPERATORS)) {
  WORDS.set(word, (offset) => ({ kind: "symbol", symbol, offset }));
}
WORDS.set("VAL", (offset) => ({ kind: "val", offset }));
WORDS.set("RNDM", (offset) => ({ kind: "random", offset }));
// EPICS takes the longest word that fits, so `ABSB` is ABS then B and `LOGE` is not LOG then E.
const WORDS_LONGEST_FIRST = [...WORDS.keys()].sort((a, b) => b.length - a.length);

const DECIMAL = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^0[xX][0-9a-fA-F]+/;

function readNumber(source: string, offset: number): { value: number; length: number } {
  const rest = source.slice(offset);
  const hex = HEX.exec(rest);
  if (hex) {
    const value = Number.parseInt(hex[0].slice(2), 16);
    // Hex literals are 32-bit words, read back as signed: 0xFFFFFFFF is -1.
    if (value > 0xffffffff) throw new CalcSyntaxError(source, offset, "hex literal over 32 bits");
    return { value: value | 0, length: hex[0].length };
  }
  const decimal = DECIMAL.exec(rest);
  if (!decimal) throw new CalcSyntaxError(source, offset, "badly formed number");
  return { value: Number(decimal[0]), length: decimal[0].length };
}

function unknownAt(source: string, at: number): string {
  const word = /^[A-Za-z_]\w*/.exec(source.slice(at));
  return word ? `unknown name '${word[0]}'` : `unknown character '${source[at]}'`;
}

/** Splits an expression into tokens; keywords and inputs in any case, blanks between them. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const upper = source.toUpperCase();
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (/\s/.test(char)) {
      at += 1;
    } else if (/[\d.]/.test(char)) {
      const { value, length } = readNumber(source, at);
      tokens.push({ kind: "number", value, offset: at });
      at += length;
    } else {
      const word = WORDS_LONGEST_FIRST.find((w) => upper.startsWith(w, at));
      if (word !== undefined) {
        tokens.push(WORDS.get(word)!(at));
        at += word.length;
        continue;
      }
      const symbol = SYMBOLS.find((s) => source.startsWith(s, at));
      if (symbol === undefined) throw new CalcSyntaxError(source, at, unknownAt(source, at));
      tokens.push({ kind: "symbol", symbol, offset: at });
      at += symbol.length;
    }
  }
  tokens.push({ kind: "end", offset: source.length });
  return tokens;
}
