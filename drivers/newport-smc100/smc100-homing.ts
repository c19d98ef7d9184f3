// The home search, and the soft limits that wait for it: the SMC100 refuses SL and SR
// (TE H) until the axis has been homed, so limits are written after a home or once READY.
import { commands } from "./protocol.js";
import type { Smc100Axis } from "./smc100-axis.js";
import { describeStatus, readStatus, waitWhile } from "./smc100-polling.js";

/** State 0x32: the only end of a home search that counts as homed. */
const READY_FROM_HOMING = 0x32;

/**
 * Sends OR (through `homeCommand`), polls until the axis leaves HOMING within homeTimeout
 * and fails unless it ends READY from HOMING; then writes the configured soft limits.
 * Only from NOT REFERENCED: in any other state the controller refuses OR.
 */
export async function home(axis: Smc100Axis): Promise<void> {
  const { exchanges, signals } = axis;
  const command = commands.OR(exchanges.address);
  const { errorWord } = await readStatus(axis);
  await signals.homeCommand.set(true);
  const after = await waitWhile(
    axis,
    "HOMING",
    errorWord,
    command,
    () => undefined,
    axis.homeTimeout,
  );
  if (after.state.code !== READY_FROM_HOMING) {
    throw exchanges.error(
      command,
      `ended in ${describeStatus(after)} instead of READY from HOMING`,
    );
  }
  await applyLimits(axis);
}

/** Writes the configured soft limits (volatile: SL and SR are not saved to flash). */
export async function applyLimits({ signals, limits }: Smc100Axis): Promise<void> {
  if (!limits) return;
  await signals.lowLimit.set(limits[0]);
  await signals.highLimit.set(limits[1]);
}
