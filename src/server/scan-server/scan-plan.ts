/**
 * A submitted scan as one plan: one run whose events are the scan's logged samples. Each
 * command becomes messages for the engine (set, trigger, read, wait_for), so the engine
 * alone touches devices and a pause rewinds to the start of the active command.
 */
import {
  StatusTimeoutError,
  type Msg,
  type Plan,
  type Readings,
  type Status,
} from "../../core/index.ts";
import { checkpoint, closeRun, create, openRun, read, save } from "../../plans/index.ts";
import { flattenCommands, loopSteps } from "./addresses.ts";
import {
  hasBody,
  type IfCommand,
  type IncludeCommand,
  type LoopCommand,
  type ParallelCommand,
  type ScanCommand,
  type SetCommand,
  type WaitCommand,
} from "./commands.ts";
import { compare, equal } from "./conditions.ts";
import { describeCommand } from "./describe.ts";
import { javaDouble } from "./java-text.ts";
import { valueIn, type ScanDevice, type ScanDevices } from "./scan-devices.ts";

/** The plan's name in the run's start document. */
export const SCAN_PLAN_NAME = "scan_server_commands";

/** What the scan tells the one who follows it, and how it is asked to cut a command short. */
export interface ScanProgress {
  /** A command starts (the innermost active one). */
  command(command: ScanCommand): void;
  /** Work units finished. */
  workDone(units: number): void;
  /** Settles when the active command is to end early (PUT /scan/{id}/next). */
  next(): Promise<void>;
  /** Why the scan must end before its next command (a deadline passed), if it must. */
  expired?(): string | undefined;
}

export interface ScanPlanOptions {
  readonly id: number;
  readonly name: string;
  readonly devices: ScanDevices;
  /** The commands as they are now, so a patch changes what has not run yet. */
  readonly commands: () => readonly ScanCommand[];
  /** The commands of an include, read at submit. */
  readonly included?: (include: IncludeCommand) => readonly ScanCommand[];
  readonly progress?: ScanProgress;
}

/** A command failed: the message names the command and its address. */
export class ScanCommandError extends Error {
  constructor(
    readonly command: ScanCommand,
    why: string,
  ) {
    super(`${describeCommand(command)} (address ${command.address}): ${why}`);
    this.name = "ScanCommandError";
  }
}

const noProgress: ScanProgress = {
  command: () => undefined,
  workDone: () => undefined,
  next: () => new Promise<void>(() => undefined),
};

class Context {
  readonly options: ScanPlanOptions;
  readonly progress: ScanProgress;
  autoLog = false;
  readonly loopRuns = new Map<number, number>();
  readonly streams = new Map<string, string>();
  #group = 0;

  constructor(options: ScanPlanOptions) {
    this.options = options;
    this.progress = options.progress ?? noProgress;
  }

  group(): string {
    return `scan-${this.options.id}-${++this.#group}`;
  }

  /** The command as patched by now. */
  fresh<T extends ScanCommand>(command: T): T {
    if (command.address < 0) return command;
    const found = flattenCommands(this.options.commands()).find(
      (c) => c.address === command.address,
    );
    return found?.type === command.type ? (found as T) : command;
  }

  device(command: ScanCommand, name: string): ScanDevice {
    if (!this.options.devices.has(name)) {
      throw new ScanCommandError(command, `unknown device '${name}'`);
    }
    return this.options.devices.get(name);
  }

  streamOf(names: readonly string[]): string {
    const key = [...names].sort().join("\n");
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = this.streams.size === 0 ? "primary" : `log_${this.streams.size + 1}`;
      this.streams.set(key, stream);
    }
    return stream;
  }
}

/** The plan of a scan: opens a run carrying the scan's id and name, runs the commands, closes it. */
export function* scanPlan(options: ScanPlanOptions): Plan<void> {
  const context = new Context(options);
  yield* openRun({
    plan_name: SCAN_PLAN_NAME,
    scan_server_id: options.id,
    scan_name: options.name,
  });
  try {
    yield* runList(context, options.commands());
  } catch (error) {
    if (!(error instanceof ScanExpired)) throw error;
    yield* closeRun("abort", error.message);
    return;
  }
  yield* closeRun();
}

/** The scan ran out of time: its run ends as aborted. */
class ScanExpired extends Error {}

function* runList(context: Context, commands: readonly ScanCommand[]): Plan<void> {
  for (const command of commands) yield* runCommand(context, context.fresh(command));
}

