// The Newport SMC100 driver: the protocol as data and pure functions, and the motor on it.
export type {
  CommandErrorReport,
  CommandForm,
  CommandSpec,
  ControllerState,
  ErrorStringReport,
  Mnemonic,
  PositionerErrorBit,
  PositionerErrorName,
  PositionerErrors,
  Smc100ErrorDetails,
  Smc100Status,
  StateGroup,
} from "./protocol.js";
export {
  COMMANDS,
  COMMAND_ERRORS,
  CONTROLLER_STATES,
  MAX_ADDRESS,
  MIN_ADDRESS,
  NO_ERROR,
  POSITIONER_ERRORS,
  SMC100_LINE,
  Smc100Error,
  checkAddress,
  commands,
  describeCommandError,
  describePositionerErrors,
  echoProblem,
  formatNumber,
  hasPowerCutMarker,
  isReady,
  parseErrorReply,
  parseErrorStringReply,
  parseNumberReply,
  parseStatusReply,
  parseTextReply,
  positionerErrors,
  stripEcho,
} from "./protocol.js";
export type { Smc100Identity } from "./smc100-exchanges.js";
export type { Smc100MotorOptions } from "./smc100-motor.js";
export { Smc100Motor } from "./smc100-motor.js";
export type { Smc100Channel, Smc100ChannelOptions } from "./smc100-channel.js";
export { SMC100_SERIAL, smc100Channel } from "./smc100-channel.js";
