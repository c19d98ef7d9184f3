import type { Readings } from "../core/index.js";
import { MissingReadingError } from "./errors.js";

/** The number a plan steers by, from the readings of one point. */
export function fieldValue(readings: Readings, field: string, plan: string): number {
  const reading = readings[field];
  if (reading === undefined) throw new MissingReadingError(plan, field, Object.keys(readings));
  if (typeof reading.value !== "number") {
    throw new TypeError(`${plan} needs a number in "${field}", not ${String(reading.value)}`);
  }
  return reading.value;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
