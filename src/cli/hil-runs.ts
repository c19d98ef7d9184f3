// `hil runs ls|show|export|reindex`: the run catalog of an out folder, looked up as databroker
// users do (-1, a scan_id, a partial uid, metadata). The catalog loads when a command runs.
import { existsSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import type { MetadataCondition, RunCatalog, RunEntry } from "../callbacks/index.js";
import { HilError } from "../core/index.js";

const EXIT_FAILED = 1;

interface OutOption {
  out: string;
}

function condition(text: string, previous: MetadataCondition[]): MetadataCondition[] {
  const at = text.indexOf("=");
  if (at <= 0) throw new InvalidArgumentError("expected key=value, e.g. plan_name=scan");
  return [...previous, { key: text.slice(0, at), value: text.slice(at + 1) }];
}

/** POSIX seconds, or a date such as 2026-03-01 or 2026-03-01T14:00. */
export function parseTime(text: string): number {
  const seconds = Number(text);
  if (text.trim() !== "" && Number.isFinite(seconds)) return seconds;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError("expected a date (2026-03-01, 2026-03-01T14:00) or seconds");
  }
  return ms / 1000;
}

function count(text: string): number {
  const value = Number(text);
  if (!(Number.isSafeInteger(value) && value >= 1)) {
    throw new InvalidArgumentError("expected a whole number ≥ 1");
  }
  return value;
}

/** Local date and time to the second. */
export function formatTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

function exitOf(run: RunEntry): string {
  return run.exitStatus ?? "no stop";
}

function eventsOf(run: RunEntry): string {
  const streams = Object.entries(run.numEvents);
  return streams.length > 0 ? streams.map(([name, n]) => `${name} ${n}`).join(", ") : "-";
}

function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `${l}\n`).join("");
}

async function openCatalog(out: string, { create = false } = {}): Promise<RunCatalog> {
  const { RunCatalog, catalogFileName } = await import("../callbacks/index.js");
  if (!existsSync(out) || !statSync(out).isDirectory()) {
    throw new HilError("HIL_CATALOG_FILE", `${out}: no such out folder`);
  }
  return RunCatalog.open(join(out, catalogFileName), { mustExist: !create });
}

/** Runs a command; a catalog error is printed (it names the out folder and the reference). */
async function withCatalog(
  out: string,
  work: (catalog: RunCatalog) => Promise<void> | void,
  options: { create?: boolean } = {},
): Promise<number> {
  let catalog: RunCatalog | undefined;
  try {
    catalog = await openCatalog(out, options);
    await work(catalog);
    return 0;
  } catch (error) {
    if (!(error instanceof HilError)) throw error;
    console.error(`hil runs: ${error.message}`);
    return EXIT_FAILED;
  } finally {
    catalog?.close();
  }
}

/** A file path of the catalog, as seen from the current folder. */
function resolved(out: string, path: string): string {
  return isAbsolute(path) ? path : join(out, path);
}

export function listRuns(runs: readonly RunEntry[]): string {
  return table(
    ["scan_id", "time", "plan", "uid", "exit", "events"],
    runs.map((run) => [
      run.scanId === undefined ? "-" : String(run.scanId),
      formatTime(run.time),
      run.planName ?? "-",
      run.uid.slice(0, 8),
      exitOf(run),
      eventsOf(run),
    ]),
  );
}

export function showRun(run: RunEntry, out: string): string {
  const lines: string[] = [];
  lines.push(`run ${run.uid}  scan_id ${run.scanId ?? "-"}  ${run.planName ?? ""}`.trimEnd());
  lines.push(`start  ${formatTime(run.time)}`);
  for (const [key, value] of Object.entries(run.start)) {
    if (key === "uid" || key === "time") continue;
    lines.push(`  ${key}: ${JSON.stringify(value)}`);
  }
  lines.push("streams");
  if (run.streams.length === 0) lines.push("  (none)");
  for (const stream of run.streams) {
    lines.push(`  ${stream.name}  ${stream.numEvents} event(s)`);
    const rows = Object.entries(stream.dataKeys).map(([field, key]) => [
      field,
      key.dtype,
      JSON.stringify(key.shape),
      typeof key.units === "string" ? key.units : "",
      key.source,
    ]);
    for (const row of table(["field", "dtype", "shape", "units", "source"], rows).split("\n")) {
      if (row !== "") lines.push(`    ${row}`);
    }
  }
  if (run.stop) {
    const reason = run.stop.reason ? `  (${run.stop.reason})` : "";
    lines.push(`stop  ${formatTime(run.stop.time)}  ${run.stop.exit_status}${reason}`);
    lines.push(`  num_events: ${JSON.stringify(run.stop.num_events)}`);
  } else {
    lines.push("stop  none: the run is still going, or its process was killed");
  }
  lines.push("files");
  for (const [kind, path] of Object.entries(run.files)) {
    lines.push(`  ${kind}  ${resolved(out, path)}`);
  }
  return `${lines.join("\n")}\n`;
}

