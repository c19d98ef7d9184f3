import type Database from "better-sqlite3";
import { CatalogFileError } from "./errors.js";
import { MetadataIndex, metadataSchema } from "./metadata-index.js";

/**
 * The catalog file's schema version, kept in PRAGMA user_version.
 * 1: runs and streams. 2: and run_meta, the start documents' fields indexed for `--where`.
 */
export const schemaVersion = 2;

const schema = `
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  uid TEXT NOT NULL UNIQUE,
  scan_id INTEGER,
  plan_name TEXT,
  time REAL NOT NULL,
  exit_status TEXT,
  stop_time REAL,
  start TEXT NOT NULL,
  stop TEXT,
  files TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_time ON runs (time, seq);
CREATE INDEX IF NOT EXISTS runs_scan_id ON runs (scan_id, time, seq);
CREATE TABLE IF NOT EXISTS streams (
  run_uid TEXT NOT NULL REFERENCES runs (uid) ON DELETE CASCADE,
  descriptor_uid TEXT NOT NULL,
  name TEXT NOT NULL,
  data_keys TEXT NOT NULL,
  num_events INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_uid, descriptor_uid)
);
CREATE INDEX IF NOT EXISTS streams_descriptor ON streams (descriptor_uid);
${metadataSchema}`;

function versionOf(db: Database.Database, path: string): number {
  const version = db.pragma("user_version", { simple: true });
  if (typeof version !== "number" || version > schemaVersion) {
    throw new CatalogFileError(
      `${path}: catalog schema version ${String(version)} is newer than this code`,
    );
  }
  return version;
}

/**
 * Brings the file's schema to `schemaVersion`: a new file gets the tables, an older one the
 * tables it lacks, filled from the runs it holds (all in one transaction, which a second
 * process opening it at the same time waits for), and `warn` is told. A file already up to
 * date is not written.
 */
export function upgradeSchema(
  db: Database.Database,
  path: string,
  warn: (message: string) => void,
): void {
  const from = versionOf(db, path);
  if (from === schemaVersion) return;
  let upgraded: { from: number; runs: number } | undefined;
  try {
    db.transaction(() => {
      const version = versionOf(db, path);
      if (version === schemaVersion) return;
      db.exec(schema);
      // Version 0 is a new file, or one with no runs to index.
      const runs = new MetadataIndex(db).rebuild();
      if (version > 0 || runs > 0) upgraded = { from: version, runs };
      db.pragma(`user_version = ${schemaVersion}`);
    }).immediate();
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    if (from === 0) throw error;
    throw new CatalogFileError(
      `${path}: cannot upgrade the run catalog from schema version ${from} to ${schemaVersion}: ` +
        `${(error as Error).message}; remove it and run hil runs reindex to rebuild it from the ` +
        `JSONL files`,
      { cause: error },
    );
  }
  if (upgraded) {
    warn(
      `${path}: run catalog upgraded from schema version ${upgraded.from} to ${schemaVersion}: ` +
        `the start metadata of ${upgraded.runs} run(s) indexed for --where`,
    );
  }
}
