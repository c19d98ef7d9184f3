// What connect() does to an axis: on the line, introduce it and bring it to READY with its
// limits; mocked, leave the mock signals where a plan's moves can complete.
import { NotConnectedError, setMockValue } from "../../src/core/index.js";
import type { Smc100Status } from "./protocol.js";
import type { Smc100Axis } from "./smc100-axis.js";
import { applyLimits, home } from "./smc100-homing.js";

/** The state a mocked controller rests in, so that a plan's moves complete. */
const MOCK_AT_REST = "READY from MOVING";

/**
 * Asks ID?, VE and TS; reads the settings so the limits are known before the first move;
 * homes when NOT REFERENCED and `homeOnConnect` is set, else writes the limits when READY.
 * Fails with a NotConnectedError naming `name`, whose cause names the port and address.
 */
export async function connectOnLine(
  axis: Smc100Axis,
  name: string,
  timeout: number,
): Promise<void> {
  try {
    const status = await withinTimeout(axis, introduce(axis), timeout, "connect");
    if (axis.homeOnConnect && status.state.group === "NOT_REFERENCED") await home(axis);
    else if (status.state.group === "READY") await applyLimits(axis);
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    throw new NotConnectedError(name, new Map([[name, cause]]));
  }
}

/** Opens nothing: the mocked axis rests READY with the configured soft limits. */
export function connectMocked({ signals, limits }: Smc100Axis): void {
  setMockValue(signals.state, MOCK_AT_REST);
  if (limits) {
    setMockValue(signals.lowLimit, limits[0]);
    setMockValue(signals.highLimit, limits[1]);
  }
}

/**
 * Opens the channel, identifies the axis, then reads every setting at once, so the Motor's
 * limit check and every subscriber start from the truth.
 */
async function introduce({ exchanges, signals }: Smc100Axis): Promise<Smc100Status> {
  await exchanges.open();
  const status = await exchanges.identify();
  signals.recordStatus(status);
  signals.goLive();
  await Promise.all([
    signals.readback.get(),
    signals.setpoint.get(),
    signals.velocity.get(),
    signals.acceleration.get(),
    signals.lowLimit.get(),
    signals.highLimit.get(),
  ]);
  return status;
}

/** `work`, or an Smc100Error about `what` once `timeout` seconds have passed on the clock. */
async function withinTimeout<T>(
  { clock, exchanges }: Smc100Axis,
  work: Promise<T>,
  timeout: number,
  what: string,
): Promise<T> {
  const abort = new AbortController();
  const expired = clock.sleep(timeout, { signal: abort.signal }).then(() => {
    throw exchanges.error(what, `did not finish within ${timeout} s`);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    abort.abort();
    expired.catch(() => undefined);
  }
}
