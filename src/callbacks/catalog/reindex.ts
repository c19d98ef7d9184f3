import { readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { NamedDocument } from "../../core/index.js";
import { readJsonl } from "../jsonl-writer.js";
import { CatalogWriter } from "./catalog-writer.js";
import type { RunCatalog, RunFilePaths } from "./run-catalog.js";

/** The catalog's file in an out folder. */
export const catalogFileName = "catalog.sqlite";

export interface ReindexReport {
  files: number;
  runs: number;
  /** Runs with no stop document. */
  unfinished: number;
}

/** The files of a folder by stem and extension: a run's JSONL file and those written beside it. */
function filesByStem(names: readonly string[]): Map<string, RunFilePaths> {
  const stems = new Map<string, RunFilePaths>();
  for (const name of names) {
    const extension = extname(name);
    const stem = basename(name, extension);
    const files = stems.get(stem) ?? {};
    files[extension.slice(1)] = name;
    stems.set(stem, files);
  }
  return stems;
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
  const names = readdirSync(folder).sort();
  const siblings = filesByStem(names);
  const runFiles: Array<{ name: string; documents: NamedDocument[]; time: number; mtime: number }> =
    [];
  for (const name of names) {
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
      // As the run was indexed live: the same writer, its files found beside its JSONL file.
      const writer = new CatalogWriter(catalog, {
        files: siblings.get(basename(name, ".jsonl")),
        warn,
      });
      for (const document of documents) {
        if (document[0] === "start") report.runs++;
        void writer.callback(...document);
      }
      writer.flush();
    }
  });
  report.unfinished = catalog.unfinished;
  return report;
}
