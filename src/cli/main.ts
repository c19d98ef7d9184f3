// `hil`: validate a beamline config, look at its devices, run plans on it.
import { Command, InvalidArgumentError } from "commander";
import { HilError } from "../core/index.js";
import { addOutletOptions } from "./outlet-flags.js";

// Each command's module loads when that command runs: together they take seconds to load,
// and `hil ioc` should serve as soon as its records are built. Help lists the plans and the
// emulators, so asking for help (or for the commands that take them) loads those two.
const argv = process.argv.slice(2);
const needsCatalogs =
  argv.length === 0 ||
  ["run", "emulate", "help"].includes(argv[0]!) ||
  argv.some((a) => a === "--help" || a === "-h");
const catalogs = needsCatalogs
  ? {
      plans: (await import("./plan-catalog.js")).planCatalog,
      emulators: (await import("./hil-emulate.js")).emulatedDrivers,
    }
  : undefined;

const EXIT_USAGE = 2;

function integer(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError("expected an integer");
  return value;
}

const program = new Command("hil")
  .description(
    "Drive beamline instruments: devices from YAML, bluesky-style plans, event-model data",
  )
  .exitOverride()
  .showHelpAfterError();

const profileOption = "--profile <name>";
const profileHelp =
  '"sim" swaps devices to their "sim:" twins, "mock" connects the real drivers to mock ' +
  "signals with no transport (default: $HIL_PROFILE)";

program
  .command("validate")
  .description("check a config file")
  .argument("<config>", "YAML config file")
  .option(profileOption, profileHelp, process.env.HIL_PROFILE)
  .action(async (config: string, options: { profile?: string }) => {
    const { validateCommand } = await import("./hil-validate.js");
    process.exitCode = await validateCommand(config, options);
  });

program
  .command("devices")
  .description("connect every device of a config and show its readings and configuration")
  .argument("<config>", "YAML config file")
  .option(profileOption, profileHelp, process.env.HIL_PROFILE)
  .option("--seed <n>", "seed of the simulated devices", integer, 0)
  .action(async (config: string, options: { profile?: string; seed: number }) => {
    const { devicesCommand } = await import("./hil-devices.js");
    process.exitCode = await devicesCommand(config, options);
  });

const runCommandDefinition = program
  .command("run")
  .description("run a plan on the beamline of a config")
  .argument(
    "<plan>",
    catalogs ? `a plan (${Object.keys(catalogs.plans).join(", ")}) or a module path` : "a plan",
  )
  .argument("[args...]", "the plan's arguments, e.g. scan det m1 -1 1 21")
  .requiredOption("--config <file>", "YAML config file")
  .option(profileOption, profileHelp, process.env.HIL_PROFILE)
  .option("--md <key=value...>", "metadata for the start document", [])
  .option("--out <dir>", "where the JSONL, CSV and plot go", "out")
  .option("--clock <kind>", '"virtual" (default when all devices are simulated) or "real"')
  .option("--seed <n>", "seed of the simulated devices", integer, 0);
addOutletOptions(runCommandDefinition)
  .addHelpText(
    "after",
    catalogs
      ? `\nPlans:\n${Object.values(catalogs.plans)
          .map((p) => `  ${p.usage}`)
          .join("\n")}`
      : "",
  )
  .action(async (plan: string, args: string[], options) => {
    const { runCommand } = await import("./hil-run.js");
    process.exitCode = await runCommand(plan, args, options);
  });

program
  .command("zmq-proxy")
  .description("forward documents from 0MQ publishers to subscribers, as bluesky-0MQ-proxy")
  .argument("<in>", "port publishers connect to (hil run --zmq; 0: a free one)", integer)
  .argument("<out>", "port subscribers connect to (RemoteDispatcher; 0: a free one)", integer)
  .option("--host <address>", 'interface both ports bind ("*": every interface)', "127.0.0.1")
  .action(async (inPort: number, outPort: number, options: { host: string }) => {
    const { zmqProxyCommand } = await import("./hil-zmq-proxy.js");
    process.exitCode = await zmqProxyCommand(inPort, outPort, options);
  });

