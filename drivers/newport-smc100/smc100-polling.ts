// Following the controller through its signals: one poll is TS then TP, repeated on the clock
// while a move or a home search runs. Going through the signals is what lets a mocked axis
// run the same sequence.
import type { ControllerState, Smc100Status } from "./protocol.js";
import {
  CONTROLLER_STATES_BY_NAME,
  commands,
  describePositionerErrors,
  positionerErrors,
} from "./protocol.js";
import type { Smc100Axis } from "./smc100-axis.js";

/** What one poll (TS then TP) tells: the state, its error bits and the position. */
export interface Polled {
  readonly state: ControllerState;
  readonly errorWord: number;
  readonly position: number;
}

/** Reads TS (through `state`): the positioner errors and the controller state. */
export async function readStatus(axis: Smc100Axis): Promise<Smc100Status> {
  const { signals } = axis;
  const state = stateNamed(axis, await signals.state.get());
  const errorWord = await signals.positionerErrors.get();
  return { state, errorWord, errors: positionerErrors(errorWord) };
}

/**
 * Reads state (TS) and readback (TP), asked back to back since both are queued at once,
 * then the error bits that TS recorded.
 */
export async function poll(axis: Smc100Axis): Promise<Polled> {
  const { signals } = axis;
  const [stateName, position] = await Promise.all([signals.state.get(), signals.readback.get()]);
  const errorWord = await signals.positionerErrors.get();
  return { state: stateNamed(axis, stateName), errorWord, position };
}

/**
 * Polls TS and TP every pollPeriod while the state's group is `group`; returns the first
 * status outside it. Error bits that were not set before the command (`baseline`), or
 * `within` seconds passing, fail at once (stopping the axis if it is still in `group`).
 */
export async function waitWhile(
  axis: Smc100Axis,
  group: "MOVING" | "HOMING",
  baseline: number,
  command: string,
  tick: (position: number) => void,
  within = Infinity,
): Promise<Polled> {
  const { clock, signals, exchanges } = axis;
  const deadline = clock.now() + within;
  for (;;) {
    const status = await poll(axis);
    const { position } = status;
    const fresh = status.errorWord & ~baseline;
    const late = clock.now() > deadline;
    if (fresh !== 0 || late) {
      // Best effort: the failure below is the news, not a refused stop.
      if (status.state.group === group) {
        await signals.stopCommand.set(true).then(undefined, () => undefined);
      }
      const problem = late
        ? `did not finish within ${within} s (at ${position}, ${describeStatus(status)})`
        : `failed at ${position}: ${describeStatus(status, fresh)}`;
      throw exchanges.error(command, problem);
    }
    tick(position);
    if (status.state.group !== group) return status;
    await clock.sleep(axis.pollPeriod);
  }
}

/** "DISABLE from MOVING (positive end of run)". */
export function describeStatus(
  status: Pick<Smc100Status, "state" | "errorWord">,
  word = status.errorWord,
): string {
  const errors = describePositionerErrors(word);
  return errors.length === 0 ? status.state.name : `${status.state.name} (${errors.join(", ")})`;
}

/** The state `state` holds by name; a mock may hold any text, so it is checked. */
function stateNamed({ signals, exchanges }: Smc100Axis, name: string): ControllerState {
  const state = CONTROLLER_STATES_BY_NAME.get(name);
  if (!state) {
    throw exchanges.error(
      commands.TS(exchanges.address),
      `${signals.state.name} holds ${JSON.stringify(name)}, which is no SMC100 state`,
    );
  }
  return state;
}
