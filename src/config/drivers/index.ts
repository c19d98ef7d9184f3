// The drivers a config can name. A new driver registers itself with one line here.
import type { DriverSpec } from "../registry.js";
import { DriverRegistry } from "../registry.js";
import {
  simDetectorDriver,
  simMotorDriver,
  simSlitsDriver,
  simTemperatureDriver,
} from "./sim-drivers.js";
import { simCameraDriver } from "./sim-camera-driver.js";
import { epicsDetectorDriver, epicsMotorDriver, epicsSignalDriver } from "./epics-drivers.js";
import { eurothermDriver } from "./eurotherm-driver.js";
import { keithley6485Driver } from "./keithley-driver.js";
import { lakeshore336Driver } from "./lakeshore-driver.js";
import { smc100Driver } from "./smc100-driver.js";

export const driverRegistry = new DriverRegistry()
  .register(simMotorDriver)
  .register(simDetectorDriver)
  .register(simTemperatureDriver)
  .register(simSlitsDriver)
  .register(simCameraDriver)
  .register(smc100Driver)
  .register(eurothermDriver)
  .register(keithley6485Driver)
  .register(lakeshore336Driver)
  .register(epicsMotorDriver)
  .register(epicsDetectorDriver)
  .register(epicsSignalDriver);

/** Adds a driver to the default registry. */
export function registerDriver<P>(spec: DriverSpec<P>): void {
  driverRegistry.register(spec);
}