program
  .command("emulate")
  .description("run an instrument's emulator, reachable as the real instrument, until Ctrl-C")
  .argument("<driver>", catalogs ? `one of ${catalogs.emulators.join(", ")}` : "a driver")
  .option("--link <path>", "where a serial instrument's port appears (default: a temp path)")
  .option("--port <n>", "TCP port of a networked instrument (default: a free one)", integer)
  .action(async (driver: string, options: { link?: string; port?: number }) => {
    const { emulateCommand } = await import("./hil-emulate.js");
    process.exitCode = await emulateCommand(driver, options);
  });

program
  .command("record")
  .description("record one device's traffic to a cassette while connecting to it and reading it")
  .argument("<config>", "YAML config file")
  .argument("<device>", "the device to record")
  .argument("<out>", "the cassette to write (.jsonl)")
  .option(profileOption, profileHelp, process.env.HIL_PROFILE)
  .option("--connect-timeout <s>", "seconds the device may take to connect", Number, 10)
  .action(
    async (
      config: string,
      device: string,
      out: string,
      options: { profile?: string; connectTimeout: number },
    ) => {
      const { recordCommand } = await import("./hil-record.js");
      process.exitCode = await recordCommand(config, device, out, options);
    },
  );

program
  .command("replay")
  .description("replay a cassette made by hil record against its driver, without the instrument")
  .argument("<cassette>", "cassette file (.jsonl)")
  .option("--no-strict", "let a request that differs skip ahead to the next matching one")
  .action(async (cassette: string, options: { strict: boolean }) => {
    const { replayCommand } = await import("./hil-replay.js");
    process.exitCode = await replayCommand(cassette, options);
  });

const collect = (value: string, previous: string[]): string[] => [...previous, value];

program
  .command("ioc")
  .description(
    "serve a beamline's devices and EPICS database files over Channel Access, as softIoc does, until Ctrl-C",
  )
  .option("--db <file>", "a .db or .template file (repeatable)", collect, [])
  .option("--substitutions <file>", "a .substitutions file (repeatable)", collect, [])
  .option("-m, --macros <defs>", "macros for the files, e.g. P=BL:,M=m1 (repeatable)", collect, [])
  .option("--acf <file>", "access security file")
  .option("--autosave <file>", "save info(autosaveFields) fields here, restore them at start")
  .option("--port <n>", "TCP and UDP port (default: $EPICS_CAS_SERVER_PORT, else 5064)", integer)
  .option(
    "--config <file>",
    'a beamline config: its devices served as records (beside --db files: with its ioc: section or --prefix); DTYP "hil Device", OUT "@m1" in a file drives its device m1',
  )
  .option(profileOption, profileHelp, process.env.HIL_PROFILE)
  .option("--prefix <text>", "before every served device's PV name, e.g. BL: (BL:m1, BL:det)")
  .option("--no-shell", "no iocsh even on a terminal")
  .action(async (options) => {
    const { iocCommand } = await import("./hil-ioc.js");
    process.exitCode = await iocCommand(options);
  });

const serveCommandDefinition = program
  .command("serve")
  .description(
    "serve a beamline's RunEngine to remote clients: the queue server's HTTP API and web page, the dispatcher's websocket, the Scan Server's REST; until Ctrl-C",
  )
  .requiredOption("--config <file>", "YAML config file")
  .option(profileOption, profileHelp, process.env.HIL_PROFILE)
  .option("--host <address>", "where every face listens", "127.0.0.1")
  .option("--port <n>", "the queue server's HTTP port", integer, 60610)
  .option("--dispatcher-port <n>", "the dispatcher's websocket port (0: off)", integer, 8765)
  .option("--scan-server-port <n>", "the Scan Server's REST port (0: off)", integer, 4810)
  .option("--plans <module...>", "plan modules offered beside the built-in plans", [])
  .option("--out <dir>", "where runs are written and the queue's database lives", "out")
  .option("--db <file>", "the queue's SQLite file (default: <out>/queue.sqlite)")
  .option("--clock <kind>", '"real" (default) or "virtual" (every device simulated)')
  .option("--seed <n>", "seed of the simulated devices", integer, 0)
  .option("--in-process", "run plans in this process rather than a worker that can be killed")
  .option("--no-open", "leave the environment closed until a client opens it")
  .option("--anonymous-read", "let clients without a key read status, queue and history");
