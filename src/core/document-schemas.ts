import { z } from "zod";
import type { NamedDocument } from "./documents.js";
import { HilError } from "./errors.js";

/**
 * zod schemas of event-model 1.24 documents, so files and messages from elsewhere are checked
 * before our callbacks trust them. Where event-model allows null or leaves a key out but our
 * types in documents.ts require it, parsing fills in the empty value, so the parsed
 * documents have those types.
 */

/** event-model's pattern for metadata keys: Python tools address them with `.` and `/`. */
const metadataKey = /^([^./]+)$/;

/** event-model writes null for "not given"; our types leave the key out. */
const absentIfNull = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);

/** Rejects top-level keys Python tools cannot address. */
function checkMetadataKeys(doc: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const key of Object.keys(doc)) {
    if (!metadataKey.test(key)) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `metadata keys must match ${metadataKey}`,
      });
    }
  }
}

const limitRangeSchema = z.strictObject({
  low: z.number().nullable(),
  high: z.number().nullable(),
});

const limitsSchema = z.strictObject({
  control: absentIfNull(limitRangeSchema),
  display: absentIfNull(limitRangeSchema),
  warning: absentIfNull(limitRangeSchema),
  alarm: absentIfNull(limitRangeSchema),
  hysteresis: absentIfNull(z.number()),
  rds: absentIfNull(
    z.strictObject({ time_difference: z.number(), value_difference: absentIfNull(z.number()) }),
  ),
});

/**
 * event-model allows null for a dimension of unknown length, but DataKey.shape in reading.ts
 * is number[]; the cast keeps the parsed types assignable until that type is widened.
 */
const shapeSchema = z.array(z.int().nonnegative().nullable()) as unknown as z.ZodType<number[]>;

export const dataKeySchema = z.looseObject({
  source: z.string(),
  dtype: z.enum(["string", "number", "array", "boolean", "integer"]),
  shape: shapeSchema,
  // event-model also allows a structured dtype as [name, dtype] pairs; DataKey has no room for it.
  dtype_numpy: z
    .string()
    .regex(/[|<>][tbiufcmMOSUV][0-9]+/)
    .optional(),
  units: absentIfNull(z.string()),
  precision: absentIfNull(z.int()),
  limits: absentIfNull(limitsSchema),
  choices: z.array(z.string()).optional(),
  object_name: z.string().optional(),
  dims: absentIfNull(z.array(z.string())),
  external: z
    .string()
    .regex(/^[A-Z]+:?/)
    .optional(),
});

const dimensionsSchema = z.array(z.tuple([z.array(z.string()), z.string()]));

export const runStartSchema = z
  .looseObject({
    uid: z.string(),
    time: z.number(),
    scan_id: absentIfNull(z.int()),
    plan_name: z.string().optional(),
    plan_type: z.string().optional(),
    plan_args: z.record(z.string(), z.unknown()).optional(),
    detectors: z.array(z.string()).optional(),
    motors: z.array(z.string()).optional(),
    num_points: z.int().nonnegative().optional(),
    num_intervals: z.int().nonnegative().optional(),
    hints: absentIfNull(z.looseObject({ dimensions: absentIfNull(dimensionsSchema) })),
  })
  .superRefine(checkMetadataKeys);

const objectConfigurationSchema = z.looseObject({
  data: z.record(z.string(), z.unknown()).default({}),
  timestamps: z.record(z.string(), z.number()).default({}),
  data_keys: z.record(z.string(), dataKeySchema).default({}),
});

export const eventDescriptorSchema = z
  .looseObject({
    uid: z.string(),
    time: z.number(),
    run_start: z.string(),
    // Older documents have no stream name; databroker reads those as the primary stream.
    name: z.string().default("primary"),
    data_keys: z.record(z.string(), dataKeySchema),
    configuration: z.record(z.string(), objectConfigurationSchema).default({}),
    object_keys: z.record(z.string(), z.array(z.string())).default({}),
    hints: z
      .record(z.string(), z.looseObject({ fields: z.array(z.string()).default([]) }))
      .default({}),
  })
  .superRefine(checkMetadataKeys);

const seqNumSchema = z.int().min(1);

export const eventSchema = z.strictObject({
  uid: z.string(),
  time: z.number(),
  descriptor: z.string(),
  seq_num: seqNumSchema,
  data: z.record(z.string(), z.unknown()),
  timestamps: z.record(z.string(), z.number()),
  filled: z.record(z.string(), z.boolean()).default({}),
});

