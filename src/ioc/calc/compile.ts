import { CalcSyntaxError } from "./errors.js";
import { CALC_FUNCTIONS, CALC_INPUTS, tokenize } from "./tokens.js";
import type { CalcInput, CalcSymbol, Token } from "./tokens.js";
import type { BinaryOperator, CalcAssignment, CalcNode } from "./tree.js";

/** A checked expression, ready to evaluate as often as needed. */
export interface CalcExpression {
  readonly source: string;
  readonly assignments: readonly CalcAssignment[];
  readonly result: CalcNode;
  /** Inputs whose value the expression reads (not counting reads after its own store). */
  readonly reads: readonly CalcInput[];
  /** Inputs the expression stores into with `:=`. */
  readonly writes: readonly CalcInput[];
}

// EPICS's binding strengths, loosest first; all bind left to right. They differ from C:
// comparisons bind tighter than shifts, `&&` shares a level with `&`, `||` with `|`.
const LEVELS: readonly (readonly CalcSymbol[])[] = [
  ["||", "|", "XOR"],
  ["&&", "&", "<<", ">>", ">>>"],
  ["<", "<=", ">", ">=", "=", "==", "!=", "#"],
  ["+", "-"],
  ["*", "/", "%"],
  ["^", "**"],
];

const SPELLING: Partial<Record<CalcSymbol, BinaryOperator>> = { "=": "==", "#": "!=", "**": "^" };

class Parser {
  private at = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  program(): { assignments: CalcAssignment[]; result: CalcNode } {
    const assignments: CalcAssignment[] = [];
    for (;;) {
      const target = this.assignmentTarget();
      if (target === undefined) break;
      assignments.push({ target, value: this.conditional() });
      this.expectSymbol(";", "expected ';' and a final expression after an assignment");
    }
    const result = this.conditional();
    if (this.peek().kind !== "end") this.fail(this.peek(), `unexpected ${this.describe()}`);
    return { assignments, result };
  }

  private assignmentTarget(): CalcInput | undefined {
    const next = this.tokens[this.at + 1];
    if (next?.kind !== "symbol" || next.symbol !== ":=") return undefined;
    const target = this.peek();
    if (target.kind !== "input") this.fail(target, "only A-L can be assigned");
    this.at += 2;
    return target.input;
  }

  private conditional(): CalcNode {
    const test = this.binary(0);
    if (!this.takeSymbol("?")) return test;
    const then = this.conditional();
    this.expectSymbol(":", "expected ':' of '?:'");
    return { kind: "conditional", test, then, otherwise: this.conditional() };
  }

  private binary(level: number): CalcNode {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.kind !== "symbol" || !LEVELS[level]!.includes(token.symbol)) return left;
      this.at += 1;
      const op = SPELLING[token.symbol] ?? (token.symbol as BinaryOperator);
      left = { kind: "binary", op, left, right: this.binary(level + 1) };
    }
  }

  private unary(): CalcNode {
    const token = this.peek();
    if (
      token.kind === "symbol" &&
      (token.symbol === "-" || token.symbol === "!" || token.symbol === "~")
    ) {
      this.at += 1;
      return { kind: "unary", op: token.symbol, arg: this.unary() };
    }
    if (token.kind === "function") {
      this.at += 1;
      // Functions are prefix operators: `ABS B` works, and only a parenthesis after one
      // may hold several arguments.
      const args = this.isSymbol("(") ? this.argumentList() : [this.unary()];
      const arity = CALC_FUNCTIONS[token.name];
      if (arity !== Infinity && args.length !== arity) {
        this.fail(token, `${token.name} takes ${arity} argument${arity === 1 ? "" : "s"}`);
      }
      return { kind: "call", fn: token.name, args };
    }
    return this.operand();
  }

  private argumentList(): CalcNode[] {
    this.at += 1;
    const args = [this.conditional()];
    while (this.takeSymbol(",")) args.push(this.conditional());
    this.expectSymbol(")", "expected ')'");
    return args;
  }

  private operand(): CalcNode {
    const token = this.peek();
    this.at += 1;
    switch (token.kind) {
      case "number":
        return { kind: "number", value: token.value };
      case "input":
        return { kind: "input", input: token.input };
      case "val":
      case "random":
        return { kind: token.kind };
      case "symbol":
        if (token.symbol === "(") {
          const inner = this.conditional();
          this.expectSymbol(")", "expected ')'");
          return inner;
        }
    }
    this.at -= 1;
    return this.fail(token, "expected an operand");
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private isSymbol(symbol: CalcSymbol): boolean {
    const token = this.peek();
    return token.kind === "symbol" && token.symbol === symbol;
  }

  private takeSymbol(symbol: CalcSymbol): boolean {
    const found = this.isSymbol(symbol);
    if (found) this.at += 1;
    return found;
  }

  private expectSymbol(symbol: CalcSymbol, reason: string): void {
    if (!this.takeSymbol(symbol)) this.fail(this.peek(), reason);
  }

  /** The text of the current token, as the user wrote it. */
  private describe(): string {
    const start = this.peek().offset;
    const end = this.tokens[this.at + 1]?.offset ?? this.source.length;
    return `'${this.source.slice(start, end).trim()}'`;
  }

  private fail(token: Token, reason: string): never {
    throw new CalcSyntaxError(this.source, token.offset, reason);
  }
}

function inputsOf(node: CalcNode, into: Set<CalcInput>): void {
  switch (node.kind) {
    case "input":
      into.add(node.input);
      return;
    case "unary":
      return inputsOf(node.arg, into);
    case "binary":
      inputsOf(node.left, into);
      return inputsOf(node.right, into);
    case "call":
      return node.args.forEach((arg) => inputsOf(arg, into));
    case "conditional":
      inputsOf(node.test, into);
      inputsOf(node.then, into);
      return inputsOf(node.otherwise, into);
  }
}

function usage(assignments: readonly CalcAssignment[], result: CalcNode) {
  const reads = new Set<CalcInput>();
  const writes = new Set<CalcInput>();
  const read = (node: CalcNode) => {
    const used = new Set<CalcInput>();
    inputsOf(node, used);
    for (const input of used) if (!writes.has(input)) reads.add(input);
  };
  for (const { target, value } of assignments) {
    read(value);
    writes.add(target);
  }
  read(result);
  const ordered = (set: Set<CalcInput>) => CALC_INPUTS.filter((input) => set.has(input));
  return { reads: ordered(reads), writes: ordered(writes) };
}

/** Checks and compiles an expression; throws CalcSyntaxError where EPICS would refuse it. */
export function compileCalc(source: string): CalcExpression {
  const tokens = tokenize(source);
  if (tokens.length === 1) throw new CalcSyntaxError(source, 0, "empty expression");
  const { assignments, result } = new Parser(source, tokens).program();
  return { source, assignments, result, ...usage(assignments, result) };
}
