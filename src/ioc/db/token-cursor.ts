import type { Token, TokenKind } from "./lexer.js";
import type { DbProblemList, SourceLocation } from "./problems.js";

/** Thrown to abandon a statement after its problem is noted; the parser resumes after it. */
export class Syntax extends Error {}

/** Where a parser stands in a file's tokens, and how it notes what it expected there. */
export class TokenCursor {
  pos = 0;
  readonly tokens: readonly Token[];
  private readonly file: string;
  private readonly problems: DbProblemList;

  constructor(tokens: readonly Token[], file: string, problems: DbProblemList) {
    this.tokens = tokens;
    this.file = file;
    this.problems = problems;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  /** Notes "expected X after Y, found Z" here and abandons the statement. */
  fail(expected: string, after: string): never {
    if (this.afterUnterminated()) throw new Syntax();
    const found = this.peek();
    const problem = `expected ${expected} ${after}, found ${describeToken(found)}`;
    this.problems.add(found?.at ?? this.endAt(), problem);
    throw new Syntax();
  }

  /** What follows a string without its closing quote is noise: that string is the problem. */
  afterUnterminated(): boolean {
    return this.tokens[this.pos - 1]?.unterminated === true;
  }

  /** The next token, which must be of `kind`. */
  expect(kind: TokenKind, after: string): Token {
    const token = this.peek();
    if (token?.kind !== kind) return this.fail(`'${kind}'`, after);
    this.pos++;
    return token;
  }

  /** Where the file ends, for problems found there. */
  endAt(): SourceLocation {
    return this.tokens[this.tokens.length - 1]?.at ?? { file: this.file, line: 1, col: 1 };
  }
}

/** A token as a problem names it: a quoted string, a word, or the end of the file. */
export function describeToken(token: Token | undefined): string {
  if (!token) return "the end of the file";
  return token.kind === "string" ? `"${token.text}"` : `'${token.text}'`;
}
