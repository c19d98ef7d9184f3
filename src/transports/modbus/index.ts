export type { ModbusClientOptions, ModbusConnectionState } from "./modbus-client.js";
export { ModbusClient } from "./modbus-client.js";
export type { ModbusParity, ModbusRtuOptions, ModbusTcpOptions } from "./modbus-connection.js";
export type { ModbusRequestInfo } from "./modbus-exception-error.js";
export {
  MODBUS_EXCEPTIONS,
  MODBUS_FUNCTIONS,
  ModbusExceptionError,
  describeRequest,
  modbusExceptionName,
} from "./modbus-exception-error.js";
export type {
  ModbusRegisterBackendOptions,
  ModbusRegisterSpec,
  ModbusTable,
  ModbusValue,
  ModbusWritableSpec,
} from "./modbus-register-backend.js";
export { ModbusRegisterBackend } from "./modbus-register-backend.js";
export type { ModbusSignalOptions } from "./modbus-signal.js";
export { modbusSignalR, modbusSignalRW } from "./modbus-signal.js";
export type { RegisterCodecOptions, RegisterType, WordOrder } from "./register-codec.js";
export {
  bytesToRegisters,
  decodeRegisters,
  decodesToInteger,
  encodeRegisters,
  registerCount,
  registersToBytes,
} from "./register-codec.js";
export type { ModbusClientLike } from "./modbus-client-like.js";