export function addRunsCommands(program: Command): void {
  const runs = program
    .command("runs")
    .description(
      "the run catalog of an out folder: list, show and export runs (-1 the last, a scan_id, a partial uid)",
    );
  const outOption = (): Option =>
    new Option("--out <dir>", "the folder hil run or hil serve wrote to").default("out");

  runs
    .command("ls")
    .description("list runs, oldest first: scan_id, time, plan, uid, exit status, events")
    .addOption(outOption())
    .option("-n <count>", "only the last count runs", count)
    .option(
      "--where <key=value>",
      "start metadata, e.g. plan_name=scan, sample=Si (repeatable)",
      condition,
      [],
    )
    .option("--since <time>", "runs started at or after (a date or POSIX seconds)", parseTime)
    .option("--until <time>", "runs started before (a date or POSIX seconds)", parseTime)
    .action(
      async (
        options: OutOption & {
          n?: number;
          where: MetadataCondition[];
          since?: number;
          until?: number;
        },
      ) => {
        process.exitCode = await withCatalog(options.out, (catalog) => {
          const found = catalog.search({
            where: options.where,
            since: options.since,
            until: options.until,
            limit: options.n,
          });
          if (found.length === 0) {
            console.error(`hil runs: ${catalog.path}: no run matches`);
            return;
          }
          process.stdout.write(listRuns(found));
        });
      },
    );

  runs
    .command("show")
    .description("show a run: start metadata, streams with their fields and counts, stop, files")
    .argument("<ref>", "-1 (the last run), -2, ..., a scan_id, or 5+ characters of a uid")
    .addOption(outOption())
    .action(async (reference: string, options: OutOption) => {
      process.exitCode = await withCatalog(options.out, (catalog) => {
        process.stdout.write(showRun(catalog.get(reference), options.out));
      });
    });

  runs
    .command("export")
    .description("a stream of a run as a table (seq_num, time, fields), to stdout or a file")
    .argument("<ref>", "-1 (the last run), -2, ..., a scan_id, or 5+ characters of a uid")
    .addOption(outOption())
    .option("--stream <name>", "the stream", "primary")
    .addOption(
      new Option("--format <format>", "the table's format").choices(["csv", "json"]).default("csv"),
    )
    .option("-o, --output <file>", "write here rather than to stdout")
    .action(
      async (
        reference: string,
        options: OutOption & { stream: string; format: "csv" | "json"; output?: string },
      ) => {
        process.exitCode = await withCatalog(options.out, async (catalog) => {
          const { readJsonl, streamTable, tableAsCsv, tableAsJson } =
            await import("../callbacks/index.js");
          const run = catalog.get(reference);
          const where = `${catalog.path}: ${reference}`;
          const jsonl = run.files.jsonl;
          if (jsonl === undefined) {
            throw new HilError(
              "HIL_CATALOG_FILE",
              `${where}: the catalog has no JSONL file of run ${run.uid}`,
            );
          }
          const path = resolved(options.out, jsonl);
          if (!existsSync(path)) {
            throw new HilError("HIL_CATALOG_FILE", `${where}: ${path} is gone`);
          }
          const documents = readJsonl(path, {
            warnTruncated: (warning) => console.error(`hil runs: ${warning}`),
          });
          const rows = streamTable(documents, options.stream, where);
          const text = options.format === "csv" ? tableAsCsv(rows) : tableAsJson(rows);
          if (options.output === undefined) process.stdout.write(text);
          else writeFileSync(options.output, text);
        });
      },
    );

  runs
    .command("reindex")
    .description("rebuild the catalog from the run files (JSONL) of the out folder alone")
    .addOption(outOption())
    .action(async (options: OutOption) => {
      process.exitCode = await withCatalog(
        options.out,
        async (catalog) => {
          const { reindexFolder } = await import("../callbacks/index.js");
          const report = reindexFolder(catalog, options.out, (warning) =>
            console.error(`hil runs: warning: ${warning}`),
          );
          const unfinished = report.unfinished > 0 ? `, ${report.unfinished} with no stop` : "";
          console.log(
            `${catalog.path}: ${report.runs} run(s) indexed from ${report.files} file(s)${unfinished}`,
          );
        },
        { create: true },
      );
    });
}
