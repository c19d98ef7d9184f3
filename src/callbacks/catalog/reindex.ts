import { readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { NamedDocument } from "../../core/index.js";
import { readJsonl } from "../jsonl-writer.js";
import type { RunCatalog, RunFilePaths } from "./run-catalog.js";

/** The catalog's file in an out folder. */
export const catalogFileName = "catalog.sqlite";

export interface ReindexReport {
  files: number;
  runs: number;
  /** Runs with no stop document. */
  unfinished: number;
}

/** The other files written beside a run's JSONL file (same stem), by extension. */
export function siblingFiles(folder: string, jsonl: string): RunFilePaths {
  const stem = basename(jsonl, ".jsonl");
  const files: RunFilePaths = { jsonl };
  for (const name of readdirSync(folder).sort()) {
    const extension = extname(name);
    if (extension === ".jsonl" || basename(name, extension) !== stem) continue;
    files[extension.slice(1)] = name;
  }
  return files;
}

/** Indexes every run of a list of documents, as the CatalogWriter would have live. */
export function indexDocuments(
  catalog: RunCatalog,
  documents: readonly NamedDocument[],
  files: RunFilePaths,
): number {
  let runs = 0;
  for (const [name, doc] of documents) {
    switch (name) {
      case "start":
        catalog.addStart(doc, files);
        runs++;
        break;
      case "descriptor":
        catalog.addDescriptor(doc);
        break;
      case "event":
        catalog.addEvents(doc.descriptor, 1);
        break;
      case "event_page":
        catalog.addEvents(doc.descriptor, doc.seq_num.length);
        break;
      case "stop":
        catalog.addStop(doc);
        break;
      default:
        break;
    }
  }
  return runs;
}

/**
 * Rebuilds the catalog from the JSONL files of `folder` alone, in one transaction: a
 * reader sees the old catalog or the new one. Runs are indexed in the order of their start
 * times; a file that is not a run is skipped with a warning.
 */
export function reindexFolder(
  catalog: RunCatalog,
  folder: string,
  warn: (message: string) => void,
): ReindexReport {
  const runFiles: Array<{ name: string; documents: NamedDocument[]; time: number; mtime: number }> =
    [];
  for (const name of readdirSync(folder).sort()) {
    if (extname(name) !== ".jsonl") continue;
    const path = join(folder, name);
    const documents = readJsonl(path, { warnTruncated: warn });
    const first = documents[0];
    if (!first || first[0] !== "start") {
      warn(`${path}: skipped, it does not begin with a start document`);
      continue;
    }
    runFiles.push({ name, documents, time: first[1].time, mtime: statSync(path).mtimeMs });
  }
  runFiles.sort((a, b) => a.time - b.time || a.mtime - b.mtime);
  const report: ReindexReport = { files: runFiles.length, runs: 0, unfinished: 0 };
  catalog.transaction(() => {
    catalog.clear();
    for (const { name, documents } of runFiles) {
      report.runs += indexDocuments(catalog, documents, siblingFiles(folder, name));
    }
  });
  report.unfinished = catalog.search().filter((run) => run.stop === undefined).length;
  return report;
}
