/**
 * Addresses and work units as the Scan Server assigns them at submit: addresses in
 * depth-first pre-order from 0, a command with a body taking one before its body.
 */
import { hasBody, type IncludeCommand, type ScanCommand } from "./commands.ts";

/** Returns the tree with every command numbered from `first` on. */
export function assignAddresses(
  commands: readonly ScanCommand[],
  first = 0,
): readonly ScanCommand[] {
  let next = first;
  const number = (command: ScanCommand): ScanCommand => {
    const address = next++;
    if (hasBody(command)) {
      return { ...command, address, body: command.body.map(number) };
    }
    return { ...command, address };
  };
  return commands.map(number);
}

/** The highest address inside a command (its own when it has no body). */
export function lastAddress(command: ScanCommand): number {
  if (hasBody(command) && command.body.length > 0) {
    return lastAddress(command.body[command.body.length - 1]!);
  }
  return command.address;
}

/**
 * The command at an address, looked up as the server's patch does: only loop bodies are
 * searched, so a command inside if, parallel or sequence is not found. Also gives the
 * enclosing loops, outermost first.
 */
export function findPatchTarget(
  commands: readonly ScanCommand[],
  address: number,
): { command: ScanCommand; loops: readonly ScanCommand[] } | undefined {
  for (const command of commands) {
    if (command.address === address) return { command, loops: [] };
    if (command.type === "loop") {
      const found = findPatchTarget(command.body, address);
      if (found) return { command: found.command, loops: [command, ...found.loops] };
    }
  }
  return undefined;
}

/** Every command in pre-order, body commands after their parent. */
export function flattenCommands(commands: readonly ScanCommand[]): ScanCommand[] {
  const out: ScanCommand[] = [];
  const visit = (command: ScanCommand): void => {
    out.push(command);
    if (hasBody(command)) command.body.forEach(visit);
  };
  commands.forEach(visit);
  return out;
}

/** How many values a loop visits: ceil(|end-start|/|step|) + 1, the last clamped to end. */
export function loopSteps(start: number, end: number, stepSize: number): number {
  return Math.ceil(Math.abs((end - start) / stepSize)) + 1;
}

/**
 * Work units of one command: 1 per leaf; a loop its steps times its body (or its steps
 * when the body is empty); sequence and parallel 1 plus their body; if its body. An
 * included file is not read here, so include counts what `includedUnits` says (0 by default).
 */
export function workUnits(
  command: ScanCommand,
  includedUnits: (include: IncludeCommand) => number = () => 0,
): number {
  const body = (list: readonly ScanCommand[]): number =>
    list.reduce((sum, c) => sum + workUnits(c, includedUnits), 0);
  switch (command.type) {
    case "loop": {
      const steps = loopSteps(command.start, command.end, command.stepSize);
      return command.body.length === 0 ? steps : steps * body(command.body);
    }
    case "sequence":
    case "parallel":
      return 1 + body(command.body);
    case "if":
      return body(command.body);
    case "include":
      return includedUnits(command);
    default:
      return 1;
  }
}

export function totalWorkUnits(
  commands: readonly ScanCommand[],
  includedUnits?: (include: IncludeCommand) => number,
): number {
  return commands.reduce((sum, c) => sum + workUnits(c, includedUnits), 0);
}
