import { z } from "zod";
import { ApiKeyStore } from "./api-keys.js";
import type { ItemStatus } from "./item-status.js";
import { itemStatus } from "./item-status.js";
import { PlanHistory } from "./plan-history.js";
import { PlanQueue } from "./plan-queue.js";
import type { QueueDb } from "./queue-database.js";
import { openQueueDatabase } from "./queue-database.js";
import { QueueLock } from "./queue-lock.js";
import { QueueTable } from "./queue-table.js";
import { RunningItem } from "./running-item.js";
import { SettingsTable } from "./settings-table.js";

const jsonRecord = z.record(z.string(), z.json());
const storedResourcesSchema = z.object({ plans: jsonRecord, devices: jsonRecord });
/** Plans and devices as `plans/allowed` and `devices/allowed` describe them. */
export type StoredResources = z.infer<typeof storedResourcesSchema>;

export interface QueueStoreOptions {
  /** Seconds since the epoch; history times, lock times and key expiry use it. */
  now?: () => number;
  /** A key that opens any lock, for when its holder is gone. */
  emergencyLockKey?: string;
}

/**
 * The queue server's persistent state in one SQLite file: the queue and running item,
 * the history, the lock and API keys. Every operation is its own transaction, so a crash
 * at any point leaves the state of the last finished operation.
 */
export class QueueStore {
  readonly queue: PlanQueue;
  readonly history: PlanHistory;
  readonly running: RunningItem;
  readonly lock: QueueLock;
  readonly apiKeys: ApiKeyStore;
  readonly #db: QueueDb;
  readonly #table: QueueTable;
  readonly #settings: SettingsTable;
  readonly #watchers = new Set<(keys: ReadonlySet<string>) => void>();
  #changedKeys = new Set<string>();

  constructor(path: string, options: QueueStoreOptions = {}) {
    const { now = () => Date.now() / 1000, emergencyLockKey } = options;
    this.#db = openQueueDatabase(path);
    const settings = new SettingsTable(this.#db, (key) => this.#changed(key));
    this.#settings = settings;
    const table = new QueueTable(this.#db);
    this.#table = table;
    this.queue = new PlanQueue(this.#db, table, settings);
    this.history = new PlanHistory(this.#db, settings);
    this.running = new RunningItem(this.#db, table, this.history, settings, now, () =>
      this.queue.mode(),
    );
    this.lock = new QueueLock(this.#db, settings, now, emergencyLockKey);
    this.apiKeys = new ApiKeyStore(this.#db, now);
  }

  /** Whether the item is queued, running or finished (and how), by its uid. */
  itemStatus(uid: string): ItemStatus {
    return itemStatus(this.#db, this.#table, this.history, uid);
  }

  /**
   * The plans and devices the environment last described, kept so items can be checked
   * while it is closed (after a restart too), as the queue server checks against its
   * stored lists.
   */
  get resources(): StoredResources | undefined {
    return this.#settings.get("resources", storedResourcesSchema.optional(), undefined);
  }

  set resources(resources: StoredResources) {
    this.#settings.set("resources", resources);
  }

  /**
   * Hears of changes (the queue, history, lock, mode, autostart: the names of the settings
   * renewed), once per burst, after the transactions that made them.
   */
  watch(watcher: (keys: ReadonlySet<string>) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  #changed(key: string): void {
    if (this.#changedKeys.size === 0) {
      queueMicrotask(() => {
        const keys = this.#changedKeys;
        this.#changedKeys = new Set();
        for (const watcher of [...this.#watchers]) watcher(keys);
      });
    }
    this.#changedKeys.add(key);
  }

  close(): void {
    this.#db.close();
  }
}
