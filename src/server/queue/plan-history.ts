import { z } from "zod";
import { QueueError } from "./errors.js";
import type { QueueDb } from "./queue-database.js";
import { parseColumn, readTransaction, writeTransaction } from "./queue-database.js";
import type { HistoryItem } from "./wire-schemas.js";
import { historyItemSchema } from "./wire-schemas.js";
import type { SettingsTable } from "./settings-table.js";

/** Finished items, oldest first; every change renews `plan_history_uid`. */
export class PlanHistory {
  readonly #db: QueueDb;
  readonly #settings: SettingsTable;

  constructor(db: QueueDb, settings: SettingsTable) {
    this.#db = db;
    this.#settings = settings;
  }

  get(): { items: HistoryItem[]; plan_history_uid: string } {
    return readTransaction(this.#db, () => {
      const rows = this.#db.prepare("SELECT seq, item FROM history_items ORDER BY seq").all() as {
        seq: number;
        item: string;
      }[];
      return {
        items: rows.map((r) => parseColumn(historyItemSchema, r.item, `history item #${r.seq}`)),
        plan_history_uid: this.#settings.changeUid("plan_history_uid"),
      };
    });
  }

  /** The newest history item with this uid. */
  find(uid: string): HistoryItem | undefined {
    const row = this.#db
      .prepare("SELECT seq, item FROM history_items WHERE item_uid = ? ORDER BY seq DESC LIMIT 1")
      .get(uid) as { seq: number; item: string } | undefined;
    return row ? parseColumn(historyItemSchema, row.item, `history item #${row.seq}`) : undefined;
  }

  size(): number {
    return z.number().parse(this.#db.prepare("SELECT count(*) FROM history_items").pluck().get());
  }

  get planHistoryUid(): string {
    return this.#settings.changeUid("plan_history_uid");
  }

  add(item: HistoryItem): void {
    const parsed = historyItemSchema.parse(item);
    writeTransaction(this.#db, () => {
      this.#db
        .prepare("INSERT INTO history_items (item_uid, item) VALUES (?, ?)")
        .run(parsed.item_uid, JSON.stringify(parsed));
      this.#settings.renew("plan_history_uid");
    });
  }

  /**
   * Trims from the old end: with `size`, keeps that many newest items; with `itemUid`,
   * removes the items older than that one; with neither, removes everything.
   */
  clear(options: { size?: number; itemUid?: string } = {}): void {
    const { size, itemUid } = options;
    if (size !== undefined && itemUid !== undefined) {
      throw new QueueError("history clear: give size or item_uid, not both");
    }
    if (size !== undefined && (!Number.isInteger(size) || size < 0)) {
      throw new QueueError(`history clear: size ${size} is not a count`);
    }
    writeTransaction(this.#db, () => {
      let removed: number;
      if (itemUid !== undefined) {
        const seq = this.#db
          .prepare("SELECT max(seq) FROM history_items WHERE item_uid = ?")
          .pluck()
          .get(itemUid);
        if (typeof seq !== "number") {
          throw new QueueError(`item with uid '${itemUid}' is not in the history`);
        }
        removed = this.#db.prepare("DELETE FROM history_items WHERE seq < ?").run(seq).changes;
      } else if (size !== undefined) {
        removed = this.#db
          .prepare(
            "DELETE FROM history_items WHERE seq NOT IN (SELECT seq FROM history_items ORDER BY seq DESC LIMIT ?)",
          )
          .run(size).changes;
      } else {
        removed = this.#db.prepare("DELETE FROM history_items").run().changes;
      }
      if (removed > 0) this.#settings.renew("plan_history_uid");
    });
  }
}
