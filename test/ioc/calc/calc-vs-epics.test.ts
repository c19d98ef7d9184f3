// The CALC evaluator against EPICS base's own calc record, served by softIoc.
import { describe, expect, it } from "vitest";
import { compileCalc, evaluateCalc } from "../../../src/ioc/calc/index.js";
import { softIocCalcValues, softIocRefusedCalcs } from "../../support/epics-calc-peer.js";
import { epicsBase } from "../../support/peers.js";
import { sameCalcValue } from "./same-value.js";
import { EPICS_REFUSED, EPICS_VALUES, VECTOR_INPUTS } from "./epics-vectors.js";

const expressions = EPICS_VALUES.map(([expression]) => expression);

describe.runIf(epicsBase().available)("CALC against softIoc", () => {
  it(`gives EPICS's value for each of ${expressions.length} expressions`, async () => {
    const theirs = await softIocCalcValues(expressions, VECTOR_INPUTS);
    const differences = expressions.flatMap((expression, index) => {
      const ours = evaluateCalc(compileCalc(expression), VECTOR_INPUTS).value;
      return sameCalcValue(ours, theirs[index]!)
        ? []
        : [`${expression}: ${ours} vs ${theirs[index]}`];
    });
    expect(differences).toEqual([]);
  });

  it("refuses what softIoc refuses", async () => {
    expect(await softIocRefusedCalcs(EPICS_REFUSED)).toEqual(EPICS_REFUSED);
    for (const expression of EPICS_REFUSED) expect(() => compileCalc(expression)).toThrow();
  });
});
