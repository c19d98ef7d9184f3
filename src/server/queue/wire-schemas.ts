// The queue's items, history items, results and exit statuses as they go over the wire,
// as zod schemas with their types. The server checks and stores items with them and the
// client (src/client/replies.ts) checks replies with them, so this module imports zod and
// types only: the client must load neither SQLite nor Fastify.
import { z } from "zod";

import type { JsonValue } from "../json-value.js";

export type { JsonValue };

const jsonValue: z.ZodType<JsonValue> = z.json();

export const exitStatusSchema = z.enum([
  "completed",
  "failed",
  "stopped",
  "aborted",
  "halted",
  "unknown",
]);
/** How a plan ended, with the queue server's words. */
export type ExitStatus = z.infer<typeof exitStatusSchema>;

/** What a caller submits: the queue server ignores any other key. */
export const itemSubmissionSchema = z.object({
  item_type: z.enum(["plan", "instruction"]),
  name: z.string().min(1),
  args: z.array(jsonValue).optional(),
  kwargs: z.record(z.string(), jsonValue).optional(),
  meta: z.record(z.string(), jsonValue).optional(),
});
export type ItemSubmission = z.infer<typeof itemSubmissionSchema>;

export const queueItemSchema = z.object({
  item_uid: z.string().min(1),
  item_type: z.enum(["plan", "instruction"]),
  name: z.string().min(1),
  args: z.array(jsonValue),
  kwargs: z.record(z.string(), jsonValue),
  user: z.string(),
  user_group: z.string(),
  meta: z.record(z.string(), jsonValue).optional(),
});
/** An item in the queue or running: a plan, or an instruction such as `queue_stop`. */
export type QueueItem = z.infer<typeof queueItemSchema>;

export const itemResultSchema = z.object({
  exit_status: exitStatusSchema,
  run_uids: z.array(z.string()),
  scan_ids: z.array(z.number()),
  time_start: z.number(),
  time_stop: z.number(),
  msg: z.string(),
  traceback: z.string(),
  return_value: jsonValue.optional(),
});
/** How a plan ended: the `result` of a history item. */
export type ItemResult = z.infer<typeof itemResultSchema>;

export const historyItemSchema = queueItemSchema.extend({ result: itemResultSchema });
/** A finished item with its result. */
export type HistoryItem = z.infer<typeof historyItemSchema>;

export const queueModeSchema = z.object({ loop: z.boolean(), ignore_failures: z.boolean() });
/** loop: finished items go back to the end; ignore_failures: a failed plan does not stop the queue. */
export type QueueMode = z.infer<typeof queueModeSchema>;

/** One outlet of the served documents (hil's status field `data_out`): a lossless one spools while its peer is away, a lossy one drops. */
export const dataOutStatusSchema = z.object({
  name: z.string(),
  lossless: z.boolean(),
  sent: z.int().nonnegative(),
  spooled: z.int().nonnegative(),
  dropped: z.int().nonnegative(),
  pending: z.int().nonnegative(),
  failures: z.int().nonnegative(),
  last_error: z.string().nullable(),
});
export type DataOutStatus = z.infer<typeof dataOutStatusSchema>;
