import type { Readings } from "../core/index.js";
import { VirtualClock, isConfigurable, realClock } from "../core/index.js";
import { buildDevices, loadConfig } from "../config/index.js";

/** `hil devices <config>`: connects every device and shows its readings and configuration. */
export async function devicesCommand(
  path: string,
  { profile, seed }: { profile?: string; seed: number },
): Promise<number> {
  const config = await loadConfig(path, { profile });
  const clock = config.isSimulated ? new VirtualClock({ start: realClock.now() }) : realClock;
  const beamline = await buildDevices(config, { clock, seed });
  const rows: string[][] = [];
  for (const [name, device] of beamline.devices) {
    const [readings, keys] = await Promise.all([device.read(), device.describe()]);
    const configuration = isConfigurable(device) ? await device.readConfiguration() : {};
    const units = isConfigurable(device) ? await device.describeConfiguration() : {};
    rows.push(...tableRows(name, "read", readings, (field) => keys[field]?.units));
    rows.push(...tableRows(name, "config", configuration, (field) => units[field]?.units));
  }
  await beamline.close();
  printTable(["device", "", "field", "value", "units"], rows);
  return 0;
}

function tableRows(
  device: string,
  section: string,
  readings: Readings,
  unitsOf: (field: string) => string | undefined,
): string[][] {
  return Object.entries(readings).map(([field, { value }]) => [
    device,
    section,
    field,
    formatValue(value),
    unitsOf(field) ?? "",
  ]);
}

function formatValue(value: unknown): string {
  if (typeof value === "number") return String(Number(value.toPrecision(6)));
  if (ArrayBuffer.isView(value))
    return `[${(value as unknown as ArrayLike<number>).length} values]`;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}
