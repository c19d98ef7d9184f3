// What the parts of one axis share. Smc100Motor builds it once; polling, homing and connect
// take it instead of the motor, so each can be read without the Motor around it.
import type { Clock } from "../../src/core/index.js";
import type { Smc100Exchanges } from "./smc100-exchanges.js";
import type { Smc100Signals } from "./smc100-signals.js";

export interface Smc100Axis {
  readonly clock: Clock;
  readonly exchanges: Smc100Exchanges;
  readonly signals: Smc100Signals;
  /** Seconds between TS/TP polls while moving or homing. */
  readonly pollPeriod: number;
  /** Seconds a home search may take before it is stopped and fails. */
  readonly homeTimeout: number;
  /** Home (OR) during connect when the controller is NOT REFERENCED. */
  readonly homeOnConnect: boolean;
  /** Soft limits written to SL/SR once the axis is READY. */
  readonly limits: readonly [number, number] | undefined;
}
