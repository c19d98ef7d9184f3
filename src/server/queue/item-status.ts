import type { PlanHistory } from "./plan-history.js";
import type { QueueDb } from "./queue-database.js";
import { readTransaction } from "./queue-database.js";
import type { ExitStatus, HistoryItem, QueueItem } from "./wire-schemas.js";
import type { QueueTable } from "./queue-table.js";

/** Where an item is now, found in one consistent read instead of three racing calls. */
export type ItemStatus =
  | { status: "queued"; position: number; item: QueueItem }
  | { status: "running"; item: QueueItem }
  | { status: ExitStatus; item: HistoryItem }
  | { status: "unknown_uid" };

export function itemStatus(
  db: QueueDb,
  table: QueueTable,
  history: PlanHistory,
  uid: string,
): ItemStatus {
  return readTransaction(db, (): ItemStatus => {
    const running = table.running()?.item;
    if (running?.item_uid === uid) return { status: "running", item: running };
    const position = table.order().indexOf(uid);
    if (position >= 0) return { status: "queued", position, item: table.item(uid)! };
    const done = history.find(uid);
    return done ? { status: done.result.exit_status, item: done } : { status: "unknown_uid" };
  });
}
