// One ASG at run time: its INP values, which of them are bad, and what each CALC rule
// last computed. As in asLib, a CALC is computed only when an input it reads changes
// (until then it does not grant), and it grants only while every defined input it reads
// is valid and its result is 1 (within 0.99..1.01).
import { type CalcInput, evaluateCalc } from "../calc/index.js";
import type { AcfGroup, AcfRule } from "./model.js";

export interface RuleState {
  readonly rule: AcfRule;
  /** NONE 0, READ 1, WRITE 2: asLib's order, compared as numbers. */
  readonly rank: number;
  /** The user sets of its UAGs, the host keys of its HAGs. */
  readonly users: readonly ReadonlySet<string>[];
  readonly hosts: readonly ReadonlySet<string>[];
  calcResult: boolean;
}

export class GroupState {
  private readonly values: Partial<Record<CalcInput, number>> = {};
  private readonly bad: Set<CalcInput>;

  constructor(
    readonly group: AcfGroup,
    readonly rules: readonly RuleState[],
  ) {
    // Every defined input is bad until its first valid value comes.
    this.bad = new Set(group.inputs.map((i) => i.input));
  }

  /** Takes an input's new value (ignored when not valid); true when any rule may change. */
  update(input: CalcInput, value: number, valid: boolean): boolean {
    const wasBad = this.bad.has(input);
    if (!valid) {
      this.bad.add(input);
      return !wasBad;
    }
    this.bad.delete(input);
    this.values[input] = value;
    for (const state of this.rules) {
      const calc = state.rule.calc;
      if (calc?.reads.includes(input)) state.calcResult = this.compute(calc);
    }
    return true;
  }

  /** Whether the rule's CALC (if any) lets it grant now. */
  calcAllows(state: RuleState): boolean {
    const calc = state.rule.calc;
    return !calc || (state.calcResult && !calc.reads.some((input) => this.bad.has(input)));
  }

  private compute(calc: NonNullable<AcfRule["calc"]>): boolean {
    try {
      const result = evaluateCalc(calc, this.values).value;
      return result > 0.99 && result < 1.01;
    } catch {
      return false; // asLib treats a failed calcPerform as false
    }
  }
}
