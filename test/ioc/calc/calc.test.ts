import { describe, expect, it } from "vitest";
import { CalcSyntaxError, compileCalc, evaluateCalc } from "../../../src/ioc/calc/index.js";
import { sameCalcValue } from "./same-value.js";
import { EPICS_REFUSED, EPICS_VALUES, VECTOR_INPUTS } from "./epics-vectors.js";
import { seededRandom } from "../../support/seeded-random.js";

const value = (expression: string, options = {}) =>
  evaluateCalc(compileCalc(expression), VECTOR_INPUTS, options).value;

describe("CALC evaluation against values recorded from EPICS", () => {
  it.each(EPICS_VALUES)("%s = %d", (expression, expected) => {
    const ours = value(expression);
    expect(sameCalcValue(ours, expected), `${expression}: ${ours} vs EPICS ${expected}`).toBe(true);
  });
});

describe("CALC expressions EPICS refuses", () => {
  it.each(EPICS_REFUSED)("%j is refused", (expression) => {
    expect(() => compileCalc(expression)).toThrow(CalcSyntaxError);
  });

  it("names the expression, the reason and the character offset", () => {
    expect(() => compileCalc("A+")).toThrow('CALC "A+": expected an operand at 2');
    const error = (() => {
      try {
        compileCalc("(A+B");
      } catch (e) {
        return e as CalcSyntaxError;
      }
    })();
    expect(error?.offset).toBe(4);
    expect(error?.reason).toBe("expected ')'");
    expect(() => compileCalc("A $ B")).toThrow("unknown character '$' at 2");
    expect(() => compileCalc("ATAN2(1)")).toThrow("ATAN2 takes 2 arguments at 0");
    expect(() => compileCalc("2*S2R")).toThrow("unknown name 'S2R' at 2");
    expect(() => compileCalc("A:=1;B:=2")).toThrow("a final expression after an assignment at 9");
  });
});

describe("CALC input usage", () => {
  it("lists the inputs read, in letter order", () => {
    expect(compileCalc("c+a*ABS(L)").reads).toEqual(["A", "C", "L"]);
    expect(compileCalc("PI+VAL").reads).toEqual([]);
  });

  it("does not count a read that follows the expression's own store", () => {
    const expression = compileCalc("B:=A+1;C:=B*2;C+D");
    expect(expression.reads).toEqual(["A", "D"]);
    expect(expression.writes).toEqual(["B", "C"]);
  });
});

describe("CALC stores, VAL and RNDM", () => {
  it("returns the inputs after the stores", () => {
    const result = evaluateCalc(compileCalc("A:=A+1;B:=A*2;B"), { A: 1 });
    expect(result).toEqual({ value: 4, inputs: { A: 2, B: 4 } });
  });

  it("reads VAL from the options, and missing inputs as 0", () => {
    expect(evaluateCalc(compileCalc("VAL+F"), {}, { val: 41 }).value).toBe(41);
  });

  it("draws RNDM from the given source, so a seed repeats", () => {
    const draws = (seed: number) =>
      [1, 2, 3].map(() => value("RNDM", { random: seededRandom(seed) }));
    expect(draws(7)).toEqual(draws(7));
    const r = value("RNDM", { random: seededRandom(1) });
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(1);
  });

  it("gives 0 for INT32_MIN % -1, where softIoc dies of a floating-point exception", () => {
    expect(value("-2147483648%-1")).toBe(0);
  });
});
