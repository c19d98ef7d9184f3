// Devices served as records: the database serveDevicesAs() generates and the channels its
// "hil Device" records read and write through.
export { serveDevicesAs, type ServeDevicesOptions, type ServedDevices } from "./served-devices.js";
