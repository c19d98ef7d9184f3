import { z } from "zod";
import type { JsonValue } from "../../json-value.js";
import { exitStatusSchema, queueItemSchema } from "../../queue/index.js";

// The typed IPC between the manager and its forked environment worker. Both ends parse what
// they receive, so a worker of another version is refused by name, not misread.

const json: z.ZodType<JsonValue> = z.json();
const jsonRecord = z.record(z.string(), json);

const engineControl = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("pause"), defer: z.boolean() }),
  z.object({ kind: z.enum(["resume", "stop", "abort", "halt"]) }),
]);

const reState = z.enum([
  "idle",
  "running",
  "pausing",
  "paused",
  "suspending",
  "stopping",
  "aborting",
  "halting",
  "panicked",
]);
const environmentState = z.enum([
  "closed",
  "initializing",
  "idle",
  "executing_plan",
  "closing",
  "failed",
]);

export const toWorkerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open") }),
  z.object({ type: z.literal("close") }),
  z.object({ type: z.literal("execute"), item: queueItemSchema }),
  z.object({ type: z.literal("control"), id: z.number(), request: engineControl }),
  z.object({ type: z.literal("item_message"), item_uid: z.string(), message: json }),
  z.object({ type: z.literal("query"), id: z.number(), request: json }),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

export const environmentEventSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("environment"),
    state: environmentState,
    error: z.string().optional(),
  }),
  z.object({ kind: z.literal("re_state"), state: reState, old: reState }),
  z.object({ kind: z.literal("document"), document: z.tuple([z.string(), jsonRecord]) }),
  z.object({ kind: z.literal("console"), line: z.string() }),
  z.object({ kind: z.literal("item"), item_uid: z.string(), message: json }),
]);

export const planOutcomeSchema = z.object({
  exit_status: exitStatusSchema,
  run_uids: z.array(z.string()),
  scan_ids: z.array(z.number()),
  msg: z.string(),
  traceback: z.string(),
  return_value: json.optional(),
});

export const fromWorkerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("heartbeat") }),
  z.object({ type: z.literal("event"), event: environmentEventSchema }),
  z.object({
    type: z.literal("opened"),
    allowed: z.object({ plans: jsonRecord, devices: jsonRecord }),
  }),
  z.object({ type: z.literal("open_failed"), error: z.string() }),
  z.object({ type: z.literal("closed"), error: z.string().optional() }),
  z.object({ type: z.literal("outcome"), outcome: planOutcomeSchema }),
  z.object({ type: z.literal("control_done"), id: z.number(), error: z.string().optional() }),
  z.object({
    type: z.literal("answer"),
    id: z.number(),
    answer: json.optional(),
    error: z.string().optional(),
  }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;

/** How often the worker says it is alive, in seconds. */
export const heartbeatInterval = 1;
