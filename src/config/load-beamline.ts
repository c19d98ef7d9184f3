import type { Beamline } from "./beamline.js";
import { type BuildDevicesOptions, buildDevices } from "./build-devices.js";
import { type LoadConfigOptions, loadConfig } from "./load-config.js";

export type LoadBeamlineOptions = LoadConfigOptions & Omit<BuildDevicesOptions, "registry">;

/** loadConfig, then buildDevices: a config file to connected devices. */
export async function loadBeamline(
  path: string,
  options: LoadBeamlineOptions = {},
): Promise<Beamline> {
  const config = await loadConfig(path, options);
  return buildDevices(config, options);
}
