import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { QueueError, QueueLockedError } from "./errors.js";
import type { QueueDb } from "./queue-database.js";
import { parseRow, readTransaction, writeTransaction } from "./queue-database.js";
import type { SettingsTable } from "./settings-table.js";

export interface LockRequest {
  lockKey: string;
  /** Guards opening/closing the environment, queue start/stop and the RunEngine calls. */
  environment?: boolean;
  /** Guards every queue edit and clearing the history. */
  queue?: boolean;
  user: string;
  note?: string;
}

export interface LockInfo {
  environment: boolean;
  queue: boolean;
  user: string | null;
  note: string | null;
  /** Seconds since the epoch when the lock was taken, or null when unlocked. */
  time: number | null;
  lock_info_uid: string;
}

const lockRow = z.object({
  environment: z.number(),
  queue: z.number(),
  key_hash: z.string(),
  user: z.string(),
  note: z.string().nullable(),
  time: z.number(),
});

function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * The environment and queue lock: a coordination tool between people, kept across
 * restarts. Only a hash of the key is stored; an emergency key also unlocks.
 */
export class QueueLock {
  readonly #db: QueueDb;
  readonly #settings: SettingsTable;
  readonly #now: () => number;
  readonly #emergencyHash: string | undefined;

  constructor(db: QueueDb, settings: SettingsTable, now: () => number, emergencyKey?: string) {
    this.#db = db;
    this.#settings = settings;
    this.#now = now;
    this.#emergencyHash = emergencyKey ? hashKey(emergencyKey) : undefined;
  }

  /** Takes the lock, or changes what it guards when `lockKey` already holds it. */
  lock(request: LockRequest): LockInfo {
    const { lockKey, environment = false, queue = false, user, note } = request;
    if (!lockKey) throw new QueueError("lock: the lock key is empty");
    if (!environment && !queue)
      throw new QueueError("lock: lock the environment, the queue or both");
    return writeTransaction(this.#db, () => {
      const row = this.#row();
      if (row && !sameHash(row.key_hash, hashKey(lockKey))) {
        throw new QueueError(`lock: already locked by ${row.user} with another key`);
      }
      this.#db.prepare("DELETE FROM locks").run();
      this.#db
        .prepare(
          "INSERT INTO locks (id, environment, queue, key_hash, user, note, time) VALUES (0, ?, ?, ?, ?, ?, ?)",
        )
        .run(environment ? 1 : 0, queue ? 1 : 0, hashKey(lockKey), user, note ?? null, this.#now());
      this.#settings.renew("lock_info_uid");
      return this.#info();
    });
  }

  /** Releases the lock with its key or the emergency key. */
  unlock(lockKey: string): LockInfo {
    return writeTransaction(this.#db, () => {
      const row = this.#row();
      if (!row) throw new QueueError("unlock: nothing is locked");
      if (!this.#opens(row.key_hash, lockKey)) throw new QueueError("unlock: wrong lock key");
      this.#db.prepare("DELETE FROM locks").run();
      this.#settings.renew("lock_info_uid");
      return this.#info();
    });
  }

  /** The lock's state; a given key is checked, so a client can test the key it holds. */
  info(lockKey?: string): LockInfo {
    return readTransaction(this.#db, () => {
      const row = this.#row();
      if (lockKey !== undefined && (!row || !this.#opens(row.key_hash, lockKey))) {
        throw new QueueError(row ? "lock info: wrong lock key" : "lock info: nothing is locked");
      }
      return this.#info();
    });
  }

  /** Throws when `what` is locked and `lockKey` does not open it; read-only calls skip this. */
  check(what: "environment" | "queue", lockKey?: string): void {
    const row = this.#row();
    if (!row || !(what === "environment" ? row.environment : row.queue)) return;
    if (lockKey === undefined || !this.#opens(row.key_hash, lockKey)) {
      throw new QueueLockedError(what, row.user);
    }
  }

  #opens(keyHash: string, lockKey: string): boolean {
    const hash = hashKey(lockKey);
    return (
      sameHash(keyHash, hash) ||
      (this.#emergencyHash !== undefined && sameHash(this.#emergencyHash, hash))
    );
  }

  #row(): z.infer<typeof lockRow> | undefined {
    const row: unknown = this.#db.prepare("SELECT * FROM locks WHERE id = 0").get();
    return row === undefined ? undefined : parseRow(lockRow, row, "the locks row");
  }

  #info(): LockInfo {
    const row = this.#row();
    return {
      environment: row ? row.environment !== 0 : false,
      queue: row ? row.queue !== 0 : false,
      user: row?.user ?? null,
      note: row?.note ?? null,
      time: row?.time ?? null,
      lock_info_uid: this.#settings.changeUid("lock_info_uid"),
    };
  }
}
