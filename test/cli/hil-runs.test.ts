// `hil runs` on an out folder that `hil run` wrote, as a person would use it from a shell.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hil } from "./run-hil.js";

let out: string;
const uids: string[] = [];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "hil-runs-"));
  const common = ["--config", "config/sim-beamline.yaml", "--out", out];
  for (const args of [
    ["scan", "det", "m1", "-1", "1", "5", "--md", "sample=Si"],
    ["count", "det", "3", "--md", "sample=Ge"],
  ]) {
    const [plan, ...rest] = args;
    const result = await hil(["run", plan!, ...rest, ...common]);
    expect(result.stderr).toMatch(/wrote /);
    expect(result.code, result.stderr).toBe(0);
    uids.push(/\d+-\w+-([0-9a-f]{8})\.jsonl/.exec(result.stderr)![1]!);
  }
}, 180_000);

describe("hil runs", () => {
  it("lists the runs hil run wrote, and filters them by metadata", async () => {
    const ls = await hil(["runs", "ls", "--out", out]);
    expect(ls.code, ls.stderr).toBe(0);
    const lines = ls.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^scan_id\s+time\s+plan\s+uid\s+exit\s+events$/);
    expect(lines[1]).toMatch(
      new RegExp(`^1\\s+\\S+ \\S+\\s+scan\\s+${uids[0]}\\s+success\\s+.*primary 5`),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^2\\s+\\S+ \\S+\\s+count\\s+${uids[1]}\\s+success\\s+.*primary 3`),
    );
    const si = await hil(["runs", "ls", "--out", out, "--where", "sample=Si"]);
    expect(si.stdout.trim().split("\n")).toHaveLength(2);
    expect(si.stdout).toContain(uids[0]);
    const last = await hil(["runs", "ls", "--out", out, "-n", "1"]);
    expect(last.stdout).toContain(uids[1]);
    expect(last.stdout).not.toContain(uids[0]);
  }, 90_000);

  it("shows the last run: metadata, streams with fields and counts, stop, files", async () => {
    const show = await hil(["runs", "show", "-1", "--out", out]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^run ${uids[1]}\\S+  scan_id 2  count\n`));
    expect(show.stdout).toContain('  sample: "Ge"');
    expect(show.stdout).toMatch(
      / {2}primary {2}3 event\(s\)\n {4}field\s+dtype\s+shape\s+units\s+source\n/,
    );
    expect(show.stdout).toMatch(/\n {4}det\s+\w+\s+\[\]/);
    expect(show.stdout).toMatch(/\nstop {2}\S+ \S+ {2}success\n/);
    expect(show.stdout).toContain(`  jsonl  ${join(out, `2-count-${uids[1]}.jsonl`)}`);
    const byScanId = await hil(["runs", "show", "1", "--out", out]);
    expect(byScanId.stdout).toMatch(new RegExp(`^run ${uids[0]}`));
    const byUid = await hil(["runs", "show", uids[0]!.slice(0, 6), "--out", out]);
    expect(byUid.stdout).toMatch(new RegExp(`^run ${uids[0]}`));
  }, 90_000);

  it("says which out folder and reference found nothing", async () => {
    const missing = await hil(["runs", "show", "-7", "--out", out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `${join(out, "catalog.sqlite")}: -7: no such run, the catalog holds 2`,
    );
    const empty = mkdtempSync(join(tmpdir(), "hil-runs-empty-"));
    const none = await hil(["runs", "ls", "--out", empty]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`${join(empty, "catalog.sqlite")}: no run catalog here`);
  }, 90_000);

  it("exports the last run's primary stream as CSV, and as JSON to a file", async () => {
    const csv = await hil(["runs", "export", "-1", "--out", out, "--format", "csv"]);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = csv.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^seq_num,time,.*det/);
    expect(rows.slice(1).map((row) => row.split(",")[0])).toEqual(["1", "2", "3"]);
    const file = join(out, "scan.json");
    const json = await hil(["runs", "export", "1", "--out", out, "--format", "json", "-o", file]);
    expect(json.code, json.stderr).toBe(0);
    const table = JSON.parse(readFileSync(file, "utf8")) as Array<Record<string, number>>;
    expect(table.map((row) => row.m1)).toEqual([-1, -0.5, 0, 0.5, 1]);
  }, 90_000);

  it("rebuilds the catalog from the JSONL files alone, skipping a killed run's cut line", async () => {
    const before = await hil(["runs", "ls", "--out", out]);
    for (const name of ["catalog.sqlite", "catalog.sqlite-wal", "catalog.sqlite-shm"]) {
      rmSync(join(out, name), { force: true });
    }
    const reindex = await hil(["runs", "reindex", "--out", out]);
    expect(reindex.code, reindex.stderr).toBe(0);
    expect(reindex.stdout).toContain(
      `${join(out, "catalog.sqlite")}: 2 run(s) indexed from 2 file(s)`,
    );
    const after = await hil(["runs", "ls", "--out", out]);
    expect(after.stdout).toBe(before.stdout);
    const show = await hil(["runs", "show", "-1", "--out", out]);
    expect(show.stdout).toMatch(new RegExp(`^run ${uids[1]}`));

    // A run killed mid-line: its stop never came and its last line is cut short.
    const jsonl = join(out, `2-count-${uids[1]}.jsonl`);
    const lines = readFileSync(jsonl, "utf8").trim().split("\n");
    const killed = join(out, "3-count-0badc0de.jsonl");
    appendFileSync(
      killed,
      `${lines
        .slice(0, -2)
        .map((line) => line.replaceAll(/"[0-9a-f]{8}-/g, '"0badc0de-'))
        .join("\n")}\n${lines.at(-2)!.slice(0, 25)}`,
    );
    const again = await hil(["runs", "reindex", "--out", out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${killed}:${lines.length - 1}: skipped a truncated last line`);
    expect(again.stdout).toContain("3 run(s) indexed from 3 file(s), 1 with no stop");
  }, 120_000);
});
