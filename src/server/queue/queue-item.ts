import type { QueueItem, QueueMode } from "./wire-schemas.js";

export const defaultQueueMode: QueueMode = { loop: false, ignore_failures: false };

/**
 * Keeps only the keys an item may have, so unknown parameters and a stale `result` are
 * dropped when an item is added, edited or copied, as the queue server does.
 */
export function cleanItem(item: QueueItem): QueueItem {
  const { item_uid, item_type, name, args, kwargs, user, user_group, meta } = item;
  return meta === undefined
    ? { item_uid, item_type, name, args, kwargs, user, user_group }
    : { item_uid, item_type, name, args, kwargs, user, user_group, meta };
}
