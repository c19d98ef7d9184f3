import { join } from "node:path";
import type { OutletStatus } from "../callbacks/index.js";
import { DocumentOutlets } from "../callbacks/index.js";
import type { Clock, Plan } from "../core/index.js";
import { VirtualClock, realClock } from "../core/index.js";
import type { Beamline } from "../config/index.js";
import { buildDevices, loadConfig } from "../config/index.js";
import { RunEngine } from "../engine/index.js";
import { baselineWrapper } from "../plans/index.js";
import { drainOutlets } from "./drain-outlets.js";
import { InterruptHandler } from "./interrupts.js";
import type { OutletOptions } from "./outlet-flags.js";
import { outletsFromOptions } from "./outlet-options.js";
import { planFromArgs } from "./plan-catalog.js";
import { isPlanModule, planFromModule } from "./plan-module.js";
import { parseMetadata } from "./run-metadata.js";
import { RunOutputs } from "./run-outputs.js";
import { Terminal } from "./terminal.js";
import { UsageError } from "./usage-error.js";

export interface RunCommandOptions extends OutletOptions {
  config: string;
  profile?: string;
  md: string[];
  out: string;
  /** "virtual" (default when every device is simulated) or "real". */
  clock?: string;
  seed: number;
}

/** `hil run <plan> [args...]`: runs a plan on the configured beamline; returns the exit code. */
export async function runCommand(
  plan: string,
  args: string[],
  options: RunCommandOptions,
): Promise<number> {
  const config = await loadConfig(options.config, { profile: options.profile });
  const clock = chooseClock(options.clock, config.isSimulated);
  const md = { ...config.metadata, ...parseMetadata(options.md) };
  const outletsConfig = outletsFromOptions(options, md);
  const outlets = DocumentOutlets.open(outletsConfig, { spoolRoot: join(options.out, "spool") });
  let beamline: Beamline | undefined;
  let runnable: Plan<unknown>;
  try {
    beamline = await buildDevices(config, { clock, seed: options.seed });
    runnable = await buildPlan(plan, args, beamline);
  } catch (error) {
    await beamline?.close();
    await outlets.close();
    throw error;
  }
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
  const uninstall = interrupts.install(re);
  let exitCode = 0;
  try {
    await re.run(runnable, outlets.empty ? outputs.callback : [outputs.callback, outlets.callback]);
  } catch (error) {
    terminal.note(`hil run: ${(error as Error).message}`);
    exitCode = 1;
  } finally {
    uninstall();
    terminal.close();
    outputs.close();
    await beamline.close();
  }
  if (!outlets.empty)
    reportOutlets(await drainOutlets(outlets, (text) => terminal.note(text)), terminal);
  for (const files of outputs.files) {
    terminal.note(`wrote ${[files.jsonl, files.csv, files.plot, files.nexus].join("\n      ")}`);
  }
  return exitCode;
}

/** One line per outlet that did not send everything: what was dropped, and where the rest waits. */
function reportOutlets(outlets: readonly OutletStatus[], terminal: Terminal): void {
  for (const outlet of outlets) {
    const why = outlet.lastError ? ` (${outlet.lastError})` : "";
    if (outlet.dropped > 0) {
      terminal.note(`${outlet.name}: ${outlet.dropped} documents were not sent${why}`);
    }
    if (outlet.lossless && outlet.pending > 0) {
      terminal.note(
        `${outlet.name}: ${outlet.pending} documents wait in the spool; the next hil run or hil serve with this --out and this topic sends them first${why}`,
      );
    }
  }
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
