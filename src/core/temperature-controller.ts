import type { Locatable, Stoppable } from "./protocols.js";
import { isLocatable, isStoppable } from "./protocols.js";
import { SignalR, SignalRW } from "./signal.js";

/**
 * A heater loop, whatever the instrument: set(T) changes the setpoint and completes once the
 * temperature has settled there. Serving it as PVs and showing it in tables rely on these
 * four signals; each carries its own units (a ramp is K/s on one controller, K/min on another).
 */
export interface TemperatureController extends Locatable<number>, Stoppable {
  /** The measured temperature: the device's primary reading. */
  readonly temperature: SignalR<number>;
  /** The temperature asked for last. */
  readonly setpoint: SignalR<number>;
  /** How fast the setpoint moves to a new target; 0 jumps at once. */
  readonly rampRate: SignalRW<number>;
  /** Heater output, %. */
  readonly heater: SignalR<number>;
}

export function isTemperatureController(obj: unknown): obj is TemperatureController {
  if (!isLocatable(obj) || !isStoppable(obj)) return false;
  const device = obj as unknown as Record<string, unknown>;
  return (
    device.temperature instanceof SignalR &&
    device.setpoint instanceof SignalR &&
    device.rampRate instanceof SignalRW &&
    device.heater instanceof SignalR
  );
}
