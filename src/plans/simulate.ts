import type { Location, Movable, Msg, Plan } from "../core/index.js";
import { Status, isMoveEstimator, isTriggerEstimator } from "../core/index.js";

export interface SimulateOptions {
  /** Where motors start; others start where they are, as their estimators see it. */
  positions?: ReadonlyMap<Movable<number>, number>;
  /** Give up after this many messages, e.g. on an endless count (default 100 000). */
  maxMessages?: number;
}

export interface Simulation {
  /** Every message the plan yielded, in order. */
  messages: Msg[];
  /** Estimated seconds the plan takes: sleeps plus the waits for moves and triggers. */
  duration: number;
  /** Runs opened. */
  runs: number;
  /** Why the plan stopped early, e.g. it needed a real reading. */
  error?: unknown;
}

/**
 * Runs a plan with no hardware: sets, triggers and a flyer's prepare, kickoff and complete
 * finish at once, reads and collects give no data, locate gives the position the plan last
 * set (else the one in `positions`, else 0). Devices are not touched; only their duration
 * estimators are asked (a flight lasts the timeForMove it was prepared with). Each wait adds
 * the longest estimate among the moves and triggers of its group, which run in parallel.
 */
export function simulate(
  plan: Plan<unknown>,
  { positions = new Map(), maxMessages = 100_000 }: SimulateOptions = {},
): Simulation {
  const simulation: Simulation = { messages: [], duration: 0, runs: 0 };
  const tracked = new Map<object, number>(positions);
  const flights = new Map<object, number>();
  const pending = new Map<string | undefined, number[]>();
  const runUids: string[] = [];
  let tokens = 0;

  const start = (group: string | undefined, seconds: number): Status => {
    pending.set(group, [...(pending.get(group) ?? []), seconds]);
    return Status.finished();
  };

  const respond = (msg: Msg): unknown => {
    switch (msg.command) {
      case "open_run":
        simulation.runs += 1;
        runUids.push(`simulated-run-${simulation.runs}`);
        return runUids.at(-1);
      case "close_run":
        return runUids.pop();
      case "set": {
        const from = tracked.get(msg.obj);
        const to = msg.value;
        if (typeof to !== "number") return start(msg.group, 0);
        tracked.set(msg.obj, to);
        const seconds = isMoveEstimator(msg.obj) ? msg.obj.estimateMoveDuration(to, from) : 0;
        return start(msg.group, seconds);
      }
      case "trigger":
        return start(
          msg.group,
          isTriggerEstimator(msg.obj) ? msg.obj.estimateTriggerDuration() : 0,
        );
      case "wait":
        simulation.duration += Math.max(0, ...(pending.get(msg.group) ?? []));
        pending.delete(msg.group);
        return undefined;
      case "sleep":
        simulation.duration += msg.seconds;
        return undefined;
      case "locate": {
        const position = tracked.get(msg.obj) ?? 0;
        return { setpoint: position, readback: position } satisfies Location<number>;
      }
      case "prepare": {
        // A flyer prepared to move for timeForMove seconds (FlyMotorInfo) takes that long.
        const value = msg.value as { timeForMove?: unknown } | undefined;
        if (typeof value?.timeForMove === "number") flights.set(msg.obj, value.timeForMove);
        return start(msg.group, 0);
      }
      case "kickoff":
        return start(msg.group, 0);
      case "complete":
        return start(msg.group, flights.get(msg.obj) ?? 0);
      case "collect":
        return 0;
      case "read":
        return {};
      case "subscribe":
        return ++tokens;
      default:
        return undefined;
    }
  };

  try {
    let step = plan.next();
    while (!step.done) {
      if (simulation.messages.length >= maxMessages) {
        throw new RangeError(`gave up after ${maxMessages} messages: does the plan end?`);
      }
      simulation.messages.push(step.value);
      step = plan.next(respond(step.value));
    }
  } catch (error) {
    simulation.error = error;
  }
  return simulation;
}
