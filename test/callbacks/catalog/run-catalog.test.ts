import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  CatalogWriter,
  JsonlWriter,
  RunCatalog,
  RunRouter,
  catalogFileName,
  readJsonl,
  reindexFolder,
  streamTable,
  tableAsCsv,
  tableAsJson,
} from "../../../src/callbacks/index.js";
import type { DocumentCallback, NamedDocument } from "../../../src/core/index.js";
import { RunEngine } from "../../../src/engine/index.js";
import { count, scan } from "../../../src/plans/index.js";
import { beamline } from "../../engine/fixtures.js";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "run-catalog-"));
});

/** What `hil run` keeps of each run, as RunOutputs does: a JSONL file and its catalog entry. */
function outputs(catalog: RunCatalog): DocumentCallback {
  const router = new RunRouter([
    (_name, start) => {
      const jsonl = `${start.scan_id ?? 0}-${start.uid.slice(0, 8)}.jsonl`;
      return {
        callbacks: [
          new JsonlWriter(join(folder, jsonl)).callback,
          new CatalogWriter(catalog, { files: { jsonl } }).callback,
        ],
      };
    },
  ]);
  return router.callback;
}

/** Five runs on the sim devices: scans and counts with sample metadata, scan_ids 1 to 5. */
async function fiveRuns(catalog: RunCatalog) {
  const { clock, m1, det } = beamline();
  const re = new RunEngine({ clock, md: { beamline: "test" } });
  const callback = outputs(catalog);
  const uids: string[] = [];
  uids.push(...(await re.run(scan([det], m1, -1, 1, 5, { md: { sample: "Si" } }), callback)));
  uids.push(...(await re.run(count([det], { num: 3, md: { sample: "Ge" } }), callback)));
  uids.push(
    ...(await re.run(
      scan([det], m1, 0, 1, 3, { md: { sample: "Si", cell: { a: 5.43 } } }),
      callback,
    )),
  );
  uids.push(...(await re.run(count([det], { num: 2 }), callback)));
  uids.push(...(await re.run(scan([det], m1, -1, 0, 4, { md: { sample: "Ge" } }), callback)));
  return { uids, re, callback, clock, m1, det };
}

