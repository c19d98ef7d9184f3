// caget / camonitor in a few lines of our Channel Access client:
//   npx tsx examples/ca-get.ts <pv> [--monitor] [--timeout <seconds>]
// It searches with the process environment (EPICS_CA_ADDR_LIST, EPICS_CA_AUTO_ADDR_LIST,
// EPICS_CA_SERVER_PORT, ...), prints the value with its units, alarm and time stamp, and
// with --monitor every update until Ctrl-C. A PV that does not answer exits with status 1.
import { Command, InvalidArgumentError } from "commander";
import {
  CaAlarmSeverity,
  CaAlarmStatus,
  CaClient,
  DBR,
  epicsTimestampToUnix,
  type DbrData,
} from "../src/ca/index.js";

function seconds(text: string): number {
  const value = Number(text);
  if (!(value > 0)) throw new InvalidArgumentError("expected a positive number of seconds");
  return value;
}

const program = new Command("ca-get")
  .description("print a PV's value (with units, alarm and time stamp), or every update")
  .argument("<pv>", "process variable name")
  .option("-m, --monitor", "print every update until interrupted")
  .option("-t, --timeout <seconds>", "seconds to wait for the PV", seconds, 5)
  .showHelpAfterError();
program.parse();
const [pv] = program.args as [string];
const options = program.opts<{ monitor?: boolean; timeout: number }>();

const severityNames = Object.keys(CaAlarmSeverity);
const statusNames = Object.keys(CaAlarmStatus);

/** The value as text: numbers with the PV's precision, enums as their state. */
function formatValue(data: DbrData, info: DbrData): string {
  const states = info.enumStrings;
  const one = (x: string | number): string => {
    if (typeof x === "string") return x;
    if (states && Number.isInteger(x) && states[x] !== undefined) return states[x];
    return info.precision !== undefined && !Number.isInteger(x)
      ? x.toFixed(info.precision)
      : String(x);
  };
  const values = Array.from(data.value as ArrayLike<string | number>, one);
  if (values.length === 1) return values[0]!;
  const shown = values.slice(0, 10).join(" ");
  return `[${values.length}] ${shown}${values.length > 10 ? " ..." : ""}`;
}

function formatLine(data: DbrData, info: DbrData): string {
  const stamp = data.timestamp
    ? new Date(epicsTimestampToUnix(data.timestamp) * 1000).toISOString()
    : "";
  const units = info.units ? ` ${info.units}` : "";
  const alarm =
    data.severity !== undefined && data.severity > 0
      ? ` ${severityNames[data.severity] ?? data.severity} ${statusNames[data.status ?? 0] ?? data.status}`
      : "";
  return `${pv} ${stamp} ${formatValue(data, info)}${units}${alarm}`;
}

const client = new CaClient({ timeout: options.timeout });
const channel = client.channel(pv);
try {
  await channel.connected();
  // Units, precision and enum states come with the CTRL form; strings have none.
  const info: DbrData =
    channel.nativeType === DBR.STRING
      ? { value: [] }
      : await channel.get({ type: "ctrl", count: 1 });
  if (!options.monitor) {
    console.log(formatLine(await channel.get({ type: "time" }), info));
    await client.close();
  } else {
    channel.on("disconnect", (reason) => console.log(`${pv} *** disconnected: ${reason}`));
    channel.monitor({ type: "time", onError: (error) => console.error(error.message) }, (data) =>
      console.log(formatLine(data, info)),
    );
    process.once("SIGINT", () => void client.close());
    process.once("SIGTERM", () => void client.close());
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  await client.close();
  process.exitCode = 1;
}
