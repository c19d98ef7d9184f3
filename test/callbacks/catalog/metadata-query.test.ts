import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import { RunCatalog, catalogFileName } from "../../../src/callbacks/index.js";
import type { RunStart } from "../../../src/core/index.js";

let folder: string;
let path: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "metadata-query-"));
  path = join(folder, catalogFileName);
});

const T0 = 1_700_000_000;

/** Starts with fields of every kind: strings, numbers, booleans, nulls, arrays, nested objects. */
const starts: RunStart[] = [
  {
    uid: "aaaaa-1",
    time: T0,
    scan_id: 5,
    plan_name: "scan",
    md: { sample: "Si", temp: { setpoint: 300 } },
    label: "5",
    flag: true,
    detectors: ["det"],
  },
  {
    uid: "bbbbb-2",
    time: T0 + 60,
    scan_id: 6,
    plan_name: "count",
    md: { sample: "Ge", temp: { setpoint: 300.5 } },
    label: "5.0",
    flag: false,
    note: null,
  },
  {
    uid: "ccccc-3",
    time: T0 + 120,
    scan_id: 7,
    plan_name: "scan",
    md: { sample: "Si", temp: { setpoint: 77 } },
    "md.sample": "dotted key",
    flag: 1,
    detectors: ["det", "I0"],
  },
  {
    uid: "ddddd-4",
    time: T0 + 180,
    scan_id: 5,
    plan_name: "scan",
    md: { sample: "Si" },
    label: 5,
    count: 0,
  },
];

function filled(): RunCatalog {
  const catalog = RunCatalog.open(path);
  catalog.transaction(() => {
    for (const start of starts) catalog.addStart(start);
  });
  return catalog;
}

const where = (catalog: RunCatalog, ...pairs: Array<[string, string]>): string[] =>
  catalog.search({ where: pairs.map(([key, value]) => ({ key, value })) }).map((r) => r.uid);

describe("RunCatalog metadata queries", () => {
  it("finds nested fields by dotted keys, never a key that holds a dot", () => {
    const catalog = filled();
    expect(where(catalog, ["md.sample", "Si"])).toEqual(["aaaaa-1", "ccccc-3", "ddddd-4"]);
    expect(where(catalog, ["md.temp.setpoint", "300"])).toEqual(["aaaaa-1"]);
    expect(where(catalog, ["md.temp.setpoint", "300.5"])).toEqual(["bbbbb-2"]);
    expect(where(catalog, ["md.sample", "dotted key"])).toEqual([]);
    expect(where(catalog, ["md.temp", "300"])).toEqual([]);
    expect(() => where(catalog, ["md..sample", "Si"])).toThrow(
      "--where md..sample: expected a key such as plan_name or md.sample",
    );
    catalog.close();
  });

  it("compares a number as a number, a string as text, and true/false as booleans", () => {
    const catalog = filled();
    expect(where(catalog, ["scan_id", "5"])).toEqual(["aaaaa-1", "ddddd-4"]);
    expect(where(catalog, ["scan_id", "5.0"])).toEqual(["aaaaa-1", "ddddd-4"]);
    expect(where(catalog, ["scan_id", "6e0"])).toEqual(["bbbbb-2"]);
    // label is "5" (text), "5.0" (text) and 5 (a number) in three runs.
    expect(where(catalog, ["label", "5"])).toEqual(["aaaaa-1", "ddddd-4"]);
    expect(where(catalog, ["label", "5.0"])).toEqual(["bbbbb-2", "ddddd-4"]);
    expect(where(catalog, ["flag", "true"])).toEqual(["aaaaa-1"]);
    expect(where(catalog, ["flag", "false"])).toEqual(["bbbbb-2"]);
    expect(where(catalog, ["flag", "1"])).toEqual(["aaaaa-1", "ccccc-3"]);
    expect(where(catalog, ["count", "false"])).toEqual([]);
    expect(where(catalog, ["note", "null"])).toEqual([]);
    expect(where(catalog, ["detectors", '["det"]'])).toEqual(["aaaaa-1"]);
    expect(where(catalog, ["scan_id", "5"], ["md.sample", "Si"], ["plan_name", "scan"])).toEqual([
      "aaaaa-1",
      "ddddd-4",
    ]);
    catalog.close();
  });

  it("answers exactly as a comparison of each start document's JSON would", () => {
    const catalog = filled();
    catalog.close();
    const raw = new Database(path, { readonly: true });
    /** The condition as a scan of every run's JSON, as the catalog once ran it. */
    const scanned = (key: string, value: string): string[] => {
      const jsonPath = `$${key
        .split(".")
        .map((part) => `."${part}"`)
        .join("")}`;
      const number = Number(value);
      const numeric = value.trim() !== "" && Number.isFinite(number);
      const rows = raw
        .prepare<unknown[], { uid: string }>(
          `SELECT uid FROM runs WHERE json_extract(start, ?) = ?
           OR (? AND json_extract(start, ?) = ?) OR json_type(start, ?) = ?
           ORDER BY time, seq`,
        )
        .all(jsonPath, value, numeric ? 1 : 0, jsonPath, number, jsonPath, value);
      return rows.map((row) => row.uid);
    };
    const reopened = RunCatalog.open(path);
    const keys = ["scan_id", "label", "flag", "count", "md.sample", "md.temp.setpoint", "uid"];
    const values = ["5", "5.0", " 5 ", "0x5", "1", "0", "-0", "true", "false", "Si", "300", ""];
    values.push("aaaaa-1", "300.5", "1e0", "null", '["det"]', "S i");
    for (const key of keys) {
      for (const value of values) {
        expect(where(reopened, [key, value]), `${key}=${value}`).toEqual(scanned(key, value));
      }
    }
    raw.close();
    reopened.close();
  });

  it("combines a condition with since, until and a limit", () => {
    const catalog = filled();
    const search = (query: { since?: number; until?: number; limit?: number }) =>
      catalog
        .search({ where: [{ key: "md.sample", value: "Si" }], ...query })
        .map((run) => run.uid);
    expect(search({ since: T0 + 60 })).toEqual(["ccccc-3", "ddddd-4"]);
    expect(search({ until: T0 + 120 })).toEqual(["aaaaa-1"]);
    expect(search({ since: T0 + 1, until: T0 + 180 })).toEqual(["ccccc-3"]);
    expect(search({ since: T0 + 200 })).toEqual([]);
    expect(search({ limit: 2 })).toEqual(["ccccc-3", "ddddd-4"]);
    expect(search({ until: T0 + 180, limit: 1 })).toEqual(["ccccc-3"]);
    catalog.close();
  });

  it("keeps the metadata right when a run is indexed again and when the catalog is cleared", () => {
    const catalog = filled();
    catalog.addStart({ ...starts[0]!, md: { sample: "Cu" }, flag: false });
    expect(where(catalog, ["md.sample", "Si"])).toEqual(["ccccc-3", "ddddd-4"]);
    expect(where(catalog, ["md.sample", "Cu"])).toEqual(["aaaaa-1"]);
    expect(where(catalog, ["md.temp.setpoint", "300"])).toEqual([]);
    expect(where(catalog, ["flag", "false"])).toEqual(["aaaaa-1", "bbbbb-2"]);
    catalog.clear();
    expect(where(catalog, ["plan_name", "scan"])).toEqual([]);
    catalog.addStart(starts[3]!);
    expect(where(catalog, ["plan_name", "scan"])).toEqual(["ddddd-4"]);
    catalog.close();
  });
});

