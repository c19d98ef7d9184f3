// A stand-in for the engine, owned by each test: it answers a plan's messages at once, so
// tests can drive plans synchronously and compare the messages they yield.
import type {
  Location,
  Locatable,
  Msg,
  Plan,
  Readable,
  Readings,
  Stageable,
  Triggerable,
} from "../../src/core/index.js";
import { Status } from "../../src/core/index.js";

export interface ResponderOptions {
  /** What `read` answers (default: the device's name → its tracked position, else 1). */
  readings?: (obj: Readable, positions: ReadonlyMap<object, number>) => Readings;
  /** Positions locate starts from (default 0); sets move them. */
  positions?: Iterable<readonly [object, number]>;
  /** A readback offset from the setpoint, to tell which one a plan uses. */
  readbackOffset?: number;
  /** Throws an error into the plan instead of answering, as the engine does on a failure. */
  fail?: (msg: Msg, index: number) => Error | undefined;
  /** Answers `set` (default: a finished Status). */
  onSet?: (msg: Extract<Msg, { command: "set" }>) => Status;
}

export interface Outcome<R> {
  messages: Msg[];
  result?: R;
  error?: unknown;
  positions: Map<object, number>;
}

/** Runs `plan` to its end against the fake engine. */
export function respond<R>(plan: Plan<R>, options: ResponderOptions = {}): Outcome<R> {
  const positions = new Map<object, number>(options.positions ?? []);
  const messages: Msg[] = [];
  let tokens = 0;
  const answer = (msg: Msg): unknown => {
    switch (msg.command) {
      case "open_run":
        return "uid-1";
      case "close_run":
        return "uid-1";
      case "set":
        if (typeof msg.value === "number") positions.set(msg.obj, msg.value);
        return options.onSet ? options.onSet(msg) : Status.finished();
      case "trigger":
        return Status.finished();
      case "read":
        return (options.readings ?? defaultReadings)(msg.obj, positions);
      case "locate": {
        const setpoint = positions.get(msg.obj) ?? 0;
        const location: Location<number> = {
          setpoint,
          readback: setpoint + (options.readbackOffset ?? 0),
        };
        return location;
      }
      case "subscribe":
        return ++tokens;
      default:
        return undefined;
    }
  };
  try {
    let step = plan.next();
    while (!step.done) {
      const msg = step.value;
      messages.push(msg);
      const error = options.fail?.(msg, messages.length - 1);
      step = error ? plan.throw(error) : plan.next(answer(msg));
      if (messages.length > 10_000) throw new Error("the plan does not end");
    }
    return { messages, result: step.value, positions };
  } catch (error) {
    return { messages, error, positions };
  }
}

function defaultReadings(obj: Readable, positions: ReadonlyMap<object, number>): Readings {
  return { [obj.name]: { value: positions.get(obj) ?? 1, timestamp: 0 } };
}

/** One line per message, e.g. `set m1 -1`, `read det`, `create primary`. */
export function lines(messages: readonly Msg[]): string[] {
  return messages.map((msg) => {
    switch (msg.command) {
      case "set":
        return `set ${msg.obj.name} ${String(msg.value)}`;
      case "create":
        return `create ${msg.stream}`;
      case "sleep":
        return `sleep ${msg.seconds}`;
      case "declare_stream":
        return `declare_stream ${msg.stream}`;
      case "close_run":
        return msg.exitStatus ? `close_run ${msg.exitStatus}` : "close_run";
      case "read":
      case "trigger":
      case "locate":
      case "stage":
      case "unstage":
      case "stop":
        return `${msg.command} ${msg.obj.name}`;
      default:
        return msg.command;
    }
  });
}

/** The messages of one command. */
export function only<C extends Msg["command"]>(
  messages: readonly Msg[],
  command: C,
): Array<Extract<Msg, { command: C }>> {
  return messages.filter((msg): msg is Extract<Msg, { command: C }> => msg.command === command);
}

export type FakeMotor = Locatable<number> & Readable & { hints: { fields: string[] } };
export type FakeDetector = Readable & Triggerable & Stageable;

/** A motor-shaped object: plans only look at its name and hints and which methods it has. */
export function fakeMotor(name: string, fields: string[] = [name]): FakeMotor {
  return {
    name,
    hints: { fields },
    set: () => Status.finished(),
    locate: () => Promise.resolve({ setpoint: 0, readback: 0 }),
    read: () => Promise.resolve({}),
    describe: () => Promise.resolve({}),
  };
}

export function fakeDetector(name: string): FakeDetector {
  return {
    name,
    trigger: () => Status.finished(),
    read: () => Promise.resolve({}),
    describe: () => Promise.resolve({}),
    stage: () => Promise.resolve(),
    unstage: () => Promise.resolve(),
  };
}

/** A readable that cannot be triggered, staged or moved, e.g. a temperature gauge. */
export function fakeGauge(name: string): Readable {
  return { name, read: () => Promise.resolve({}), describe: () => Promise.resolve({}) };
}
