import { z } from "zod";
import { itemSubmissionSchema, queueModeSchema } from "../queue/index.js";
import { roleSchema } from "./roles.js";

// Bodies are strict about what they need and ignore unknown keys, as the queue server does.

const position = z.union([z.int(), z.literal("front"), z.literal("back")]);
const uid = z.string().min(1);
/** Held by whoever locked the queue; edits need it while the queue is locked. */
const lockKey = z.string().min(1).optional();

export const emptyBody = z.object({});

export const addBody = z.object({
  item: itemSubmissionSchema,
  pos: position.optional(),
  before_uid: uid.optional(),
  after_uid: uid.optional(),
  lock_key: lockKey,
});

// Items are checked one by one in the handler, so a bad item is reported in its place.
export const addBatchBody = z.object({
  items: z.array(z.unknown()),
  pos: position.optional(),
  before_uid: uid.optional(),
  after_uid: uid.optional(),
  lock_key: lockKey,
});

export const selectBody = z.object({
  pos: position.optional(),
  uid: uid.optional(),
  lock_key: lockKey,
});

export const updateBody = z.object({
  item: itemSubmissionSchema.extend({ item_uid: uid }),
  replace: z.boolean().optional(),
  lock_key: lockKey,
});

export const removeBatchBody = z.object({
  uids: z.array(uid),
  ignore_missing: z.boolean().optional(),
  lock_key: lockKey,
});

export const moveBody = z.object({
  pos: position.optional(),
  uid: uid.optional(),
  pos_dest: position.optional(),
  before_uid: uid.optional(),
  after_uid: uid.optional(),
  lock_key: lockKey,
});

export const moveBatchBody = z.object({
  uids: z.array(uid),
  pos_dest: position.optional(),
  before_uid: uid.optional(),
  after_uid: uid.optional(),
  reorder: z.boolean().optional(),
  lock_key: lockKey,
});

export const lockKeyBody = z.object({ lock_key: lockKey });

export const modeBody = z.object({
  mode: z.union([z.literal("default"), queueModeSchema.partial()]),
  lock_key: lockKey,
});

export const autostartBody = z.object({ enable: z.boolean(), lock_key: lockKey });

export const historyClearBody = z.object({
  size: z.int().nonnegative().optional(),
  item_uid: uid.optional(),
  lock_key: lockKey,
});

export const itemStatusBody = z.object({ uid });

export const lockBody = z.object({
  lock_key: z.string().min(1),
  environment: z.boolean().optional(),
  queue: z.boolean().optional(),
  note: z.string().optional(),
});

export const unlockBody = z.object({ lock_key: z.string().min(1) });

export const lockInfoQuery = z.object({ lock_key: z.string().min(1).optional() });

export const apiKeyBody = z.object({
  principal: z.string().min(1),
  role: roleSchema,
  scopes: z.array(z.string()).optional(),
  note: z.string().optional(),
  expires_in: z.number().positive().optional(),
});

export const apiKeyDeleteQuery = z.object({ first_eight: z.string().length(8) });

export const executeBody = z.object({ item: itemSubmissionSchema, lock_key: lockKey });

export const pauseBody = z.object({
  option: z.enum(["deferred", "immediate"]).optional(),
  lock_key: lockKey,
});

export const runsQuery = z.object({ option: z.enum(["active", "open", "closed"]).optional() });

export const consoleQuery = z.object({ nlines: z.coerce.number().int().min(0).optional() });

export const tokenBody = z.object({ expires_in: z.number().positive().max(86_400).optional() });
