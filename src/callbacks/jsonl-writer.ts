import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { HilError, parseDocument } from "../core/index.js";
import type { NamedDocument } from "../core/index.js";
import { CallbackBase } from "./callback-base.js";
import { plainJson } from "./plain-json.js";

/**
 * Writes a run as JSON lines, `[name, doc]` per line, as suitcase-jsonl does. Each document is
 * written to the file as it comes, so a crash loses none that were already handed over.
 * The file is opened (and truncated) at start and closed at stop: one file per run.
 */
export class JsonlWriter extends CallbackBase {
  readonly path: string;
  private fd: number | undefined;

  constructor(path: string) {
    super();
    this.path = path;
  }

  /** Every document as it is: pages stay pages. */
  override call(...[name, doc]: NamedDocument): void {
    if (name === "start") {
      this.close();
      this.fd = openSync(this.path, "w");
    }
    if (this.fd === undefined) {
      throw new HilError("HIL_NO_RUN", `${this.path}: got a ${name} document outside a run`);
    }
    writeSync(this.fd, `${JSON.stringify([name, plainJson(doc)])}\n`);
    if (name === "stop") this.close();
  }

  private close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

export interface ReadJsonlOptions {
  /**
   * Given, a last line cut short (a run killed while writing it) is skipped and told here,
   * naming file:line; without it that line is an error as any other.
   */
  warnTruncated?: (message: string) => void;
}

/** Reads and checks the documents of a JSONL file; an error names the file and line. */
export function readJsonl(path: string, options: ReadJsonlOptions = {}): NamedDocument[] {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const last = lines.findLastIndex((line) => line.trim() !== "");
  const documents: NamedDocument[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (options.warnTruncated && i === last && !text.endsWith("\n")) {
        options.warnTruncated(`${path}:${i + 1}: skipped a truncated last line (${why})`);
        continue;
      }
      throw new HilError("HIL_INVALID_DOCUMENT", `${path}:${i + 1}: ${why}`, { cause: error });
    }
    try {
      documents.push(parseDocument(value));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new HilError("HIL_INVALID_DOCUMENT", `${path}:${i + 1}: ${why}`, { cause: error });
    }
  }
  return documents;
}
