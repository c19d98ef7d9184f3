import { readFileSync } from "node:fs";
import { HilError, parseDocument } from "../../core/index.js";
import type { NamedDocument } from "../../core/index.js";

/**
 * Reads the documents of a JSONL file as readJsonl does, except that a last line cut short
 * (a run killed while writing it) is skipped with a warning naming file:line. A bad line
 * anywhere else is an error naming file:line.
 */
export function readRunFile(path: string, warn: (message: string) => void): NamedDocument[] {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const documents: NamedDocument[] = [];
  const last = lines.findLastIndex((line) => line.trim() !== "");
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    try {
      documents.push(parseDocument(JSON.parse(line)));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      const truncated = i === last && !text.endsWith("\n") && !isJson(line);
      if (truncated) {
        warn(`${path}:${i + 1}: skipped a truncated last line (${why})`);
        continue;
      }
      throw new HilError("HIL_INVALID_DOCUMENT", `${path}:${i + 1}: ${why}`, { cause: error });
    }
  }
  return documents;
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
