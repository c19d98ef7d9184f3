import { z } from "zod";
import {
  isCollectable,
  isFlyable,
  isMovable,
  isPreparable,
  isReadable,
  isTriggerable,
} from "../../core/index.js";
import type { ParameterKind } from "./spec.js";

/**
 * What a device can do, as bluesky-queueserver's `devices_allowed` tells clients
 * (`is_readable`, `is_movable`, `is_flyable`), with the capabilities our fly scans need
 * besides. Enough to validate a plan call without the devices themselves.
 */
export interface DeviceCapabilities {
  is_readable: boolean;
  is_movable: boolean;
  is_flyable: boolean;
  is_triggerable: boolean;
  is_preparable: boolean;
  is_collectable: boolean;
}

/** The capabilities of a device, by the protocol guards of core. */
export function capabilitiesOf(device: unknown): DeviceCapabilities {
  return {
    is_readable: isReadable(device),
    is_movable: isMovable(device),
    is_flyable: isFlyable(device),
    is_triggerable: isTriggerable(device),
    is_preparable: isPreparable(device),
    is_collectable: isCollectable(device),
  };
}

interface DeviceKind {
  /** Takes a list of names rather than one. */
  list: boolean;
  fits(c: DeviceCapabilities): boolean;
  /** Why a device that does not fit is refused. */
  refusal(name: string): string;
  /** Its element type in bluesky-queueserver's annotations. */
  queueType: string;
}

export interface KindInfo {
  /** Checks the JSON value (device names, not devices, for device kinds). */
  schema: z.ZodType;
  /** "expected <this>, got ..." */
  expected: string;
  /** The type in bluesky-queueserver's annotation (Python spelling). */
  annotation: string;
  /** JSON-Schema-ish type of the JSON value. */
  jsonType: Record<string, unknown>;
  device?: DeviceKind;
}

const name = z.string().min(1);
const names = z.array(name).min(1);

const readable: DeviceKind = {
  list: true,
  fits: (c) => c.is_readable,
  refusal: (n) => `${n} cannot be read, so it cannot be a detector`,
  queueType: "__READABLE__",
};

export const kinds: Readonly<Record<ParameterKind, KindInfo>> = {
  detectors: {
    schema: names,
    expected: "a non-empty list of device names",
    annotation: "collections.abc.Sequence[__READABLE__]",
    jsonType: { type: "array", items: { type: "string" }, minItems: 1 },
    device: readable,
  },
  motor: {
    schema: name,
    expected: "a device name",
    annotation: "__MOVABLE__",
    jsonType: { type: "string" },
    device: {
      list: false,
      fits: (c) => c.is_movable && c.is_readable,
      refusal: (n) => `${n} cannot be moved, so it cannot be scanned`,
      queueType: "__MOVABLE__",
    },
  },
  flyer: {
    schema: name,
    expected: "a device name",
    annotation: "__FLYABLE__",
    jsonType: { type: "string" },
    device: {
      list: false,
      fits: (c) => c.is_preparable && c.is_flyable && c.is_readable,
      refusal: (n) => `${n} cannot fly (it has no prepare, kickoff and complete)`,
      queueType: "__FLYABLE__",
    },
  },
  triggered_detectors: {
    schema: names,
    expected: "a non-empty list of device names",
    annotation: "collections.abc.Sequence[__FLYABLE__]",
    jsonType: { type: "array", items: { type: "string" }, minItems: 1 },
    device: {
      list: true,
      fits: (c) => c.is_preparable && c.is_flyable && c.is_collectable,
      refusal: (n) => `${n} cannot take frames on triggers, so it cannot fly`,
      queueType: "__FLYABLE__",
    },
  },
  number: {
    schema: z.number(),
    expected: "a number",
    annotation: "float",
    jsonType: { type: "number" },
  },
  integer: {
    schema: z.number().int(),
    expected: "an integer",
    annotation: "int",
    jsonType: { type: "integer" },
  },
  points: {
    schema: z.number().int().min(1),
    expected: "a whole number of points",
    annotation: "int",
    jsonType: { type: "integer", minimum: 1 },
  },
  numbers: {
    schema: z.array(z.number()).min(1),
    expected: "a non-empty list of numbers",
    annotation: "collections.abc.Sequence[float]",
    jsonType: { type: "array", items: { type: "number" }, minItems: 1 },
  },
  string: {
    schema: name,
    expected: "a non-empty string",
    annotation: "str",
    jsonType: { type: "string" },
  },
  boolean: {
    schema: z.boolean(),
    expected: "true or false",
    annotation: "bool",
    jsonType: { type: "boolean" },
  },
};
