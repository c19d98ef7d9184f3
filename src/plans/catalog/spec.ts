import type { JsonValue, Movable, Plan, Readable } from "../../core/index.js";
import type { FlyingMotor, TriggeredDetector } from "../fly.js";

export type { JsonValue };

/**
 * What a plan parameter takes. Device kinds take device names, resolved and checked for
 * the capability the plan needs:
 * - `detectors`: a list of readable devices;
 * - `motor`: one movable and readable device;
 * - `flyer`: one device that prepares, kicks off, completes and reads (a flying motor);
 * - `triggered_detectors`: a list of devices that prepare, fly and collect frames.
 *
 * Value kinds: `number` (finite), `integer`, `points` (a whole number ≥ 1), `numbers` (a
 * non-empty list of numbers), `string` (non-empty, e.g. a field name), `boolean`.
 */
export type ParameterKind =
  | "detectors"
  | "motor"
  | "flyer"
  | "triggered_detectors"
  | "number"
  | "integer"
  | "points"
  | "numbers"
  | "string"
  | "boolean";

export const parameterKinds = [
  "detectors",
  "motor",
  "flyer",
  "triggered_detectors",
  "number",
  "integer",
  "points",
  "numbers",
  "string",
  "boolean",
] as const satisfies readonly ParameterKind[];

/** A movable, readable device a step scan moves. */
export type ScanMotor = Movable<number> & Readable;

/** The value a plan's build function receives for each kind, devices resolved. */
export interface KindValue {
  detectors: Readable[];
  motor: ScanMotor;
  flyer: FlyingMotor;
  triggered_detectors: TriggeredDetector[];
  number: number;
  integer: number;
  points: number;
  numbers: number[];
  string: string;
  boolean: boolean;
}

export interface ParameterSpec {
  name: string;
  kind: ParameterKind;
  description: string;
  /** Makes the parameter optional; the plan receives this value when it is not given. */
  default?: JsonValue;
  /** Optional with no fixed default: the plan receives undefined and decides (e.g. a time from num). */
  optional?: boolean;
}

/** The devices a plan is built with, by name (a Beamline is one). */
export interface DeviceLookup {
  get(name: string): unknown;
}

/**
 * A plan as data: its parameters in call order and how to build it from values already
 * bound and checked (devices resolved). `module` is where queue clients are told it lives.
 */
export interface PlanSpec {
  name: string;
  /** One line. */
  description: string;
  parameters: readonly ParameterSpec[];
  module?: string;
  build(values: Readonly<Record<string, unknown>>, devices: DeviceLookup): Plan<unknown>;
}

/** Plans by name. */
export type PlanCatalog = Readonly<Record<string, PlanSpec>>;

/** The values of a parameter list, by name: given a default, always present. */
export type ValuesOf<P extends readonly ParameterSpec[]> = {
  [E in P[number] as E["name"]]: E extends { default: JsonValue }
    ? KindValue[E["kind"]]
    : E extends { optional: true }
      ? KindValue[E["kind"]] | undefined
      : KindValue[E["kind"]];
};

/** A PlanSpec whose build function sees its values typed by the parameter list. */
export function definePlan<const P extends readonly ParameterSpec[]>(spec: {
  name: string;
  description: string;
  parameters: P;
  module?: string;
  build(values: ValuesOf<P>, devices: DeviceLookup): Plan<unknown>;
}): PlanSpec {
  return spec as unknown as PlanSpec;
}
