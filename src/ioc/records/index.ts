// The running IOC database: records with EPICS processing semantics, and the CA provider
// that serves their fields.
export { SEVR, STAT } from "./alarm-codes.js";
export {
  DEVICE_DTYP,
  type ChannelState,
  type DeviceChannel,
  type DeviceChannels,
} from "./device-channel.js";
export { IocDatabase, type IocDatabaseOptions, type LinkProblem } from "./database.js";
export { FieldPutError, type PutValue } from "./field-put.js";
export { type FieldAccess, FieldPv } from "./field-pv.js";
export { type FieldValue, fieldTexts, formatField } from "./field-types.js";
export { putText } from "./text-io.js";
export { IocProvider } from "./provider.js";
export {
  DBE_ALARM,
  DBE_LOG,
  DBE_PROPERTY,
  DBE_VALUE,
  IocRecord,
  type RecordHost,
} from "./record.js";
export type { FieldMetadata, RecordSupport } from "./support.js";
export { motorSupport } from "./types/motor.js";
export { deviceMotors, type MotorResolver } from "./types/motor-device.js";
