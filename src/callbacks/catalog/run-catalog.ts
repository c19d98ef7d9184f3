import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import type { EventDescriptor, RunStart, RunStop } from "../../core/index.js";
import { CatalogFileError, CatalogLookupError } from "./errors.js";
import { MetadataIndex, conditionSql } from "./metadata-index.js";
import { upgradeSchema } from "./schema.js";

/** The files a run was written to, by kind (`jsonl`, `csv`, `svg`, ...), relative to the catalog's folder or absolute. */
export type RunFilePaths = Record<string, string>;

/** One stream (one descriptor) of a run. */
export interface StreamEntry {
  name: string;
  descriptorUid: string;
  dataKeys: EventDescriptor["data_keys"];
  numEvents: number;
}

/** What the catalog knows of a run. */
export interface RunEntry {
  uid: string;
  scanId: number | undefined;
  planName: string | undefined;
  time: number;
  /** undefined while running, or for a run that ended with no stop document (a crash). */
  exitStatus: RunStop["exit_status"] | undefined;
  start: RunStart;
  stop: RunStop | undefined;
  streams: StreamEntry[];
  /** Events per stream name, counted as they were indexed. */
  numEvents: Record<string, number>;
  files: RunFilePaths;
}

/** A metadata query on the start document: `key` may name a nested field with dots. */
export interface MetadataCondition {
  key: string;
  value: string;
}

export interface RunQuery {
  where?: readonly MetadataCondition[];
  /** POSIX seconds, inclusive. */
  since?: number;
  /** POSIX seconds, exclusive. */
  until?: number;
  /** Only the most recent `limit` runs. */
  limit?: number;
}

interface RunRow {
  uid: string;
  scan_id: number | null;
  plan_name: string | null;
  time: number;
  exit_status: string | null;
  start: string;
  stop: string | null;
  files: string;
}

interface StreamRow {
  run_uid: string;
  descriptor_uid: string;
  name: string;
  data_keys: string;
  num_events: number;
}

export interface OpenCatalogOptions {
  /** Refuse to create the file: for commands that only read. */
  mustExist?: boolean;
  /** Told when an older catalog file is upgraded to this code's schema. */
  warn?: (message: string) => void;
}

/** How a reference is read: `-1` (the last run), `42` (a scan_id), `3c6ad` (a partial uid). */
export type RunReference =
  | { kind: "recent"; back: number }
  | { kind: "scan_id"; scanId: number }
  | { kind: "uid"; prefix: string };

/** Parses a reference as databroker users type them; undefined when it is none of them. */
export function parseReference(reference: string): RunReference | undefined {
  const text = reference.trim();
  if (/^-\d+$/.test(text)) {
    const back = -Number(text);
    return back >= 1 && Number.isSafeInteger(back) ? { kind: "recent", back } : undefined;
  }
  if (/^\d+$/.test(text)) {
    const scanId = Number(text);
    return Number.isSafeInteger(scanId) ? { kind: "scan_id", scanId } : undefined;
  }
  if (/^[0-9a-f][0-9a-f-]{4,}$/i.test(text)) return { kind: "uid", prefix: text.toLowerCase() };
  return undefined;
}

/** The catalog's statements, prepared once. */
function prepare(db: Database.Database) {
  return {
    insertRun: db.prepare(
      `INSERT OR REPLACE INTO runs (uid, scan_id, plan_name, time, start, files)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    deleteStreams: db.prepare(`DELETE FROM streams WHERE run_uid = ?`),
    insertStream: db.prepare(
      `INSERT OR REPLACE INTO streams (run_uid, descriptor_uid, name, data_keys, num_events)
       VALUES (?, ?, ?, ?, 0)`,
    ),
    countEvents: db.prepare(
      `UPDATE streams SET num_events = num_events + ? WHERE descriptor_uid = ?`,
    ),
    stopRun: db.prepare(`UPDATE runs SET exit_status = ?, stop_time = ?, stop = ? WHERE uid = ?`),
    byUid: db.prepare<[string], RunRow>(`SELECT * FROM runs WHERE uid = ?`),
    startOf: db.prepare<[string], { seq: number; start: string }>(
      `SELECT seq, start FROM runs WHERE uid = ?`,
    ),
    recent: db.prepare<[number], RunRow>(
      `SELECT * FROM runs ORDER BY time DESC, seq DESC LIMIT 1 OFFSET ?`,
    ),
    byScanId: db.prepare<[number], RunRow>(
      `SELECT * FROM runs WHERE scan_id = ? ORDER BY time DESC, seq DESC LIMIT 1`,
    ),
    byPrefix: db.prepare<[string, string], RunRow>(
      `SELECT * FROM runs WHERE uid >= ? AND uid < ? ORDER BY time, seq LIMIT 11`,
    ),
    streamsOf: db.prepare<[string], StreamRow>(
      `SELECT * FROM streams WHERE run_uid = ? ORDER BY rowid`,
    ),
    count: db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM runs`),
    countUnfinished: db.prepare<[], { n: number }>(
      `SELECT count(*) AS n FROM runs WHERE stop IS NULL`,
    ),
  };
}

