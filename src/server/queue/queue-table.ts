import { z } from "zod";
import type { QueueDb } from "./queue-database.js";
import { parseColumn } from "./queue-database.js";
import type { QueueItem } from "./wire-schemas.js";
import { queueItemSchema } from "./wire-schemas.js";

/**
 * Row storage of the queue and the running item. Positions are kept dense (0..n-1); each
 * edit rewrites only the positions that changed, inside the caller's transaction.
 */
export class QueueTable {
  readonly #db: QueueDb;

  constructor(db: QueueDb) {
    this.#db = db;
  }

  /** The queue's uids, front first. */
  order(): string[] {
    const rows = this.#db
      .prepare("SELECT item_uid FROM queue_items ORDER BY position")
      .pluck()
      .all();
    return z.array(z.string()).parse(rows);
  }

  items(): QueueItem[] {
    const rows = this.#db
      .prepare("SELECT item_uid, item FROM queue_items ORDER BY position")
      .all() as { item_uid: string; item: string }[];
    return rows.map((row) => this.#parse(row.item, `queue item '${row.item_uid}'`));
  }

  item(uid: string): QueueItem | undefined {
    const text = this.#db
      .prepare("SELECT item FROM queue_items WHERE item_uid = ?")
      .pluck()
      .get(uid);
    return typeof text === "string" ? this.#parse(text, `queue item '${uid}'`) : undefined;
  }

  size(): number {
    return z.number().parse(this.#db.prepare("SELECT count(*) FROM queue_items").pluck().get());
  }

  has(uid: string): boolean {
    return this.#db.prepare("SELECT 1 FROM queue_items WHERE item_uid = ?").get(uid) !== undefined;
  }

  /** Writes `order` as the queue's positions; every uid in it must already be stored. */
  setOrder(order: readonly string[], previous: readonly string[]): void {
    const update = this.#db.prepare("UPDATE queue_items SET position = ? WHERE item_uid = ?");
    order.forEach((uid, i) => {
      if (previous[i] !== uid) update.run(i, uid);
    });
  }

  /** Stores items outside the order (position -1) until setOrder places them. */
  store(items: readonly QueueItem[]): void {
    const insert = this.#db.prepare(
      "INSERT INTO queue_items (item_uid, position, item) VALUES (?, -1, ?)",
    );
    for (const item of items) insert.run(item.item_uid, JSON.stringify(item));
  }

  replace(uid: string, item: QueueItem): void {
    this.#db
      .prepare("UPDATE queue_items SET item_uid = ?, item = ? WHERE item_uid = ?")
      .run(item.item_uid, JSON.stringify(item), uid);
  }

  delete(uids: readonly string[]): void {
    const remove = this.#db.prepare("DELETE FROM queue_items WHERE item_uid = ?");
    for (const uid of uids) remove.run(uid);
  }

  running(): { item: QueueItem; time_start: number } | undefined {
    const row = this.#db.prepare("SELECT item, time_start FROM running_item WHERE id = 0").get() as
      { item: string; time_start: number } | undefined;
    return row
      ? { item: this.#parse(row.item, "the running item"), time_start: row.time_start }
      : undefined;
  }

  setRunning(item: QueueItem, timeStart: number): void {
    this.#db
      .prepare("INSERT INTO running_item (id, item_uid, item, time_start) VALUES (0, ?, ?, ?)")
      .run(item.item_uid, JSON.stringify(item), timeStart);
  }

  clearRunning(): void {
    this.#db.prepare("DELETE FROM running_item").run();
  }

  #parse(text: string, where: string): QueueItem {
    return parseColumn(queueItemSchema, text, where);
  }
}
