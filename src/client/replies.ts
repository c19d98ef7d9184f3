// The queue server's replies as zod schemas. The item schemas are the server's own, from its
// wire entry, which loads neither the database nor the HTTP server.
import { z } from "zod";
import {
  exitStatusSchema,
  historyItemSchema,
  queueItemSchema,
  queueModeSchema,
  dataOutStatusSchema,
} from "../server/wire.js";

/** What every reply carries; other fields are kept. */
export const baseReply = z.looseObject({ success: z.boolean(), msg: z.string() });
export type BaseReply = z.infer<typeof baseReply>;

export const statusReply = baseReply.extend({
  time: z.number(),
  items_in_queue: z.int().nonnegative(),
  items_in_history: z.int().nonnegative(),
  running_item_uid: z.string().nullable(),
  manager_state: z.string(),
  queue_stop_pending: z.boolean(),
  queue_autostart_enabled: z.boolean(),
  worker_environment_exists: z.boolean(),
  worker_environment_state: z.string(),
  re_state: z.string().nullable(),
  pause_pending: z.boolean(),
  plan_queue_mode: queueModeSchema,
  plan_queue_uid: z.string(),
  plan_history_uid: z.string(),
  plans_allowed_uid: z.string().optional(),
  devices_allowed_uid: z.string().optional(),
  lock_info_uid: z.string(),
  lock: z.object({ environment: z.boolean(), queue: z.boolean() }),
  /** hil's own: a queue server of bluesky's has none. */
  data_out: z.array(dataOutStatusSchema).optional(),
});
export type StatusReply = z.infer<typeof statusReply>;

// The server sends `{}` for "nothing runs"; the client gives null.
const runningItem = z
  .union([queueItemSchema, z.strictObject({}), z.null()])
  .transform((value) => (value !== null && "item_uid" in value ? value : null));

export const queueGetReply = baseReply.extend({
  items: z.array(queueItemSchema),
  running_item: runningItem,
  plan_queue_uid: z.string(),
});
export type QueueGetReply = z.infer<typeof queueGetReply>;

/** add, update, remove, move: the item concerned and the queue's size after. */
export const itemReply = baseReply.extend({
  item: queueItemSchema,
  qsize: z.int().nonnegative(),
});
export type ItemReply = z.infer<typeof itemReply>;

export const itemGetReply = baseReply.extend({ item: queueItemSchema });
export type ItemGetReply = z.infer<typeof itemGetReply>;

export const batchResult = z.object({ success: z.boolean(), msg: z.string() });

export const addBatchReply = baseReply.extend({
  items: z.array(queueItemSchema),
  results: z.array(batchResult),
  qsize: z.int().nonnegative(),
});
export type AddBatchReply = z.infer<typeof addBatchReply>;

export const executeReply = baseReply.extend({
  item: queueItemSchema.optional(),
  qsize: z.int().nonnegative().optional(),
});
export type ExecuteReply = z.infer<typeof executeReply>;

export const modeReply = baseReply.extend({ plan_queue_mode: queueModeSchema.optional() });
export type ModeReply = z.infer<typeof modeReply>;

export const historyGetReply = baseReply.extend({
  items: z.array(historyItemSchema),
  plan_history_uid: z.string(),
});
export type HistoryGetReply = z.infer<typeof historyGetReply>;

const itemStatusBase = baseReply.extend({ item_uid: z.string() });

/** Where an item is: queued (at a position), running, finished (with its exit status) or unknown. */
export const itemStatusReply = z.discriminatedUnion("status", [
  itemStatusBase.extend({
    status: z.literal("queued"),
    position: z.int().nonnegative(),
    item: queueItemSchema,
  }),
  itemStatusBase.extend({ status: z.literal("running"), item: queueItemSchema }),
  itemStatusBase.extend({ status: exitStatusSchema, item: historyItemSchema }),
  itemStatusBase.extend({ status: z.literal("unknown_uid") }),
]);
export type ItemStatusReply = z.infer<typeof itemStatusReply>;

const jsonRecord = z.record(z.string(), z.json());

export const plansAllowedReply = baseReply.extend({
  plans_allowed: jsonRecord,
  plans_allowed_uid: z.string().optional(),
});
export type PlansAllowedReply = z.infer<typeof plansAllowedReply>;

export const devicesAllowedReply = baseReply.extend({
  devices_allowed: jsonRecord,
  devices_allowed_uid: z.string().optional(),
});
export type DevicesAllowedReply = z.infer<typeof devicesAllowedReply>;

export const lockInfoSchema = z.object({
  environment: z.boolean(),
  queue: z.boolean(),
  user: z.string().nullable(),
  note: z.string().nullable(),
  time: z.number().nullable(),
  lock_info_uid: z.string(),
});

export const lockReply = baseReply.extend({
  lock_info: lockInfoSchema,
  lock_info_uid: z.string(),
});
export type LockReply = z.infer<typeof lockReply>;

export const apiKeyReply = baseReply.extend({
  secret: z.string(),
  first_eight: z.string(),
  principal: z.string(),
  role: z.string().nullable(),
});
export type ApiKeyReply = z.infer<typeof apiKeyReply>;

/** A websocket message: numbered in the order the server sent it. */
export const socketMessage = z.looseObject({ seq: z.number() });
export type SocketMessage = z.infer<typeof socketMessage>;
