import { z } from "zod";
import type { TriggerInfo } from "../../src/core/index.js";
import type { PulseSource } from "./pulse-train.js";
import { isPulseSource } from "./pulse-train.js";

/** What prepare() takes for a fly scan: core's TriggerInfo, as the fly plans hand it. */
export interface SimCameraPrepare extends TriggerInfo {
  /** Frames to take after kickoff (fewer if the trigger's train is cut short). */
  frames: number;
  /** Seconds each frame exposes for from its trigger (default: the exposure setting). */
  livetime?: number;
  /**
   * A frame at each pulse of this device's armed train (a PulseSource such as a SimMotor
   * prepared with pulses; its `pulses` are looked up at kickoff), or free-running at `period`.
   */
  trigger: object | "internal";
  /** Seconds between internal triggers, >= livetime (default: livetime). */
  period?: number;
}

/** A prepare() value once checked, with its defaults. */
export interface CameraPrepared {
  frames: number;
  livetime: number;
  trigger: PulseSource | "internal";
  period: number;
}

const finitePositive = z.number().positive();

const prepareSchema = z.object({
  frames: z.int().positive(),
  livetime: finitePositive.optional(),
  trigger: z.custom<PulseSource | "internal">((v) => v === "internal" || isPulseSource(v), {
    message: 'must be "internal" or a PulseSource (a device with `pulses`)',
  }),
  period: finitePositive.optional(),
});

/**
 * Checks a prepare() value, filling livetime from `exposure` and period from livetime;
 * a string says what is wrong with it.
 */
export function checkPrepare(value: SimCameraPrepare, exposure: number): CameraPrepared | string {
  const parsed = prepareSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "value"} ${i.message}`);
    return `cannot prepare: ${problems.join("; ")}`;
  }
  const { frames, trigger, livetime = exposure, period = livetime } = parsed.data;
  if (!(livetime > 0) || !Number.isFinite(livetime)) {
    return `livetime must be > 0 s, got ${livetime}`;
  }
  if (period < livetime)
    return `cannot prepare: period ${period} s must be >= livetime ${livetime} s`;
  return { frames, trigger, livetime, period };
}