addOutletOptions(serveCommandDefinition).action(async (options) => {
  const { serveCommand } = await import("./hil-serve.js");
  process.exitCode = await serveCommand(options);
});

program
  .command("environment-worker", { hidden: true })
  .requiredOption("--config <file>", "YAML config file")
  .option(profileOption, profileHelp)
  .option("--out <dir>", "where runs are written", "out")
  .option("--clock <kind>", '"real" or "virtual"')
  .option("--seed <n>", "seed of the simulated devices", integer, 0)
  .option("--plans <module...>", "plan modules", [])
  .action(async (options) => {
    const { environmentWorkerCommand } = await import("./hil-environment-worker.js");
    await environmentWorkerCommand(options);
  });

program
  .command("sockets")
  .description(
    "serve a config's sockets: section, PyExpLabSys's UDP data sockets fed from its devices, until Ctrl-C",
  )
  .requiredOption("--config <file>", "YAML config file with a sockets: section")
  .option(profileOption, profileHelp, process.env.HIL_PROFILE)
  .action(async (options: { config: string; profile?: string }) => {
    const { socketsCommand } = await import("./hil-sockets.js");
    process.exitCode = await socketsCommand(options);
  });

program
  .command("ca-repeater")
  .description("run this host's Channel Access repeater (caRepeater) until Ctrl-C")
  .option("--port <n>", "UDP port (default: $EPICS_CA_REPEATER_PORT, else 5065)", integer)
  .action(async (options: { port?: number }) => {
    const { caRepeaterCommand } = await import("./hil-ca-repeater.js");
    process.exitCode = await caRepeaterCommand(options);
  });

function seconds(text: string): number {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value)))
    throw new InvalidArgumentError("expected seconds > 0");
  return value;
}

const caTimeoutOption = [
  "-w, --timeout <sec>",
  "seconds to wait for the PVs (default 1)",
  seconds,
] as const;

program
  .command("caget")
  .description("read PVs once and print them as EPICS caget does")
  .argument("<pv...>", "PV names")
  .option(...caTimeoutOption)
  .action(async (pvs: string[], options: { timeout?: number }) => {
    const { cagetCommand } = await import("./hil-ca.js");
    process.exitCode = await cagetCommand(pvs, options);
  });

program
  .command("camonitor")
  .description("print every update of PVs as EPICS camonitor does, until Ctrl-C")
  .argument("<pv...>", "PV names")
  .option(...caTimeoutOption)
  .action(async (pvs: string[], options: { timeout?: number }) => {
    const { camonitorCommand } = await import("./hil-ca.js");
    process.exitCode = await camonitorCommand(pvs, options);
  });

// `hil queue add|start|stop|status|history|pause|resume|env`: its client loads when one runs.
(await import("./hil-queue.js")).addQueueCommands(program);
// `hil runs ls|show|export|reindex`: the run catalog loads when one runs.
(await import("./hil-runs.js")).addRunsCommands(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof HilError) {
    console.error(error.message);
    process.exitCode = EXIT_USAGE; // config and usage errors: nothing was run
  } else if (isCommanderExit(error)) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    throw error;
  }
}

function isCommanderExit(error: unknown): error is { exitCode: number } {
  return typeof error === "object" && error !== null && "code" in error && "exitCode" in error;
}
