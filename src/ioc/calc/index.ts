// The EPICS CALC expression language of the calc and calcout records, with no I/O, as
// EPICS base 7 has it (checked against its softIoc by test/ioc/calc):
//   operands  A-L, VAL, RNDM, numbers (hex words too), PI D2R R2D INF NAN
//   binding   loosest first, all left to right: ?: ; || | OR XOR ; && & AND << >> >>> ;
//             < <= > >= = == != # ; + - ; * / % ; ^ ** ; prefix - ! ~ NOT and functions
//   stores    `A:=expr;` before a final expression
// compileCalc() checks an expression once; evaluateCalc() runs it as often as needed.
export { compileCalc } from "./compile.js";
export type { CalcExpression } from "./compile.js";
export { evaluateCalc } from "./evaluate.js";
export type { CalcInputs, CalcOptions, CalcResult } from "./evaluate.js";
export { CalcSyntaxError } from "./errors.js";
export { CALC_INPUTS } from "./tokens.js";
export type { CalcInput } from "./tokens.js";
