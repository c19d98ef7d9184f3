import type Database from "better-sqlite3";
import { CatalogLookupError } from "./errors.js";

/**
 * The start documents' fields as rows of `run_meta`: one per scalar field, its key the path of
 * object keys joined with dots (`sample`, `plan_args.num`), its value as SQLite has it (text,
 * a number, or 1/0 with `boolean` set). The table is its own index on (key, value, run), so a
 * `--where` condition is an index lookup instead of a scan of every start document's JSON.
 */
export const metadataSchema = `
CREATE TABLE IF NOT EXISTS run_meta (
  key TEXT NOT NULL,
  value NOT NULL,
  run INTEGER NOT NULL,
  boolean INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (key, value, run)
) WITHOUT ROWID;
`;

/** A start document's field as stored in `run_meta`. */
export type MetadataRow = [key: string, value: string | number, boolean: 0 | 1];

/** A key part that no `--where` key can name: it holds a dot or a quote, or is empty. */
function unreachable(part: string): boolean {
  return part === "" || part.includes(".") || part.includes('"');
}

/**
 * The scalar fields of a start document's stored JSON, nested objects' fields under dotted
 * keys. As the JSON path of a `--where` key does, it leaves out what no key reaches (arrays'
 * items, keys with dots or quotes) and nulls, which match nothing; arrays and objects
 * themselves are compared as JSON text, by the query, from the document.
 */
export function metadataRows(startJson: string): MetadataRow[] {
  const rows: MetadataRow[] = [];
  const walk = (object: Record<string, unknown>, prefix: string): void => {
    for (const [part, value] of Object.entries(object)) {
      if (unreachable(part)) continue;
      const key = prefix + part;
      if (typeof value === "string" || typeof value === "number") rows.push([key, value, 0]);
      else if (typeof value === "boolean") rows.push([key, value ? 1 : 0, 1]);
      else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, `${key}.`);
      }
    }
  };
  const start: unknown = JSON.parse(startJson);
  if (start !== null && typeof start === "object" && !Array.isArray(start)) {
    walk(start as Record<string, unknown>, "");
  }
  return rows;
}

/** A start-document key path (`sample`, `plan_args.num`) as an SQLite JSON path. */
export function jsonPath(key: string): string {
  const parts = key.split(".");
  if (parts.some((part) => part === "" || part.includes('"'))) {
    throw new CatalogLookupError(`--where ${key}: expected a key such as plan_name or md.sample`);
  }
  return `$${parts.map((part) => `."${part}"`).join("")}`;
}

/** One `--where` condition as SQL on the `runs` table, with its parameters. */
export interface ConditionSql {
  sql: string;
  params: Array<string | number>;
}

/**
 * A `--where key=value` condition, matched as the start document's field compares in SQLite:
 * equal as text (a string field), equal as a number when the value reads as one (a number
 * field, or a boolean as 1/0), and `true`/`false` a boolean field. A value in brackets or
 * braces may equal an array or object's JSON text, which only the document holds: that
 * condition reads the JSON of each run.
 */
export function conditionSql(key: string, value: string): ConditionSql {
  const path = jsonPath(key);
  if (value.startsWith("[") || value.startsWith("{")) {
    return { sql: "json_extract(start, ?) = ?", params: [path, value] };
  }
  const values: Array<string | number> = [value];
  const number = Number(value);
  if (value.trim() !== "" && Number.isFinite(number)) values.push(number);
  const params: Array<string | number> = [key, ...values];
  let select = `SELECT run FROM run_meta WHERE key = ? AND value IN (${values.map(() => "?").join(", ")})`;
  if (value === "true" || value === "false") {
    select += " UNION ALL SELECT run FROM run_meta WHERE key = ? AND value = ? AND boolean = 1";
    params.push(key, value === "true" ? 1 : 0);
  }
  return { sql: `seq IN (${select})`, params };
}

/** The statements that keep `run_meta` in step with the runs table. */
export class MetadataIndex {
  private readonly insert: Database.Statement<[string, string | number, number, number]>;
  private readonly remove: Database.Statement<[string, string | number, number]>;
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO run_meta (key, value, run, boolean) VALUES (?, ?, ?, ?)`,
    );
    this.remove = db.prepare(`DELETE FROM run_meta WHERE key = ? AND value = ? AND run = ?`);
  }

  /** Indexes the fields of run `seq`'s start document. */
  add(seq: number, startJson: string): void {
    for (const [key, value, boolean] of metadataRows(startJson)) {
      this.insert.run(key, value, seq, boolean);
    }
  }

  /** Forgets the fields of run `seq`, whose start document was `startJson`. */
  delete(seq: number, startJson: string): void {
    for (const [key, value] of metadataRows(startJson)) this.remove.run(key, value, seq);
  }

  clear(): void {
    this.db.exec(`DELETE FROM run_meta`);
  }

  /** Indexes every run afresh from the start documents the runs table holds; returns how many. */
  rebuild(): number {
    this.clear();
    let runs = 0;
    // Pages of runs: the connection cannot insert while a query is still being read.
    const page = this.db.prepare<[number], { seq: number; start: string }>(
      `SELECT seq, start FROM runs WHERE seq > ? ORDER BY seq LIMIT 1000`,
    );
    for (let rows = page.all(-Infinity); rows.length > 0; rows = page.all(rows.at(-1)!.seq)) {
      for (const { seq, start } of rows) this.add(seq, start);
      runs += rows.length;
    }
    return runs;
  }
}
