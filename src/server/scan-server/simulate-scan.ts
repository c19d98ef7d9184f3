/**
 * POST /simulate: what a scan would do, step by step, and how long it would take. A move
 * takes what the device's motion model says (a trapezoid from distance, velocity and
 * acceleration, through MoveEstimator), a Log what its detectors' triggers take, a Delay its
 * seconds, a Wait whose condition the simulated values do not meet its timeout.
 */
import { isMoveEstimator, isTriggerEstimator } from "../../core/index.ts";
import type { IncludeCommand, ScanCommand, SetCommand } from "./commands.ts";
import { compare } from "./conditions.ts";
import { describeCommand } from "./describe.ts";
import { loopValues, ScanCommandError } from "./scan-plan.ts";
import { valueIn, type ScanDevices } from "./scan-devices.ts";

export interface ScanSimulation {
  /** The log as the server sends it in `<simulation><log>`. */
  readonly log: string;
  readonly seconds: number;
}

export interface SimulateScanOptions {
  /** The devices whose current values and motion models the estimate starts from. */
  readonly devices?: ScanDevices;
  readonly included?: (include: IncludeCommand) => readonly ScanCommand[];
}

interface Step {
  readonly at: number;
  readonly text: string;
}

/** `HH:MM:SS` of whole seconds; hours go past 24. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}`;
}

export async function simulateScan(
  commands: readonly ScanCommand[],
  options: SimulateScanOptions = {},
): Promise<ScanSimulation> {
  const values = new Map<string, unknown>();
  const steps: Step[] = [];
  let time = 0;
  const loopRuns = new Map<number, number>();
  const devices = options.devices;

  const valueOf = async (name: string): Promise<unknown> => {
    if (values.has(name)) return values.get(name);
    let value: unknown;
    if (devices?.has(name)) {
      value = valueIn(await devices.get(name).watched.read(), name)?.value;
    }
    values.set(name, value);
    return value;
  };
  const log = (text: string, seconds = 0): void => {
    steps.push({ at: time, text });
    time += seconds;
  };

  const set = async (command: SetCommand): Promise<void> => {
    const from = await valueOf(command.deviceName);
    let seconds = 0;
    const movable = devices?.has(command.deviceName)
      ? devices.get(command.deviceName).movable
      : undefined;
    if (typeof command.value === "number" && isMoveEstimator(movable)) {
      seconds = movable.estimateMoveDuration(
        command.value,
        typeof from === "number" ? from : undefined,
      );
      if (command.timeout > 0 && (command.completion || command.wait)) {
        seconds = Math.min(seconds, command.timeout);
      }
    }
    log(describeCommand(command), seconds);
    values.set(command.deviceName, command.value);
    if (command.readback !== "" && command.readback !== command.deviceName) {
      const target = String(command.readbackValue) === "" ? command.value : command.readbackValue;
      values.set(command.readback, target);
    }
  };

  const run = async (list: readonly ScanCommand[]): Promise<void> => {
    for (const command of list) {
      switch (command.type) {
        case "set":
          await set(command);
          break;
        case "delay":
          log(describeCommand(command), Math.max(0, command.seconds));
          break;
        case "wait": {
          const value = await valueOf(command.deviceName);
          const met = compare(value, command.comparison, command.desiredValue, command.tolerance);
          log(describeCommand(command), met ? 0 : command.timeout);
          if (!met && command.comparison === "EQUALS") {
            values.set(command.deviceName, command.desiredValue);
          }
          break;
        }
        case "log": {
          let seconds = 0;
          for (const name of command.deviceNames) {
            const trigger = devices?.has(name) ? devices.get(name).trigger : undefined;
            if (isTriggerEstimator(trigger)) {
              seconds = Math.max(seconds, trigger.estimateTriggerDuration());
            }
          }
          log(describeCommand(command), seconds);
          break;
        }
        case "loop": {
          const runs = loopRuns.get(command.address) ?? 0;
          loopRuns.set(command.address, runs + 1);
          for (const value of loopValues(command, runs)) {
            await set({
              type: "set",
              address: command.address,
              errorHandler: command.errorHandler,
              deviceName: command.deviceName,
              value,
              completion: command.completion,
              wait: command.wait,
              readback: command.readback,
              readbackValue: "",
              tolerance: command.tolerance,
              timeout: command.timeout,
            });
            await run(command.body);
          }
          break;
        }
        case "if": {
          const value = await valueOf(command.deviceName);
          log(describeCommand(command));
          if (compare(value, command.comparison, command.desiredValue, command.tolerance)) {
            await run(command.body);
          }
          break;
        }
        case "include":
          log(describeCommand(command));
          await run(options.included?.(command) ?? []);
          break;
        case "parallel":
        case "sequence":
          log(describeCommand(command));
          await run(command.body);
          break;
        case "script":
          throw new ScanCommandError(command, command.refused);
        default:
          log(describeCommand(command));
      }
    }
  };

  await run(commands);
  let text = "Simulation:\n--------\n";
  for (const step of steps) text += `${formatDuration(step.at)} - ${step.text}\n`;
  text += `--------\n${formatDuration(time)}   Total estimated execution time\n`;
  return { log: text, seconds: time };
}