/** A catalog file as schema version 1 wrote it: runs and streams, no metadata index. */
function versionOneFile(file: string, runs: readonly RunStart[]): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE runs (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE, scan_id INTEGER,
      plan_name TEXT, time REAL NOT NULL, exit_status TEXT, stop_time REAL,
      start TEXT NOT NULL, stop TEXT, files TEXT NOT NULL
    );
    CREATE INDEX runs_time ON runs (time, seq);
    CREATE INDEX runs_scan_id ON runs (scan_id, time, seq);
    CREATE TABLE streams (
      run_uid TEXT NOT NULL REFERENCES runs (uid) ON DELETE CASCADE,
      descriptor_uid TEXT NOT NULL, name TEXT NOT NULL, data_keys TEXT NOT NULL,
      num_events INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_uid, descriptor_uid)
    );
    CREATE INDEX streams_descriptor ON streams (descriptor_uid);
  `);
  const insert = db.prepare(
    `INSERT INTO runs (uid, scan_id, plan_name, time, start, files) VALUES (?, ?, ?, ?, ?, '{}')`,
  );
  for (const start of runs) {
    insert.run(start.uid, start.scan_id, start.plan_name, start.time, JSON.stringify(start));
  }
  db.pragma("user_version = 1");
  db.close();
}

describe("RunCatalog schema versions", () => {
  it("upgrades a version 1 file in place, indexing the metadata of the runs it holds", () => {
    versionOneFile(path, starts);
    const warnings: string[] = [];
    const catalog = RunCatalog.open(path, { mustExist: true, warn: (w) => warnings.push(w) });
    expect(warnings).toEqual([
      `${path}: run catalog upgraded from schema version 1 to 2: the start metadata of 4 run(s) indexed for --where`,
    ]);
    expect(catalog.size).toBe(4);
    expect(where(catalog, ["md.sample", "Si"], ["scan_id", "5"])).toEqual(["aaaaa-1", "ddddd-4"]);
    expect(catalog.get("-1").uid).toBe("ddddd-4");
    catalog.close();
    // Upgraded once: opened again, it says nothing.
    const again = RunCatalog.open(path, { warn: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(where(again, ["flag", "true"])).toEqual(["aaaaa-1"]);
    again.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(2);
    db.close();
  });

  it("says nothing of a new file, and refuses a file of a newer schema", () => {
    const warnings: string[] = [];
    RunCatalog.open(path, { warn: (w) => warnings.push(w) }).close();
    expect(warnings).toEqual([]);
    const db = new Database(path);
    db.pragma("user_version = 3");
    db.close();
    expect(() => RunCatalog.open(path)).toThrow(
      `${path}: catalog schema version 3 is newer than this code`,
    );
  });

  it("names the file and how to rebuild it when an old file cannot be upgraded", () => {
    // Version 1 in name only: its runs table lacks the start documents.
    const db = new Database(path);
    db.exec(`CREATE TABLE runs (seq INTEGER PRIMARY KEY, uid TEXT)`);
    db.prepare(`INSERT INTO runs (uid) VALUES ('x')`).run();
    db.pragma("user_version = 1");
    db.close();
    expect(() => RunCatalog.open(path, { warn: () => {} })).toThrow(
      new RegExp(
        `^${path}: cannot upgrade the run catalog from schema version 1 to 2: .*; ` +
          "remove it and run hil runs reindex to rebuild it from the JSONL files$",
      ),
    );
  });
});
