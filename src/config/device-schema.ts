import { z } from "zod";
import { transportSchema } from "./transport-schema.js";
import { identifierSchema, rangeSchema } from "./value-schemas.js";

/**
 * The keys every device entry may have; the rest of the entry are the driver's parameters,
 * checked by the driver's own schema.
 */
export const deviceSchema = z.object({
  driver: z.string().min(1),
  kind: z.enum(["hinted", "normal", "config", "omitted"]).default("normal"),
  labels: z.array(identifierSchema).default([]),
  limits: rangeSchema.optional(),
  units: z.string().optional(),
  transport: transportSchema.optional(),
  /** The simulated twin, checked by twinSchema and its driver. */
  sim: z.record(z.string(), z.unknown()).optional(),
  /** Replaces a device of the same name from an included file. */
  override: z.boolean().default(false),
});

/** The keys of a `sim:` twin besides its driver's parameters; name, kind and labels are the device's. */
export const twinSchema = z.object({
  driver: z.string().min(1),
  limits: rangeSchema.optional(),
  units: z.string().optional(),
});

export type DeviceEntry = z.infer<typeof deviceSchema>;

/** Splits an entry into the keys `schema` knows and the driver's parameters. */
export function splitEntry(
  entry: Record<string, unknown>,
  schema: z.ZodObject,
): { common: Record<string, unknown>; params: Record<string, unknown> } {
  const common: Record<string, unknown> = {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    (key in schema.shape ? common : params)[key] = value;
  }
  return { common, params };
}

/** The top level of a config file. */
export const fileSchema = z.strictObject({
  include: z.array(z.string().min(1)).optional(),
  /** Defaults for the run start documents. */
  metadata: z.record(z.string(), z.unknown()).optional(),
  devices: z.record(z.string(), z.unknown()).nullish(),
});
