// The Lake Shore Model 336 driver: the command set as data and pure functions, and one control
// loop of the instrument as a temperature controller on it.
export type {
  CheckedReply,
  HeaterRange,
  Input,
  LakeShore336ErrorDetails,
  LakeShore336Identity,
  Output,
  PidGains,
  RampSetting,
  ReadingStatusFlag,
  VoltageRange,
} from "./protocol.js";
export {
  ESR_BITS,
  ESR_ERROR_MASK,
  HEATER_RANGES,
  INPUTS,
  LAKESHORE336_LINE,
  LakeShore336Error,
  OUTPUTS,
  PID_LIMITS,
  RAMP_RATE_LIMITS,
  READING_STATUS_BITS,
  VOLTAGE_RANGES,
  checkInput,
  checkOutput,
  checkedReplyProblem,
  checkedRequest,
  commands,
  describeEsr,
  formatNumber,
  isHeater,
  isModel336,
  parseCheckedReply,
  parseIdentity,
  parseInteger,
  parseKelvin,
  parseNumber,
  parsePid,
  parseRamp,
  parseRampStatus,
  parseReadingStatus,
  rangeChoices,
  readingSeverity,
  readingStatusFlags,
  repliesOf,
} from "./protocol.js";
export type { LakeShore336Options } from "./lakeshore-336.js";
export { LakeShore336 } from "./lakeshore-336.js";
export type { LakeShore336Channel, LakeShore336ChannelOptions } from "./lakeshore-336-channel.js";
export { LAKESHORE336_SERIAL, lakeshore336Channel } from "./lakeshore-336-channel.js";
