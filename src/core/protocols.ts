import type { Hints } from "./device.js";
import type { StreamDatum, StreamResource } from "./documents.js";
import type { DataKeys, Reading, Readings } from "./reading.js";
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

/**
 * Told by the engine when a run comes to rest (a pause or a suspension) and when it goes
 * on, as bluesky's Pausable: e.g. a detector closes its shutter, a ramp holds.
 */
export interface Pausable {
  readonly name: string;
  pause(): void | Promise<void>;
  resume(): void | Promise<void>;
}

/** A value whose changes can be watched: what `monitor` turns into a stream of its own. */
export interface Subscribable extends Readable {
  /** Calls back with the current reading and every change; returns the unsubscribe function. */
  subscribe(
    callback: (reading: Reading) => void,
    options?: { onError?: (error: Error) => void },
  ): () => void;
}

/** Gets ready for a fly scan before kickoff, e.g. a motor to its run-up position. */
export interface Preparable<T = unknown> {
  readonly name: string;
  prepare(value: T): Status;
}

/** Something that runs by itself once started: a flying motor, a detector on triggers. */
export interface Flyable {
  readonly name: string;
  /** Resolves when it has started. */
  kickoff(): Status;
  /** Resolves when it has finished what it was kicked off to do. */
  complete(): Status;
}

/** What collect() will give: the data keys of one stream (ophyd-async's describe_collect). */
export interface Collectable {
  readonly name: string;
  describeCollect(): Promise<DataKeys>;
}

/** Rows of readings gathered while flying, column-wise: an event page without its bookkeeping. */
export interface PartialEventPage {
  time: number[];
  data: Record<string, unknown[]>;
  timestamps: Record<string, number[]>;
}

/** A row of readings gathered while flying. */
export interface PartialEvent {
  time: number;
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
}

/** Gives what it gathered since the last call, row by row. */
export interface EventCollectable extends Collectable {
  collect(): Promise<PartialEvent[]>;
}

/** Gives what it gathered since the last call as pages: the fast way for many rows. */
export interface EventPageCollectable extends Collectable {
  collectPages(): Promise<PartialEventPage[]>;
}

/** A stream resource or datum as a device makes it; the engine adds the run and descriptor. */
export type StreamAsset =
  | ["stream_resource", Omit<StreamResource, "run_start">]
  | ["stream_datum", Omit<StreamDatum, "descriptor">];

/** Writes frames to files and describes them with stream_resource/stream_datum documents. */
export interface WritesStreamAssets extends Collectable {
  /** How many frames are in the files so far. */
  getIndex(): Promise<number>;
  /** The documents for frames written up to `index` (default: all) not yet described. */
  collectAssetDocs(index?: number): Promise<StreamAsset[]>;
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
export const isPausable = (obj: unknown): obj is Pausable => hasMethods(obj, "pause", "resume");
export const isSubscribable = (obj: unknown): obj is Subscribable =>
  hasMethods(obj, "read", "describe", "subscribe");
export const isPreparable = (obj: unknown): obj is Preparable => hasMethods(obj, "prepare");
export const isFlyable = (obj: unknown): obj is Flyable => hasMethods(obj, "kickoff", "complete");
export const isCollectable = (obj: unknown): obj is Collectable =>
  hasMethods(obj, "describeCollect");
export const isEventCollectable = (obj: unknown): obj is EventCollectable =>
  hasMethods(obj, "describeCollect", "collect");
export const isEventPageCollectable = (obj: unknown): obj is EventPageCollectable =>
  hasMethods(obj, "describeCollect", "collectPages");
export const writesStreamAssets = (obj: unknown): obj is WritesStreamAssets =>
  hasMethods(obj, "describeCollect", "getIndex", "collectAssetDocs");
export const isReconfigurable = (obj: unknown): obj is Reconfigurable =>
  hasMethods(obj, "configure", "readConfiguration", "describeConfiguration");
export const isMoveEstimator = (obj: unknown): obj is MoveEstimator =>
  hasMethods(obj, "estimateMoveDuration");
export const isTriggerEstimator = (obj: unknown): obj is TriggerEstimator =>
  hasMethods(obj, "estimateTriggerDuration");
