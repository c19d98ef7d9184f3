import Database from "better-sqlite3";
import type { z } from "zod";
import { QueueDataError } from "./errors.js";

/** An open queue database (better-sqlite3). */
export type QueueDb = Database.Database;

const schemaVersion = 1;

const schema = `
CREATE TABLE IF NOT EXISTS queue_items (
  item_uid TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  item TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_items_position ON queue_items (position);
CREATE TABLE IF NOT EXISTS running_item (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  item_uid TEXT NOT NULL,
  item TEXT NOT NULL,
  time_start REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS history_items (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  item_uid TEXT NOT NULL,
  item TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS locks (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  environment INTEGER NOT NULL,
  queue INTEGER NOT NULL,
  key_hash TEXT NOT NULL,
  user TEXT NOT NULL,
  note TEXT,
  time REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
  first_eight TEXT NOT NULL,
  secret_hash TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  scopes TEXT NOT NULL,
  role TEXT,
  note TEXT,
  time_created REAL NOT NULL,
  expires_at REAL
);
CREATE INDEX IF NOT EXISTS api_keys_first_eight ON api_keys (first_eight);
`;

/**
 * Opens (creating if needed) the queue database. WAL lets readers run beside the one
 * writer, and synchronous=FULL makes each committed operation survive a power cut, not
 * only a crash of the process.
 */
export function openQueueDatabase(path: string): QueueDb {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    // Another process (a CLI, a second server by mistake) may hold the write lock briefly.
    db.pragma("busy_timeout = 5000");
    const version = db.pragma("user_version", { simple: true });
    if (typeof version !== "number" || version > schemaVersion) {
      throw new QueueDataError(path, `schema version ${String(version)} is newer than this code`);
    }
    db.transaction(() => {
      db.exec(schema);
      db.pragma(`user_version = ${schemaVersion}`);
    }).immediate();
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Parses a JSON column, naming the table and row when it does not fit its schema. */
export function parseColumn<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new QueueDataError(where, error instanceof Error ? error.message : String(error));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new QueueDataError(where, parsed.error.message);
  return parsed.data;
}

/**
 * Runs `fn` in one write transaction, taken at the start so two processes never deadlock
 * upgrading a read lock; nested calls become savepoints of the outer one.
 */
export function writeTransaction<T>(db: QueueDb, fn: () => T): T {
  return db.inTransaction ? db.transaction(fn)() : db.transaction(fn).immediate();
}

/** Runs several reads against one snapshot of the database. */
export function readTransaction<T>(db: QueueDb, fn: () => T): T {
  return db.transaction(fn).deferred();
}

/** Checks a row's columns, naming the table and row when they do not fit. */
export function parseRow<T>(schema: z.ZodType<T>, row: unknown, where: string): T {
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw new QueueDataError(where, parsed.error.message);
  return parsed.data;
}
