import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { QueueDb } from "./queue-database.js";
import { parseColumn } from "./queue-database.js";

/** The change uids clients compare to know whether to download a list again. */
export type ChangeUidName = "plan_queue_uid" | "plan_history_uid" | "lock_info_uid";

/** Small named JSON values: the queue mode, the autostart flag and the change uids. */
export class SettingsTable {
  readonly #db: QueueDb;
  readonly #changed: (key: string) => void;

  /** `changed` hears of every key written, to tell watchers once the transaction is done. */
  constructor(db: QueueDb, changed: (key: string) => void = () => {}) {
    this.#db = db;
    this.#changed = changed;
  }

  get<T>(key: string, schema: z.ZodType<T>, fallback: T): T {
    const row = this.#db.prepare("SELECT value FROM settings WHERE key = ?").get(key) as
      { value: string } | undefined;
    return row ? parseColumn(schema, row.value, `settings '${key}'`) : fallback;
  }

  set(key: string, value: unknown): void {
    this.#db
      .prepare(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(key, JSON.stringify(value));
    this.#changed(key);
  }

  /** The current uid; one is made and stored the first time it is asked. */
  changeUid(name: ChangeUidName): string {
    const uid = this.get(name, z.string().nullable(), null);
    return uid ?? this.renew(name);
  }

  /** Call inside the transaction that made the change, so the two commit together. */
  renew(name: ChangeUidName): string {
    const uid = randomUUID();
    this.set(name, uid);
    return uid;
  }
}
