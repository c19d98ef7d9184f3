import { join } from "node:path";
import { ZmqPublisher, parseZmqAddress } from "../callbacks/index.js";
import type { Clock, Plan } from "../core/index.js";
import { VirtualClock, realClock } from "../core/index.js";
import type { Beamline } from "../config/index.js";
import { buildDevices, loadConfig } from "../config/index.js";
import { RunEngine } from "../engine/index.js";
import { baselineWrapper } from "../plans/index.js";
import { InterruptHandler } from "./interrupts.js";
import { planFromArgs } from "./plan-catalog.js";
import { isPlanModule, planFromModule } from "./plan-module.js";
import { parseMetadata } from "./run-metadata.js";
import { RunOutputs } from "./run-outputs.js";
import { Terminal } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export interface RunCommandOptions {
  config: string;
  profile?: string;
  md: string[];
  out: string;
  /** "virtual" (default when every device is simulated) or "real". */
  clock?: string;
  seed: number;
  /** A 0MQ proxy's in-port, HOST:PORT, to publish the run's documents to. */
  zmq?: string;
  /** "msgpack" (default) or "json". */
  zmqSerializer?: string;
}

/** `hil run <plan> [args...]`: runs a plan on the configured beamline; returns the exit code. */
export async function runCommand(
  plan: string,
  args: string[],
  options: RunCommandOptions,
): Promise<number> {
  const zmqSerializer = options.zmqSerializer ?? "msgpack";
  if (options.zmq === undefined && options.zmqSerializer !== undefined) {
    throw new UsageError("--zmq-serializer needs --zmq HOST:PORT");
  }
  if (zmqSerializer !== "msgpack" && zmqSerializer !== "json") {
    throw new UsageError(`--zmq-serializer ${zmqSerializer}: expected "msgpack" or "json"`);
  }
  if (options.zmq !== undefined) parseZmqAddress(options.zmq); // a bad one fails before devices connect
  const config = await loadConfig(options.config, { profile: options.profile });
  const clock = chooseClock(options.clock, config.isSimulated);
  const beamline = await buildDevices(config, { clock, seed: options.seed });
  const md = { ...beamline.metadata, ...parseMetadata(options.md) };
  const runnable = await buildPlan(plan, args, beamline);
  const terminal = new Terminal();
  const outputs = new RunOutputs(options.out, beamline, terminal);
  const interrupts = new InterruptHandler(terminal);
  const re = new RunEngine({
    clock,
    md,
    scanIdFile: join(options.out, "scan_id.json"),
    waitingHook: terminal.follow,
    stateHook: interrupts.onState,
  });
  const zmq = options.zmq
    ? new ZmqPublisher(options.zmq, { serializer: zmqSerializer })
    : undefined;
  const uninstall = interrupts.install(re);
  let exitCode = 0;
  try {
    await re.run(runnable, zmq ? [outputs.callback, zmq.callback] : outputs.callback);
  } catch (error) {
    terminal.note(`hil run: ${(error as Error).message}`);
    exitCode = 1;
  } finally {
    uninstall();
    terminal.close();
    outputs.close();
    await beamline.close();
    await zmq?.close();
  }
  if (zmq?.dropped) terminal.note(`${zmq.name}: ${zmq.dropped} documents were not sent`);
  for (const files of outputs.files) {
    terminal.note(`wrote ${[files.jsonl, files.csv, files.plot, files.nexus].join("\n      ")}`);
  }
  return exitCode;
}

export function chooseClock(requested: string | undefined, simulated: boolean): Clock {
  const kind = requested ?? (simulated ? "virtual" : "real");
  if (kind === "real") return realClock;
  if (kind !== "virtual") throw new UsageError(`--clock ${kind}: expected "virtual" or "real"`);
  if (!simulated) {
    throw new UsageError(
      "--clock virtual needs every device simulated or mocked (try --profile sim or --profile mock)",
    );
  }
  // Simulated time that starts now, so documents carry believable timestamps.
  return new VirtualClock({ start: realClock.now() });
}

async function buildPlan(plan: string, args: string[], beamline: Beamline): Promise<Plan<unknown>> {
  const inner = isPlanModule(plan)
    ? await planFromModule(plan, { devices: beamline, args })
    : planFromArgs(plan, args, beamline);
  const baseline = beamline.withLabel("baseline");
  return baseline.length > 0 ? baselineWrapper(inner, baseline) : inner;
}
