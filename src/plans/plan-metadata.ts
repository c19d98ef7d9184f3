import type { Dimensions } from "../core/index.js";
import { hasHints } from "../core/index.js";

/** Start-document metadata. */
export type Metadata = Record<string, unknown>;

interface Named {
  readonly name: string;
}

/** The fields that stand for a motor in tables and plots: its hints, else its name. */
export function motorFields(motor: Named): string[] {
  const fields = hasHints(motor) ? motor.hints.fields : undefined;
  return Array.isArray(fields) && fields.length > 0 ? [...fields] : [motor.name];
}

/** The independent axes of a scan: each motor its own dimension of the primary stream. */
export function dimensionsOf(motors: readonly Named[]): Dimensions {
  return motors.map((motor) => [motorFields(motor), "primary"]);
}

export function namesOf(objs: readonly Named[]): string[] {
  return objs.map((obj) => obj.name);
}

/**
 * A plan's start metadata: its own keys, then the caller's `md` over them; hints merge key
 * by key, so a caller's hints keep the plan's dimensions unless they bring their own.
 */
export function planMetadata(own: Metadata, hints: Metadata, md: Metadata = {}): Metadata {
  const callerHints = isRecord(md.hints) ? md.hints : {};
  return { ...own, ...md, hints: { ...hints, ...callerHints } };
}

/** The name of a per-step hook for plan_args, when one was given. */
export function perStepName(perStep: { readonly name: string } | undefined): Metadata {
  return perStep === undefined ? {} : { per_step: perStep.name || "anonymous" };
}

function isRecord(value: unknown): value is Metadata {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
