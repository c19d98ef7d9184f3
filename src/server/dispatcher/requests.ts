import { z } from "zod";
import type { JsonValue } from "../json-value.js";

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);

// The original only asks whether the key is there, so any value (null, false) keeps the
// connection open; decodeRequest reports that presence as `keepOpen`.
const keepOpen = { keep_open: z.unknown().optional() };

export const startRequestSchema = z.object({
  type: z.literal("start"),
  // Optional here because a start without a plan gets its own refusal, not a schema error.
  plan: z.string().optional(),
  params: z.record(z.string(), jsonValue).optional(),
  ...keepOpen,
});

const bare = <T extends string>(type: T) => z.object({ type: z.literal(type), ...keepOpen });

export const pauseRequestSchema = z.object({
  type: z.literal("pause"),
  // Not in the original, which always defers to the next checkpoint; false pauses at once.
  defer: z.boolean().optional(),
  ...keepOpen,
});
export const resumeRequestSchema = bare("resume");
export const stopRequestSchema = bare("stop");
export const abortRequestSchema = bare("abort");
export const haltRequestSchema = bare("halt");
export const stateRequestSchema = bare("state");
export const subscribeRequestSchema = bare("subscribe");

/** Every request a client may send; unknown keys are ignored, as the original does. */
export const dispatcherRequestSchema = z.discriminatedUnion("type", [
  startRequestSchema,
  pauseRequestSchema,
  resumeRequestSchema,
  stopRequestSchema,
  abortRequestSchema,
  haltRequestSchema,
  stateRequestSchema,
  subscribeRequestSchema,
]);

export type DispatcherRequest = z.infer<typeof dispatcherRequestSchema>;
export type RequestType = DispatcherRequest["type"];
export type StartRequest = z.infer<typeof startRequestSchema>;

const REQUEST_TYPES: ReadonlySet<string> = new Set<RequestType>([
  "start",
  "pause",
  "resume",
  "stop",
  "abort",
  "halt",
  "state",
  "subscribe",
]);

/** The requests as JSON Schema, for clients written in other languages. */
export function dispatcherRequestJsonSchema(): z.core.JSONSchema.BaseSchema {
  return z.toJSONSchema(dispatcherRequestSchema, { io: "input" });
}

/** One text frame, read. */
export type DecodedFrame =
  | { readonly kind: "request"; readonly request: DispatcherRequest; readonly keepOpen: boolean }
  /** Not JSON at all. */
  | { readonly kind: "bad-json" }
  /** JSON, but not an object whose `type` is a known request. */
  | { readonly kind: "unsupported" }
  /** A known request whose fields have the wrong shape (a plan that is not a string...). */
  | { readonly kind: "invalid"; readonly keepOpen: boolean; readonly problem: string };

export function decodeRequest(text: string): DecodedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: "bad-json" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { kind: "unsupported" };
  }
  const type: unknown = (raw as Record<string, unknown>)["type"];
  if (typeof type !== "string" || !REQUEST_TYPES.has(type)) return { kind: "unsupported" };
  const keepOpen = Object.hasOwn(raw, "keep_open");
  const parsed = dispatcherRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => `"${issue.path.join(".")}": ${issue.message}`)
      .join("; ");
    return { kind: "invalid", keepOpen, problem };
  }
  return { kind: "request", request: parsed.data, keepOpen };
}
