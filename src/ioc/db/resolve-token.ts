import type { DbValue, Resolve } from "./db-parser.js";
import { type Token, unescapeString } from "./lexer.js";
import { type Macros, expandMacros } from "./macros.js";
import type { DbProblemList } from "./problems.js";

/**
 * A Resolve that expands `macros` in each word and string, reporting each undefined macro
 * at its own column with the context it was found in, then applies a string's escapes.
 */
export function macroResolver(macros: Macros, problems: DbProblemList): Resolve {
  return (token: Token, context: string): DbValue => {
    const expansion = expandMacros(token.text, macros);
    // A string's text starts after its opening quote.
    const firstCol = token.at.col + (token.kind === "string" ? 1 : 0);
    for (const problem of expansion.problems) {
      problems.add({ ...token.at, col: firstCol + problem.index }, `${problem.message} ${context}`);
    }
    const text = token.kind === "string" ? unescapeString(expansion.text) : expansion.text;
    return expansion.problems.length > 0
      ? { text, at: token.at, broken: true }
      : { text, at: token.at };
  };
}