/**
 * An index of runs in an embedded SQLite file: start and stop metadata, streams with their
 * fields and event counts, and the files each run was written to. WAL lets `hil runs` read
 * while a run is being written.
 */
export class RunCatalog {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepare>;
  private readonly metadata: MetadataIndex;
  private readonly searches = new Map<string, Database.Statement<Array<string | number>, RunRow>>();

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.db = db;
    this.statements = prepare(db);
    this.metadata = new MetadataIndex(db);
  }

  /** Opens (creating unless `mustExist`) the catalog at `path`. */
  static open(
    path: string,
    { mustExist = false, warn = console.warn }: OpenCatalogOptions = {},
  ): RunCatalog {
    if (mustExist && !existsSync(path)) {
      throw new CatalogFileError(`${path}: no run catalog here (hil runs reindex builds one)`);
    }
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (error) {
      throw new CatalogFileError(`${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
      // Room for the indexes of some 100,000 runs, whose random uids touch pages all over.
      db.pragma("cache_size = -32768");
      db.pragma("foreign_keys = ON");
      upgradeSchema(db, path, warn);
      return new RunCatalog(path, db);
    } catch (error) {
      db.close();
      if (error instanceof CatalogFileError) throw error;
      throw new CatalogFileError(`${path}: ${(error as Error).message}`, { cause: error });
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs `work` in one transaction: many inserts at once, or a rebuild all or nothing. */
  transaction<T>(work: () => T): T {
    return this.db.inTransaction ? work() : this.db.transaction(work).immediate();
  }

  /**
   * Indexes a run at its start, its start document's fields with it; a run indexed again
   * (same uid) starts afresh.
   */
  addStart(start: RunStart, files: RunFilePaths = {}): void {
    const startJson = JSON.stringify(start);
    this.transaction(() => {
      this.statements.deleteStreams.run(start.uid);
      const previous = this.statements.startOf.get(start.uid);
      if (previous) this.metadata.delete(previous.seq, previous.start);
      const { lastInsertRowid } = this.statements.insertRun.run(
        start.uid,
        typeof start.scan_id === "number" ? start.scan_id : null,
        typeof start.plan_name === "string" ? start.plan_name : null,
        start.time,
        startJson,
        JSON.stringify(files),
      );
      this.metadata.add(Number(lastInsertRowid), startJson);
    });
  }

  addDescriptor(descriptor: EventDescriptor): void {
    this.statements.insertStream.run(
      descriptor.run_start,
      descriptor.uid,
      descriptor.name,
      JSON.stringify(descriptor.data_keys),
    );
  }

  /** Counts `count` more events of the stream of descriptor `descriptorUid`. */
  addEvents(descriptorUid: string, count: number): void {
    this.statements.countEvents.run(count, descriptorUid);
  }

  addStop(stop: RunStop): void {
    this.statements.stopRun.run(stop.exit_status, stop.time, JSON.stringify(stop), stop.run_start);
  }

  /** Forgets every run: the first step of a rebuild. */
  clear(): void {
    this.transaction(() => {
      this.db.exec(`DELETE FROM streams; DELETE FROM runs;`);
      this.metadata.clear();
    });
  }

  get size(): number {
    return this.statements.count.get()!.n;
  }

  /** Runs with no stop document (their process was killed, or they still run). */
  get unfinished(): number {
    return this.statements.countUnfinished.get()!.n;
  }

  /**
   * The run a reference names: `-1` the last, `-3` the third last, `42` the last with
   * scan_id 42, or a uid or its first 5 or more characters (an error lists every match of
   * an ambiguous one).
   */
  get(reference: string): RunEntry {
    const parsed = parseReference(reference);
    const where = `${this.path}: ${reference}`;
    if (!parsed) {
      throw new CatalogLookupError(
        `${where}: not a run reference (expected -1, -2, ... for recent runs, a scan_id, or 5 or more characters of a uid)`,
      );
    }
    switch (parsed.kind) {
      case "recent": {
        const row = this.statements.recent.get(parsed.back - 1);
        if (!row) {
          throw new CatalogLookupError(
            `${where}: no such run, the catalog holds ${this.size} run(s)`,
          );
        }
        return this.entry(row);
      }
      case "scan_id": {
        const row = this.statements.byScanId.get(parsed.scanId);
        if (row) return this.entry(row);
        // 5 or more digits may also begin a uid.
        const text = reference.trim();
        if (text.length >= 5 && this.uidsStartingWith(text).length > 0) return this.byPrefix(text);
        throw new CatalogLookupError(`${where}: no run has scan_id ${parsed.scanId}`);
      }
      case "uid":
        return this.byPrefix(parsed.prefix, where);
    }
  }

  /** At most 11 runs whose uid starts with `prefix`, oldest first. */
  private uidsStartingWith(prefix: string): RunRow[] {
    return this.statements.byPrefix.all(prefix, `${prefix}\uffff`);
  }

  /** The run whose uid starts with `prefix`; an ambiguous prefix is an error listing the matches. */
  private byPrefix(prefix: string, where = `${this.path}: ${prefix}`): RunEntry {
    const rows = this.uidsStartingWith(prefix);
    if (rows.length === 0) throw new CatalogLookupError(`${where}: no run's uid starts so`);
    const exact = rows.find((row) => row.uid === prefix);
    if (exact) return this.entry(exact);
    if (rows.length > 1) {
      const listed = rows
        .slice(0, 10)
        .map((row) => `  ${row.uid}  scan_id ${row.scan_id ?? "-"}  ${row.plan_name ?? ""}`);
      const more = rows.length > 10 ? "\n  ..." : "";
      throw new CatalogLookupError(
        `${where}: ambiguous, matches:\n${listed.join("\n")}${more}\ngive more of the uid`,
      );
    }
    return this.entry(rows[0]!);
  }

  /** The run of a full uid, or undefined. */
  byUid(uid: string): RunEntry | undefined {
    const row = this.statements.byUid.get(uid);
    return row && this.entry(row);
  }

  /** Runs matching every condition, oldest first; with `limit`, the most recent that many. */
  search(query: RunQuery = {}): RunEntry[] {
    const clauses: string[] = [];
    const params: Array<string | number> = [];
    for (const { key, value } of query.where ?? []) {
      const condition = conditionSql(key, value);
      clauses.push(condition.sql);
      params.push(...condition.params);
    }
    if (query.since !== undefined) {
      clauses.push("time >= ?");
      params.push(query.since);
    }
    if (query.until !== undefined) {
      clauses.push("time < ?");
      params.push(query.until);
    }
    const filter = clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "";
    const order = "ORDER BY time DESC, seq DESC";
    let sql = `SELECT * FROM runs ${filter} ${order}`;
    if (query.limit !== undefined) {
      // The runs are sorted by time alone, then only the last `limit` read whole.
      sql = `SELECT * FROM runs WHERE seq IN (SELECT seq FROM runs ${filter} ${order} LIMIT ?) ${order}`;
      params.push(query.limit);
    }
    const rows = this.searchStatement(sql).all(...params);
    return rows.reverse().map((row) => this.entry(row));
  }

  /** A search's statement, prepared once per shape of query (which conditions, which bounds). */
  private searchStatement(sql: string): Database.Statement<Array<string | number>, RunRow> {
    let statement = this.searches.get(sql);
    if (!statement) {
      if (this.searches.size >= 64) this.searches.clear();
      statement = this.db.prepare<Array<string | number>, RunRow>(sql);
      this.searches.set(sql, statement);
    }
    return statement;
  }

  private entry(row: RunRow): RunEntry {
    const streams = this.statements.streamsOf.all(row.uid).map((stream): StreamEntry => ({
      name: stream.name,
      descriptorUid: stream.descriptor_uid,
      dataKeys: JSON.parse(stream.data_keys) as EventDescriptor["data_keys"],
      numEvents: stream.num_events,
    }));
    const numEvents: Record<string, number> = {};
    for (const stream of streams) {
      numEvents[stream.name] = (numEvents[stream.name] ?? 0) + stream.numEvents;
    }
    return {
      uid: row.uid,
      scanId: row.scan_id ?? undefined,
      planName: row.plan_name ?? undefined,
      time: row.time,
      exitStatus: (row.exit_status ?? undefined) as RunStop["exit_status"] | undefined,
      start: JSON.parse(row.start) as RunStart,
      stop: row.stop === null ? undefined : (JSON.parse(row.stop) as RunStop),
      streams,
      numEvents,
      files: JSON.parse(row.files) as RunFilePaths,
    };
  }
}
