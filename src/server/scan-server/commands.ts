/**
 * The Scan Server's command tree as plain immutable data. Every command has the address
 * the server gives it at submit (-1 until then) and, except Comment, the name of an error
 * handler ("" = abort the scan on error).
 */
import type { ScanValue } from "./java-text.ts";

/** Comparisons in the server's enum order; the XML carries the enum name. */
export const COMPARISONS = [
  "EQUALS",
  "UNEQUAL",
  "ABOVE",
  "AT_LEAST",
  "BELOW",
  "AT_MOST",
  "INCREASE_BY",
  "DECREASE_BY",
  "IN",
  "NOT_IN",
] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** The label of each comparison: what command descriptions show and a patch value names. */
export const COMPARISON_LABELS: Readonly<Record<Comparison, string>> = {
  EQUALS: "=",
  UNEQUAL: "!=",
  ABOVE: ">",
  AT_LEAST: ">=",
  BELOW: "<",
  AT_MOST: "<=",
  INCREASE_BY: "to increase by",
  DECREASE_BY: "to decrease by",
  IN: "in",
  NOT_IN: "not in",
};

export function isComparison(text: string): text is Comparison {
  return (COMPARISONS as readonly string[]).includes(text);
}

interface Addressed {
  /** Depth-first pre-order position in the submitted scan; -1 when not assigned. */
  readonly address: number;
}

interface Handled extends Addressed {
  readonly errorHandler: string;
}

export interface CommentCommand extends Addressed {
  readonly type: "comment";
  readonly text: string;
}

export interface SetCommand extends Handled {
  readonly type: "set";
  readonly deviceName: string;
  readonly value: ScanValue;
  /** Await the put callback. */
  readonly completion: boolean;
  /** Wait until the readback matches. */
  readonly wait: boolean;
  /** Readback device; "" means the device itself. */
  readonly readback: string;
  /** Value the readback must reach; "" means the written value. */
  readonly readbackValue: ScanValue;
  readonly tolerance: number;
  /** Seconds; 0 waits forever. */
  readonly timeout: number;
}

export interface WaitCommand extends Handled {
  readonly type: "wait";
  readonly deviceName: string;
  readonly comparison: Comparison;
  /** For IN and NOT_IN the raw list text, kept unparsed as the server does. */
  readonly desiredValue: ScanValue;
  readonly tolerance: number;
  readonly timeout: number;
}

export interface LoopCommand extends Handled {
  readonly type: "loop";
  readonly deviceName: string;
  readonly start: number;
  readonly end: number;
  /** Never 0 (the server turns 0 into 1). */
  readonly stepSize: number;
  readonly completion: boolean;
  readonly wait: boolean;
  readonly readback: string;
  readonly tolerance: number;
  readonly timeout: number;
  readonly body: readonly ScanCommand[];
}

export interface DelayCommand extends Handled {
  readonly type: "delay";
  readonly seconds: number;
}

export interface LogCommand extends Handled {
  readonly type: "log";
  readonly deviceNames: readonly string[];
}

export interface ConfigLogCommand extends Handled {
  readonly type: "config_log";
  readonly automatic: boolean;
}

export interface IncludeCommand extends Handled {
  readonly type: "include";
  readonly scanFile: string;
  /** `a=1, b=2` */
  readonly macros: string;
}

export interface IfCommand extends Handled {
  readonly type: "if";
  readonly deviceName: string;
  readonly comparison: Comparison;
  readonly desiredValue: ScanValue;
  readonly tolerance: number;
  readonly body: readonly ScanCommand[];
}

export interface ParallelCommand extends Handled {
  readonly type: "parallel";
  readonly timeout: number;
  readonly body: readonly ScanCommand[];
}

export interface SequenceCommand extends Handled {
  readonly type: "sequence";
  readonly body: readonly ScanCommand[];
}

/**
 * A Jython script class. Read and written like the server does, but this server runs no
 * scripts, so the command carries the reason it is refused.
 */
export interface ScriptCommand extends Handled {
  readonly type: "script";
  readonly script: string;
  readonly arguments: readonly string[];
  readonly refused: string;
}

export type ScanCommand =
  | CommentCommand
  | SetCommand
  | WaitCommand
  | LoopCommand
  | DelayCommand
  | LogCommand
  | ConfigLogCommand
  | IncludeCommand
  | IfCommand
  | ParallelCommand
  | SequenceCommand
  | ScriptCommand;

export type ScanCommandType = ScanCommand["type"];

export type CommandWithBody = LoopCommand | IfCommand | ParallelCommand | SequenceCommand;

export function hasBody(command: ScanCommand): command is CommandWithBody {
  return (
    command.type === "loop" ||
    command.type === "if" ||
    command.type === "parallel" ||
    command.type === "sequence"
  );
}

/** The element name of each command, which is also its `type`. */
export const COMMAND_TYPES: readonly ScanCommandType[] = [
  "comment",
  "config_log",
  "delay",
  "if",
  "include",
  "log",
  "loop",
  "parallel",
  "script",
  "sequence",
  "set",
  "wait",
];

/** The server's class name of each command, which its patch errors show. */
export const COMMAND_CLASS_NAMES: Readonly<Record<ScanCommandType, string>> = {
  comment: "CommentCommand",
  set: "SetCommand",
  wait: "WaitCommand",
  loop: "LoopCommand",
  delay: "DelayCommand",
  log: "LogCommand",
  config_log: "ConfigLogCommand",
  include: "IncludeCommand",
  if: "IfCommand",
  parallel: "ParallelCommand",
  sequence: "SequenceCommand",
  script: "ScriptCommand",
};

export function scriptRefusal(script: string): string {
  return `Script command '${script}' is refused: this scan server does not run Jython scripts`;
}

/** The first command in the tree that this server refuses to run, with the reason. */
export function findRefused(
  commands: readonly ScanCommand[],
): { command: ScriptCommand; message: string } | undefined {
  for (const command of commands) {
    if (command.type === "script") {
      const where = command.address >= 0 ? ` (address ${command.address})` : "";
      return { command, message: command.refused + where };
    }
    if (hasBody(command)) {
      const found = findRefused(command.body);
      if (found) return found;
    }
  }
  return undefined;
}
