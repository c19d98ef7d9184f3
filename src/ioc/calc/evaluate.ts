import type { CalcExpression } from "./compile.js";
import { FUNCTIONS, power } from "./functions.js";
import { bitwiseOperand, truncateToInt32 } from "./integers.js";
import type { CalcInput } from "./tokens.js";
import type { BinaryOperator, CalcNode } from "./tree.js";

/** Input values by letter; a missing input reads as 0, like a record's unset field. */
export type CalcInputs = Readonly<Partial<Record<CalcInput, number>>>;

export interface CalcOptions {
  /** What `VAL` reads: the record's current value. */
  readonly val?: number;
  /** Source of `RNDM`, uniform in [0, 1); pass a seeded one for repeatable tests. */
  readonly random?: () => number;
}

export interface CalcResult {
  readonly value: number;
  /** The inputs after the expression's `:=` stores, which a record writes back. */
  readonly inputs: CalcInputs;
}

const truth = (x: number): boolean => x !== 0; // NaN counts as true, as in C
const bit = (b: boolean): number => (b ? 1 : 0);

// prettier-ignore
function binary(op: BinaryOperator, a: number, b: number): number {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return a / b;
    case "%": {
      // Integer remainder; a zero divisor gives NaN, not an error.
      const divisor = truncateToInt32(b);
      return divisor === 0 ? NaN : (truncateToInt32(a) % divisor) + 0;
    }
    case "^": return power(a, b);
    case "<": return bit(a < b);
    case "<=": return bit(a <= b);
    case ">": return bit(a > b);
    case ">=": return bit(a >= b);
    case "==": return bit(a === b);
    case "!=": return bit(a !== b);
    case "&&": return bit(truth(a) && truth(b));
    case "||": return bit(truth(a) || truth(b));
    case "&": return bitwiseOperand(a) & bitwiseOperand(b);
    case "|": return bitwiseOperand(a) | bitwiseOperand(b);
    case "XOR": return bitwiseOperand(a) ^ bitwiseOperand(b);
    // Shift counts are taken modulo 32, as the x86 shift instructions do.
    case "<<": return bitwiseOperand(a) << bitwiseOperand(b);
    case ">>": return bitwiseOperand(a) >> bitwiseOperand(b);
    case ">>>": return bitwiseOperand(a) >>> bitwiseOperand(b);
  }
}

function evaluateNode(node: CalcNode, inputs: CalcInputs, options: CalcOptions): number {
  const value = (n: CalcNode) => evaluateNode(n, inputs, options);
  switch (node.kind) {
    case "number":
      return node.value;
    case "input":
      return inputs[node.input] ?? 0;
    case "val":
      return options.val ?? 0;
    case "random":
      return (options.random ?? Math.random)();
    case "unary": {
      const arg = value(node.arg);
      if (node.op === "-") return -arg;
      if (node.op === "!") return bit(!truth(arg));
      return ~bitwiseOperand(arg);
    }
    case "binary":
      return binary(node.op, value(node.left), value(node.right));
    case "call":
      return FUNCTIONS[node.fn](node.args.map(value));
    case "conditional":
      return truth(value(node.test)) ? value(node.then) : value(node.otherwise);
  }
}

/** Runs the stores in order, then gives the final expression's value. Never throws. */
export function evaluateCalc(
  expression: CalcExpression,
  inputs: CalcInputs,
  options: CalcOptions = {},
): CalcResult {
  const current: Partial<Record<CalcInput, number>> = { ...inputs };
  for (const { target, value } of expression.assignments) {
    current[target] = evaluateNode(value, current, options);
  }
  return { value: evaluateNode(expression.result, current, options), inputs: current };
}
