import type { Hints } from "./device.js";
import type { DataKeys, Readings } from "./reading.js";
import type { Status } from "./status.js";

/**
 * What the engine, plans and callbacks know of devices. They never import a device class:
 * anything with these members can be scanned, real or simulated.
 */
export interface Readable {
  readonly name: string;
  read(): Promise<Readings>;
  describe(): Promise<DataKeys>;
}

export interface HasHints {
  readonly hints: Hints;
}

export interface Configurable {
  readonly name: string;
  readConfiguration(): Promise<Readings>;
  describeConfiguration(): Promise<DataKeys>;
}

/** A Configurable whose configuration can be changed, e.g. `{exposure: 0.5}`. */
export interface Reconfigurable extends Configurable {
  configure(settings: Record<string, unknown>): Promise<void>;
}

export interface Movable<T = number> {
  readonly name: string;
  set(value: T): Status;
}

/** Where a movable was asked to go and where it is. */
export interface Location<T> {
  setpoint: T;
  readback: T;
}

export interface Locatable<T = number> extends Movable<T> {
  locate(): Promise<Location<T>>;
}

export interface Triggerable {
  readonly name: string;
  trigger(): Status;
}

export interface StopOptions {
  /** Whether the interrupted operation counts as a success (ophyd's default: no). */
  success?: boolean;
}

export interface Stoppable {
  readonly name: string;
  stop(options?: StopOptions): Promise<void>;
}

export interface Stageable {
  readonly name: string;
  stage(): Promise<void>;
  unstage(): Promise<void>;
}

/** A device that can tell how long a move will take without moving: for simulate(). */
export interface MoveEstimator {
  /** Seconds to move to `target` from `from` (default: where it is now). */
  estimateMoveDuration(target: number, from?: number): number;
}

/** A detector that can tell how long a trigger will take: for simulate(). */
export interface TriggerEstimator {
  estimateTriggerDuration(): number;
}

function hasMethods(obj: unknown, ...methods: string[]): boolean {
  if (typeof obj !== "object" || obj === null) return false;
  const record = obj as Record<string, unknown>;
  return methods.every((method) => typeof record[method] === "function");
}

export const isReadable = (obj: unknown): obj is Readable => hasMethods(obj, "read", "describe");
export const isConfigurable = (obj: unknown): obj is Configurable =>
  hasMethods(obj, "readConfiguration", "describeConfiguration");
export const isMovable = (obj: unknown): obj is Movable<unknown> => hasMethods(obj, "set");
export const isLocatable = (obj: unknown): obj is Locatable<unknown> =>
  hasMethods(obj, "set", "locate");
export const isTriggerable = (obj: unknown): obj is Triggerable => hasMethods(obj, "trigger");
export const isStoppable = (obj: unknown): obj is Stoppable => hasMethods(obj, "stop");
export const isStageable = (obj: unknown): obj is Stageable => hasMethods(obj, "stage", "unstage");
export const hasHints = (obj: unknown): obj is HasHints =>
  typeof obj === "object" && obj !== null && "hints" in obj;
export const isReconfigurable = (obj: unknown): obj is Reconfigurable =>
  hasMethods(obj, "configure", "readConfiguration", "describeConfiguration");
export const isMoveEstimator = (obj: unknown): obj is MoveEstimator =>
  hasMethods(obj, "estimateMoveDuration");
export const isTriggerEstimator = (obj: unknown): obj is TriggerEstimator =>
  hasMethods(obj, "estimateTriggerDuration");
