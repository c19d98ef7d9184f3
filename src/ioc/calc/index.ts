// The EPICS CALC expression language of the calc and calcout records, with no I/O.
export { compileCalc } from "./compile.js";
export type { CalcExpression } from "./compile.js";
export { evaluateCalc } from "./evaluate.js";
export type { CalcInputs, CalcOptions, CalcResult } from "./evaluate.js";
export { CalcSyntaxError } from "./errors.js";
export { seededRandom } from "./random.js";
export { CALC_INPUTS } from "./tokens.js";
export type { CalcInput } from "./tokens.js";