describe("RunCatalog with the CatalogWriter", () => {
  it("indexes each run the RunEngine writes: metadata, streams, counts, stop and files", async () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    const { uids } = await fiveRuns(catalog);
    expect(catalog.size).toBe(5);
    const run = catalog.get("-1");
    expect(run).toMatchObject({
      uid: uids[4],
      scanId: 5,
      planName: "scan",
      exitStatus: "success",
      numEvents: { primary: 4 },
      files: { jsonl: `5-${uids[4]!.slice(0, 8)}.jsonl` },
    });
    expect(run.start).toMatchObject({ sample: "Ge", beamline: "test", num_points: 4 });
    expect(run.stop).toMatchObject({ exit_status: "success", num_events: { primary: 4 } });
    expect(run.streams.map((s) => [s.name, s.numEvents])).toEqual([["primary", 4]]);
    expect(Object.keys(run.streams[0]!.dataKeys)).toEqual(expect.arrayContaining(["det", "m1"]));
    catalog.close();
  });

  it("finds runs as databroker users type them: -1, -3, a scan_id, a partial uid", async () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    const { uids } = await fiveRuns(catalog);
    expect(catalog.get("-1").uid).toBe(uids[4]);
    expect(catalog.get("-3").uid).toBe(uids[2]);
    expect(catalog.get("-5").uid).toBe(uids[0]);
    expect(catalog.get("2").uid).toBe(uids[1]);
    expect(catalog.get(uids[3]!.slice(0, 8)).uid).toBe(uids[3]);
    expect(catalog.get(uids[3]!).uid).toBe(uids[3]);
    expect(() => catalog.get("-6")).toThrow(
      `${catalog.path}: -6: no such run, the catalog holds 5`,
    );
    expect(() => catalog.get("42")).toThrow(`${catalog.path}: 42: no run has scan_id 42`);
    expect(() => catalog.get("fffff0")).toThrow("no run's uid starts so");
    expect(() => catalog.get("abc")).toThrow("not a run reference");
    catalog.close();
  });

  it("lists every match of an ambiguous partial uid", () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    for (const [i, uid] of ["abcde111-0", "abcde222-0", "abcdf333-0"].entries()) {
      catalog.addStart({ uid, time: 1_700_000_000 + i, scan_id: i + 1, plan_name: "count" });
    }
    expect(() => catalog.get("abcde")).toThrow(
      /abcde: ambiguous, matches:\n {2}abcde111-0 {2}scan_id 1 {2}count\n {2}abcde222-0 {2}scan_id 2/,
    );
    expect(catalog.get("abcde2").uid).toBe("abcde222-0");
    expect(catalog.get("ABCDF").uid).toBe("abcdf333-0");
    // Digits are a scan_id first; 5 or more that no scan_id has may begin a uid.
    catalog.addStart({ uid: "12345678-0", time: 1_700_000_010, scan_id: 4 });
    expect(catalog.get("4").uid).toBe("12345678-0");
    expect(catalog.get("12345").uid).toBe("12345678-0");
    expect(() => catalog.get("12346")).toThrow(`${catalog.path}: 12346: no run has scan_id 12346`);
    catalog.close();
  });

  it("answers metadata queries on start fields, nested ones with dots, and time ranges", async () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    const { uids } = await fiveRuns(catalog);
    const where = (...pairs: Array<[string, string]>) =>
      catalog.search({ where: pairs.map(([key, value]) => ({ key, value })) }).map((r) => r.uid);
    expect(where(["plan_name", "scan"])).toEqual([uids[0], uids[2], uids[4]]);
    expect(where(["sample", "Si"])).toEqual([uids[0], uids[2]]);
    expect(where(["plan_name", "count"], ["sample", "Ge"])).toEqual([uids[1]]);
    expect(where(["cell.a", "5.43"])).toEqual([uids[2]]);
    expect(where(["num_points", "3"])).toEqual([uids[1], uids[2]]);
    expect(where(["plan_args.num", "4"])).toEqual([uids[4]]);
    expect(where(["sample", "Cu"])).toEqual([]);
    const times = uids.map((uid) => catalog.byUid(uid)!.time);
    expect(catalog.search({ since: times[1], until: times[3] }).map((r) => r.uid)).toEqual([
      uids[1],
      uids[2],
    ]);
    expect(catalog.search({ limit: 2 }).map((r) => r.uid)).toEqual([uids[3], uids[4]]);
    catalog.close();
  });

  it("keeps a killed run with no stop, which says so, and reindex skips its cut line", async () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    await fiveRuns(catalog);
    const { clock, m1, det } = beamline(1_700_001_000);
    const re = new RunEngine({ clock });
    const documents: NamedDocument[] = [];
    await re.run(scan([det], m1, -1, 1, 6, { md: { sample: "killed" } }), (...doc) => {
      documents.push(doc);
    });
    // The process dies after the third event: the stop never comes, a line is half written.
    const callback = outputs(catalog);
    const upToThird = documents.slice(0, 5);
    for (const document of upToThird) await callback(...document);
    const killed = catalog.get("-1");
    expect(killed).toMatchObject({ exitStatus: undefined, stop: undefined });
    // Counts are written at the first event and then every 200 ms: some may be behind.
    expect(killed.numEvents.primary).toBeGreaterThanOrEqual(1);
    expect(killed.numEvents.primary).toBeLessThanOrEqual(3);
    const path = join(folder, killed.files.jsonl!);
    appendFileSync(path, JSON.stringify(documents[5]).slice(0, 30));

    const warnings: string[] = [];
    const fresh = RunCatalog.open(join(folder, "rebuilt.sqlite"));
    const report = reindexFolder(fresh, folder, (w) => warnings.push(w));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.startsWith(`${path}:6: skipped a truncated last line`)).toBe(true);
    expect(report).toEqual({ files: 6, runs: 6, unfinished: 1 });
    const rebuilt = fresh.get("-1");
    expect(rebuilt.numEvents).toEqual({ primary: 3 });
    expect(rebuilt).toEqual({
      ...killed,
      numEvents: rebuilt.numEvents,
      streams: killed.streams.map((stream) => ({ ...stream, numEvents: 3 })),
    });
    catalog.close();
    fresh.close();
  });

  it("rebuilt from the JSONL files alone equals the live index", async () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    await fiveRuns(catalog);
    const live = catalog.search();
    // Rebuilding in place replaces every entry, in one transaction.
    catalog.addStart({ uid: "stale-entry", time: 1 });
    const report = reindexFolder(catalog, folder, (w) => {
      throw new Error(w);
    });
    expect(report).toEqual({ files: 5, runs: 5, unfinished: 0 });
    expect(catalog.search()).toEqual(live);
    catalog.close();
  });

  it("refuses to open a catalog that is not there when asked to read only", () => {
    const path = join(folder, "none", catalogFileName);
    expect(() => RunCatalog.open(path, { mustExist: true })).toThrow(
      `${path}: no run catalog here (hil runs reindex builds one)`,
    );
  });

  it("costs a run its index entry, never its documents, when the catalog cannot be written", async () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    catalog.close();
    const warnings: string[] = [];
    const { clock, m1, det } = beamline();
    const re = new RunEngine({ clock });
    const documents: NamedDocument[] = [];
    const writer = new CatalogWriter(catalog, { warn: (w) => warnings.push(w) });
    await re.run(scan([det], m1, -1, 1, 3), [
      writer.callback,
      (...doc) => void documents.push(doc),
    ]);
    expect(documents).toHaveLength(6);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${catalog.path}: run not indexed: `);
  });
});

describe("stream tables", () => {
  it("exports a run's stream as CSV and JSON, from its JSONL file", async () => {
    const catalog = RunCatalog.open(join(folder, catalogFileName));
    await fiveRuns(catalog);
    const run = catalog.get("1");
    const documents = readJsonl(join(folder, run.files.jsonl!), { warnTruncated: () => {} });
    const table = streamTable(documents, "primary", "run 1");
    expect(table.columns.slice(0, 2)).toEqual(["seq_num", "time"]);
    expect(table.columns).toEqual(expect.arrayContaining(["m1", "det"]));
    expect(table.rows).toHaveLength(5);
    const m1 = table.columns.indexOf("m1");
    expect(table.rows.map((row) => row[m1])).toEqual([-1, -0.5, 0, 0.5, 1]);
    const csv = tableAsCsv(table).split("\n");
    expect(csv[0]).toBe(table.columns.join(","));
    expect(csv).toHaveLength(7);
    const json = JSON.parse(tableAsJson(table)) as Array<Record<string, unknown>>;
    expect(json.map((row) => row.m1)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(json[0]!.seq_num).toBe(1);
    expect(() => streamTable(documents, "baseline", "run 1")).toThrow(
      'run 1: no stream "baseline" (streams: primary)',
    );
    catalog.close();
  });

  it("quotes CSV cells with commas, quotes and arrays", () => {
    const csv = tableAsCsv({
      columns: ["seq_num", "time", "note", "trace"],
      rows: [[1, 2.5, 'a, "b"', [1, 2]]],
    });
    expect(csv).toBe('seq_num,time,note,trace\n1,2.5,"a, ""b""","[1,2]"\n');
  });

  it("names file:line of a bad line that is not the last", () => {
    const path = join(folder, "bad.jsonl");
    writeFileSync(path, '["start", {"uid": "x", "time": 1}]\nnot json\n["stop", {}]\n');
    expect(() => readJsonl(path, { warnTruncated: () => {} })).toThrow(`${path}:2: `);
    expect(readFileSync(path, "utf8")).toContain("not json");
  });
});