function* runCommand(context: Context, command: ScanCommand): Plan<void> {
  const expired = context.progress.expired?.();
  if (expired !== undefined) throw new ScanExpired(expired);
  yield* checkpoint();
  context.progress.command(command);
  switch (command.type) {
    case "comment":
      break;
    case "config_log":
      context.autoLog = command.automatic;
      break;
    case "delay":
      yield* delay(context, command.seconds);
      break;
    case "set": {
      const status = yield* startSet(context, command);
      yield* finishSet(context, command, status);
      break;
    }
    case "wait":
      yield* runWait(context, command);
      break;
    case "log":
      yield* runLog(context, command, command.deviceNames);
      break;
    case "loop":
      yield* runLoop(context, command);
      return;
    case "if":
      yield* runIf(context, command);
      return;
    case "include":
      yield* runList(context, context.options.included?.(command) ?? []);
      return;
    case "sequence":
      yield* runList(context, command.body);
      break;
    case "parallel":
      yield* runParallel(context, command);
      break;
    case "script":
      throw new ScanCommandError(command, command.refused);
  }
  context.progress.workDone(1);
}

/** A Delay ends after its seconds, or early when asked for the next command. */
function* delay(context: Context, seconds: number): Plan<void> {
  if (!(seconds > 0)) return;
  try {
    yield { command: "wait_for", waitables: [() => context.progress.next()], timeout: seconds };
  } catch (error) {
    if (!(error instanceof StatusTimeoutError)) throw error;
  }
}

function* startSet(
  context: Context,
  command: SetCommand,
): Generator<Msg, Status | undefined, unknown> {
  const device = context.device(command, command.deviceName);
  if (device.movable === undefined) {
    throw new ScanCommandError(command, `'${command.deviceName}' cannot be set`);
  }
  return (yield {
    command: "set",
    obj: device.movable,
    value: command.value,
    group: context.group(),
  }) as Status | undefined;
}

function* finishSet(context: Context, command: SetCommand, status: Status | undefined): Plan<void> {
  if (command.completion && status !== undefined) {
    yield* awaitStatus(context, command, status, command.timeout);
  }
  const readback = command.readback === "" ? command.deviceName : command.readback;
  if (command.wait) {
    const desired = String(command.readbackValue) === "" ? command.value : command.readbackValue;
    yield* watchUntil(
      context,
      command,
      readback,
      (value) => equal(value, desired, command.tolerance),
      command.completion ? 0 : command.timeout,
    );
  }
  if (context.autoLog) yield* runLog(context, command, [readback]);
}

function* awaitStatus(
  context: Context,
  command: ScanCommand,
  status: PromiseLike<unknown>,
  timeout: number,
): Plan<void> {
  const msg = {
    command: "wait_for" as const,
    waitables: [() => Promise.race([status, context.progress.next()])],
  };
  try {
    yield timeout > 0 ? { ...msg, timeout } : msg;
  } catch (error) {
    if (error instanceof StatusTimeoutError) {
      throw new ScanCommandError(command, `no completion within ${javaDouble(timeout)} sec`);
    }
    throw error;
  }
}

/**
 * Waits until the value of `name` passes `test`, watching its changes; a timeout of 0 waits
 * for ever. The test's first argument is the value now, its second the value at the start.
 */
function* watchUntil(
  context: Context,
  command: ScanCommand,
  name: string,
  test: (value: unknown, initial: unknown) => boolean,
  timeout: number,
): Plan<void> {
  const device = context.device(command, name);
  let stop: (() => void) | undefined;
  const watch = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      stop?.();
      let done = false;
      let initial: { value: unknown } | undefined;
      const check = (value: unknown): void => {
        if (done) return;
        initial ??= { value };
        if (!test(value, initial.value)) return;
        done = true;
        stop?.();
        resolve();
      };
      const fail = (error: unknown): void => {
        if (done) return;
        done = true;
        stop?.();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      const source = device.watched;
      if (source.subscribe) {
        const unsubscribe = source.subscribe((reading) => check(reading.value), {
          onError: fail,
        });
        stop = unsubscribe;
        if (done) unsubscribe();
      } else {
        source.read().then((readings: Readings) => {
          const reading = valueIn(readings, name);
          check(reading?.value);
          if (!done) fail(new Error(`'${name}' does not report its changes`));
        }, fail);
      }
    });
  const msg = {
    command: "wait_for" as const,
    waitables: [() => Promise.race([watch(), context.progress.next()])],
  };
  try {
    yield timeout > 0 ? { ...msg, timeout } : msg;
  } catch (error) {
    if (error instanceof StatusTimeoutError) {
      throw new ScanCommandError(command, `timeout after ${javaDouble(timeout)} sec`);
    }
    throw error;
  } finally {
    stop?.();
  }
}

function* runWait(context: Context, command: WaitCommand): Plan<void> {
  yield* watchUntil(
    context,
    command,
    command.deviceName,
    (value, initial) =>
      compare(value, command.comparison, command.desiredValue, command.tolerance, initial),
    command.timeout,
  );
}

