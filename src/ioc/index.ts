// The IOC: EPICS database files served over Channel Access, with records processing on the
// clock, access security and autosave; and the shell `hil ioc` offers on a terminal.
export { Ioc, type IocOptions, serveDevices } from "./ioc.js";
export { serveDevicesAs, type ServeDevicesOptions, type ServedDevices } from "./devices/index.js";
export { runShellLine, type ShellContext, type ShellResult } from "./shell.js";
export { type DbSource, DbError, loadDatabase, menus, parseMacroDefinitions } from "./db/index.js";
export {
  IocDatabase,
  type IocDatabaseOptions,
  IocProvider,
  IocRecord,
  type RecordSupport,
  SEVR,
  STAT,
  deviceMotors,
  motorSupport,
  type MotorResolver,
} from "./records/index.js";