export const eventPageSchema = z
  .strictObject({
    uid: z.array(z.string()),
    time: z.array(z.number()),
    descriptor: z.string(),
    seq_num: z.array(seqNumSchema),
    data: z.record(z.string(), z.array(z.unknown())),
    timestamps: z.record(z.string(), z.array(z.number())),
    filled: z.record(z.string(), z.array(z.boolean())).default({}),
  })
  .superRefine((page, ctx) => {
    // Unpacking indexes every column by event, so all must be as long as uid.
    const length = page.uid.length;
    const columns: Array<[Array<string | number>, unknown[]]> = [
      [["time"], page.time],
      [["seq_num"], page.seq_num],
      ...(["data", "timestamps", "filled"] as const).flatMap((group) =>
        Object.entries(page[group]).map(([key, values]): [Array<string | number>, unknown[]] => [
          [group, key],
          values,
        ]),
      ),
    ];
    for (const [path, values] of columns) {
      if (values.length !== length) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `has ${values.length} values for ${length} events`,
        });
      }
    }
  });

export const runStopSchema = z
  .looseObject({
    uid: z.string(),
    time: z.number(),
    run_start: z.string(),
    exit_status: z.enum(["success", "abort", "fail"]),
    reason: z
      .string()
      .nullish()
      .transform((reason) => reason ?? ""),
    num_events: z
      .record(z.string(), z.int().nonnegative())
      .nullish()
      .transform((counts) => counts ?? {}),
  })
  .superRefine(checkMetadataKeys);

export const streamResourceSchema = z.looseObject({
  uid: z.string(),
  run_start: z.string(),
  data_key: z.string(),
  mimetype: z.string(),
  uri: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});

const streamRangeSchema = z
  .looseObject({ start: z.int().nonnegative(), stop: z.int().nonnegative() })
  .refine((range) => range.stop >= range.start, { message: "stop is before start" });

export const streamDatumSchema = z.looseObject({
  uid: z.string(),
  stream_resource: z.string(),
  descriptor: z.string(),
  indices: streamRangeSchema,
  seq_nums: streamRangeSchema,
});

/** A `[name, doc]` pair, as one line of a JSONL file holds it. */
export const documentSchema = z.union([
  z.tuple([z.literal("start"), runStartSchema]),
  z.tuple([z.literal("descriptor"), eventDescriptorSchema]),
  z.tuple([z.literal("event"), eventSchema]),
  z.tuple([z.literal("event_page"), eventPageSchema]),
  z.tuple([z.literal("stream_resource"), streamResourceSchema]),
  z.tuple([z.literal("stream_datum"), streamDatumSchema]),
  z.tuple([z.literal("stop"), runStopSchema]),
]);

const pairSchema = z.tuple([
  z.enum(["start", "descriptor", "event", "event_page", "stream_resource", "stream_datum", "stop"]),
  z.unknown(),
]);

/**
 * Checks a `[name, doc]` pair. Picks the schema by name first, so an error names the fields
 * of that document (`descriptor.data_keys.det.dtype: ...`) rather than five failed options.
 */
export function parseDocument(line: unknown): NamedDocument {
  const [name, doc] = check(pairSchema, line, "document");
  switch (name) {
    case "start":
      return [name, check(runStartSchema, doc, name)];
    case "descriptor":
      return [name, check(eventDescriptorSchema, doc, name)];
    case "event":
      return [name, check(eventSchema, doc, name)];
    case "event_page":
      return [name, check(eventPageSchema, doc, name)];
    case "stream_resource":
      return [name, check(streamResourceSchema, doc, name)];
    case "stream_datum":
      return [name, check(streamDatumSchema, doc, name)];
    case "stop":
      return [name, check(runStopSchema, doc, name)];
  }
}

function check<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map((key) => {
      if (typeof key === "number") return `[${key}]`;
      // A key with a dot would read as two: quote what is not a plain name.
      return /^[A-Za-z_]\w*$/.test(String(key))
        ? `.${String(key)}`
        : `[${JSON.stringify(String(key))}]`;
    });
    return `${what}${path.join("")}: ${issue.message}`;
  });
  throw new HilError("HIL_INVALID_DOCUMENT", `invalid ${problems.join("; ")}`);
}
