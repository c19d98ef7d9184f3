import type { z } from "zod";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { type KeysAt, issueProblems } from "./issue-messages.js";
import { type PathSegment, type Position, type SourceFile, dottedPath } from "./source-file.js";

/**
 * Collects every problem of a config before anything is thrown. One problem per value: a
 * value already reported (say, an unset variable) is not reported again by a later check.
 */
export class ProblemList {
  private readonly found: Array<ConfigProblem & { rank: number }> = [];
  private readonly reported = new Set<string>();
  /** Files in the order they were read, so problems list the main file first. */
  private readonly fileRanks = new Map<string, number>();

  get size(): number {
    return this.found.length;
  }

  /** Registers a file's place in the order of problems. */
  noteFile(file: string): void {
    if (!this.fileRanks.has(file)) this.fileRanks.set(file, this.fileRanks.size);
  }

  /** A problem with a whole file, e.g. one that cannot be read. */
  addFileProblem(file: string, message: string): void {
    this.push(file, [], { line: 1, col: 1 }, message);
  }

  add(
    source: SourceFile,
    path: readonly PathSegment[],
    message: string,
    at: "value" | "key" | Position = "value",
  ): void {
    const position = typeof at === "string" ? source.locate(path, at) : at;
    this.push(source.file, path, position, message);
  }

  /** Adds the issues of a zod parse of the data found at `prefix` in `source`. */
  addIssues(
    source: SourceFile,
    prefix: readonly PathSegment[],
    error: z.ZodError,
    keysAt?: KeysAt,
  ): void {
    for (const { path, message, at } of issueProblems(error.issues, keysAt)) {
      this.add(source, [...prefix, ...path], message, at);
    }
  }

  private push(file: string, path: readonly PathSegment[], at: Position, message: string): void {
    const dotted = dottedPath(path);
    // Problems of the whole file (syntax errors) are told apart by their position.
    const id = `${file}\0${dotted || `${at.line}:${at.col}`}`;
    if (this.reported.has(id)) return;
    this.reported.add(id);
    this.noteFile(file);
    const rank = this.fileRanks.get(file)!;
    this.found.push({ file, line: at.line, col: at.col, path: dotted, message, rank });
  }

  /** The problems by file (in reading order), line and column. */
  problems(): ConfigProblem[] {
    return [...this.found]
      .sort((a, b) => a.rank - b.rank || a.line - b.line || a.col - b.col)
      .map(({ rank: _rank, ...problem }) => problem);
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new ConfigError(this.problems());
  }
}