/** One event: the devices triggered when they can be, then read together. */
function* runLog(context: Context, command: ScanCommand, names: readonly string[]): Plan<void> {
  const unique = [...new Set(names)];
  if (unique.length === 0) throw new ScanCommandError(command, "no devices to log");
  const devices = unique.map((name) => context.device(command, name));
  const group = context.group();
  let triggered = false;
  for (const device of new Set(devices.map((d) => d.trigger))) {
    if (device === undefined) continue;
    yield { command: "trigger", obj: device, group };
    triggered = true;
  }
  if (triggered) yield { command: "wait", group };
  yield* create(context.streamOf(unique));
  for (const logged of new Set(devices.map((d) => d.logged))) yield* read(logged);
  yield* save();
}

/** The values a loop visits this time: from start to end, backwards on every other run when reversing. */
export function loopValues(loop: LoopCommand, run = 0): number[] {
  const steps = loopSteps(loop.start, loop.end, loop.stepSize);
  const direction = loop.end >= loop.start ? 1 : -1;
  const step = Math.abs(loop.stepSize) * direction;
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const value = loop.start + i * step;
    values.push(direction > 0 ? Math.min(value, loop.end) : Math.max(value, loop.end));
  }
  const reversing = Math.sign(loop.stepSize) !== direction && loop.start !== loop.end;
  return reversing && run % 2 === 1 ? values.reverse() : values;
}

function* runLoop(context: Context, first: LoopCommand): Plan<void> {
  const run = context.loopRuns.get(first.address) ?? 0;
  context.loopRuns.set(first.address, run + 1);
  const values = loopValues(first, run);
  for (const value of values) {
    const loop = context.fresh(first);
    yield* checkpoint();
    context.progress.command(loop);
    const set: SetCommand = {
      type: "set",
      address: loop.address,
      errorHandler: loop.errorHandler,
      deviceName: loop.deviceName,
      value,
      completion: loop.completion,
      wait: loop.wait,
      readback: loop.readback,
      readbackValue: "",
      tolerance: loop.tolerance,
      timeout: loop.timeout,
    };
    const status = yield* startSet(context, set);
    yield* finishSet(context, set, status);
    if (loop.body.length === 0) context.progress.workDone(1);
    else yield* runList(context, loop.body);
  }
}

function* runIf(context: Context, command: IfCommand): Plan<void> {
  const device = context.device(command, command.deviceName);
  const readings = yield* read(device.watched);
  const value = valueIn(readings, command.deviceName)?.value;
  if (compare(value, command.comparison, command.desiredValue, command.tolerance)) {
    yield* runList(context, command.body);
  }
}

/**
 * Parallel: its Sets start together and are then waited for one by one (a Set without a
 * timeout of its own gets the Parallel's); the other commands of its body run in order
 * after them.
 */
function* runParallel(context: Context, parallel: ParallelCommand): Plan<void> {
  const started = new Map<number, Status | undefined>();
  const body = parallel.body.map((c) => context.fresh(c));
  const sets = body.filter((c): c is SetCommand => c.type === "set");
  for (const set of sets) started.set(set.address, yield* startSet(context, set));
  for (const command of body) {
    if (command.type === "set") {
      context.progress.command(command);
      const timeout = command.timeout > 0 ? command.timeout : parallel.timeout;
      yield* finishSet(context, { ...command, timeout }, started.get(command.address));
      context.progress.workDone(1);
    } else {
      yield* runCommand(context, command);
    }
  }
}

/** The device names a scan logs: what its data may show. */
export function loggedNames(
  commands: readonly ScanCommand[],
  included: (include: IncludeCommand) => readonly ScanCommand[] = () => [],
): Set<string> {
  const names = new Set<string>();
  const visit = (list: readonly ScanCommand[]): void => {
    for (const command of list) {
      if (command.type === "log") command.deviceNames.forEach((n) => names.add(n));
      if (command.type === "set") names.add(command.readback || command.deviceName);
      if (command.type === "loop") names.add(command.readback || command.deviceName);
      if (command.type === "include") visit(included(command));
      if (hasBody(command)) visit(command.body);
    }
  };
  visit(commands);
  return names;
}

/** Every device name the commands use. */
export function usedNames(
  commands: readonly ScanCommand[],
  included: (include: IncludeCommand) => readonly ScanCommand[] = () => [],
): string[] {
  const names = new Set<string>();
  const visit = (list: readonly ScanCommand[]): void => {
    for (const command of list) {
      switch (command.type) {
        case "set":
        case "loop":
          names.add(command.deviceName);
          if (command.readback !== "") names.add(command.readback);
          break;
        case "wait":
        case "if":
          names.add(command.deviceName);
          break;
        case "log":
          command.deviceNames.forEach((n) => names.add(n));
          break;
        case "include":
          visit(included(command));
          break;
        default:
          break;
      }
      if (hasBody(command)) visit(command.body);
    }
  };
  visit(commands);
  return [...names];
}
