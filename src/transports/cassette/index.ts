// Cassettes: record what a transport carries to a JSON-lines file, and replay it in its place,
// so a driver's tests run against traffic recorded from the real instrument.
export type {
  ByteCassette,
  ByteEvent,
  Cassette,
  CassetteHeader,
  CassetteKind,
  CassetteLine,
  ModbusCassette,
  ModbusEvent,
} from "./cassette-format.js";
export {
  CASSETTE_VERSION,
  byteEventSchema,
  cassetteChannels,
  cassetteHeaderSchema,
  loadCassette,
  modbusEventSchema,
  parseCassette,
} from "./cassette-format.js";
export type { ShownBytes } from "./cassette-errors.js";
export {
  CassetteEndError,
  CassetteFormatError,
  CassetteIncompleteError,
  CassetteMismatchError,
  ReplayedError,
} from "./cassette-errors.js";
export type { CassetteWriterOptions } from "./cassette-writer.js";
export { CassetteWriter } from "./cassette-writer.js";
export type { CassetteRecorderOptions } from "./cassette-recorder.js";
export { CassetteRecorder } from "./cassette-recorder.js";
export type { CassettePlayerOptions } from "./cassette-player.js";
export { CassettePlayer } from "./cassette-player.js";
export type { ReplayTiming } from "./replay-timing.js";
export type { ModbusCassettePlayerOptions, RecordModbusOptions } from "./modbus-cassette.js";
export { ModbusCassettePlayer, RecordingModbusClient, recordModbus } from "./modbus-cassette.js";
