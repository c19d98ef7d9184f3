import { loadConfig } from "../config/index.js";

/** `hil validate <config>`: checks a config without touching hardware. */
export async function validateCommand(
  path: string,
  { profile }: { profile?: string },
): Promise<number> {
  const config = await loadConfig(path, { profile });
  const names = config.devices.map((device) => `${device.name} (${device.driver})`);
  console.log(
    `${path}: ${config.devices.length} devices${profile ? ` in profile ${profile}` : ""}`,
  );
  for (const name of names) console.log(`  ${name}`);
  return 0;
}
