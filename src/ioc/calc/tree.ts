import type { CalcFunction, CalcInput } from "./tokens.js";

export type UnaryOperator = "-" | "!" | "~";
export type BinaryOperator =
  | "+" | "-" | "*" | "/" | "%" | "^"
  | "<" | "<=" | ">" | ">=" | "==" | "!="
  | "&&" | "||" | "&" | "|" | "XOR" | "<<" | ">>" | ">>>"; // prettier-ignore

/** A compiled expression: a tree, evaluated by walking it. */
export type CalcNode =
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "input"; readonly input: CalcInput }
  | { readonly kind: "val" }
  | { readonly kind: "random" }
  | { readonly kind: "unary"; readonly op: UnaryOperator; readonly arg: CalcNode }
  | {
      readonly kind: "binary";
      readonly op: BinaryOperator;
      readonly left: CalcNode;
      readonly right: CalcNode;
    }
  | { readonly kind: "call"; readonly fn: CalcFunction; readonly args: readonly CalcNode[] }
  | {
      readonly kind: "conditional";
      readonly test: CalcNode;
      readonly then: CalcNode;
      readonly otherwise: CalcNode;
    };

/** `A:=expr;` stores into an input before the final expression gives the result. */
export interface CalcAssignment {
  readonly target: CalcInput;
  readonly value: CalcNode;
}
