/**
 * The one-line text of a command, as the server shows the active command in scan info
 * (`<command>`) and in simulation logs: `Set 'x' = 10.0`, `Delay 2.0 sec`, `Log 'x', 'y'`.
 */
import {
  COMPARISON_LABELS,
  type LoopCommand,
  type ScanCommand,
  type SetCommand,
} from "./commands.ts";
import { javaDouble as d, quoteStringOrDouble } from "./java-text.ts";

export function describeCommand(command: ScanCommand): string {
  switch (command.type) {
    case "comment":
      return command.text === "" ? "-- Empty Comment --" : command.text;
    case "set":
      return `Set '${command.deviceName}' = ${quoteStringOrDouble(command.value)}${condition(command)}`;
    case "wait": {
      let text = `Wait for '${command.deviceName}' ${COMPARISON_LABELS[command.comparison]} `;
      text += quoteStringOrDouble(command.desiredValue);
      if (command.comparison === "EQUALS") text += ` (+-${d(command.tolerance)})`;
      if (command.timeout > 0) text += ` (${d(command.timeout)} sec timeout)`;
      return text;
    }
    case "loop": {
      // A step against the start-to-end direction makes the loop turn around on each run.
      const reversing =
        (command.start <= command.end && command.stepSize < 0) ||
        (command.start >= command.end && command.stepSize > 0);
      return (
        `Loop '${command.deviceName}' = ${d(command.start)} ... ${d(command.end)}, ` +
        `step ${d(command.stepSize)}${condition(command)}${reversing ? " (reversing)" : ""}`
      );
    }
    case "delay":
      return `Delay ${d(command.seconds)} sec`;
    case "log":
      return `Log ${command.deviceNames.map((name) => `'${name}'`).join(", ")}`;
    case "config_log":
      return command.automatic ? "Log mode: automatically" : "Log mode: on demand";
    case "include":
      return `Include '${command.scanFile}'${command.macros === "" ? "" : `, ${command.macros}`}`;
    case "if": {
      let text = `If '${command.deviceName}' ${COMPARISON_LABELS[command.comparison]} `;
      text += quoteStringOrDouble(command.desiredValue);
      if (command.comparison === "EQUALS") text += ` (+-${d(command.tolerance)})`;
      return text;
    }
    case "parallel":
      return command.timeout > 0 ? `Parallel, ${d(command.timeout)} sec timeout` : "Parallel";
    case "sequence":
      return "Sequence";
    case "script": {
      const args = command.arguments.map((arg) => `'${arg}'`).join(", ");
      return `Script '${command.script}'${args === "" ? "" : ` (${args})`}`;
    }
  }
}

/** How a set or loop waits: completion, then the readback check. */
function condition(command: SetCommand | LoopCommand): string {
  let text = "";
  if (command.completion) {
    text += " with completion";
    if (command.timeout > 0) text += ` in ${d(command.timeout)} sec`;
  }
  if (command.wait) {
    text += command.completion ? " (check for '" : " (wait for '";
    text += command.readback === "" ? command.deviceName : command.readback;
    if (command.type === "set") {
      text += "'";
      if (String(command.readbackValue) !== "") {
        text += ` = ${quoteStringOrDouble(command.readbackValue)}`;
      }
      if (command.tolerance > 0) text += ` +-${d(command.tolerance)}`;
    } else if (command.tolerance > 0) {
      // The loop closes the quote only together with its tolerance.
      text += `' +-${d(command.tolerance)}`;
    }
    if (command.timeout > 0 && !command.completion) text += `, ${d(command.timeout)} sec timeout`;
    text += ")";
  }
  return text;
}
