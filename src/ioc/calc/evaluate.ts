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

/** The values a compiled node reads: the inputs as they stand, VAL and RNDM's source. */
interface Scope {
  inputs: Partial<Record<CalcInput, number>>;
  options: CalcOptions;
}

type Compiled = (scope: Scope) => number;

/**
 * A node as a JavaScript closure, built once per expression: a record evaluates its CALC on
 * every pass, and walking the tree each time cost more than the arithmetic.
 */
function compileNode(node: CalcNode): Compiled {
  switch (node.kind) {
    case "number": {
      const constant = node.value;
      return () => constant;
    }
    case "input": {
      const input = node.input;
      return (scope) => scope.inputs[input] ?? 0;
    }
    case "val":
      return (scope) => scope.options.val ?? 0;
    case "random":
      return (scope) => (scope.options.random ?? Math.random)();
    case "unary": {
      const arg = compileNode(node.arg);
      if (node.op === "-") return (scope) => -arg(scope);
      if (node.op === "!") return (scope) => bit(!truth(arg(scope)));
      return (scope) => ~bitwiseOperand(arg(scope));
    }
    case "binary": {
      const { op } = node;
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (scope) => binary(op, left(scope), right(scope));
    }
    case "call": {
      const fn = FUNCTIONS[node.fn];
      const args = node.args.map(compileNode);
      return (scope) => fn(args.map((arg) => arg(scope)));
    }
    case "conditional": {
      const test = compileNode(node.test);
      const then = compileNode(node.then);
      const otherwise = compileNode(node.otherwise);
      return (scope) => (truth(test(scope)) ? then(scope) : otherwise(scope));
    }
  }
}

interface CompiledExpression {
  readonly assignments: readonly { readonly target: CalcInput; readonly value: Compiled }[];
  readonly result: Compiled;
}

const compiled = new WeakMap<CalcExpression, CompiledExpression>();

function compiledOf(expression: CalcExpression): CompiledExpression {
  let entry = compiled.get(expression);
  if (!entry) {
    entry = {
      assignments: expression.assignments.map(({ target, value }) => ({
        target,
        value: compileNode(value),
      })),
      result: compileNode(expression.result),
    };
    compiled.set(expression, entry);
  }
  return entry;
}

/** Runs the stores in order, then gives the final expression's value. Never throws. */
export function evaluateCalc(
  expression: CalcExpression,
  inputs: CalcInputs,
  options: CalcOptions = {},
): CalcResult {
  const { assignments, result } = compiledOf(expression);
  const current: Partial<Record<CalcInput, number>> = { ...inputs };
  const scope: Scope = { inputs: current, options };
  for (const { target, value } of assignments) current[target] = value(scope);
  return { value: result(scope), inputs: current };
}
