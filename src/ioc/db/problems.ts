import { HilError } from "../../core/index.js";

/** Where something is in a file: 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One thing wrong with a database file, at its place. */
export interface DbProblem extends SourceLocation {
  readonly message: string;
}

export function formatProblem(problem: DbProblem): string {
  return `${problem.file}:${problem.line}:${problem.col}: ${problem.message}`;
}

/** Thrown when a load finds problems: all of them, in file order. */
export class DbError extends HilError {
  readonly problems: readonly DbProblem[];

  constructor(problems: readonly DbProblem[]) {
    super("HIL_DB", problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }
}

/**
 * Collects every problem of a load before anything is thrown, so one run reports all the
 * mistakes of all the files. The same message at the same place is kept once.
 */
export class DbProblemList {
  private readonly found: DbProblem[] = [];
  private readonly seen = new Set<string>();
  private readonly fileRanks = new Map<string, number>();

  private readonly notes: string[] = [];

  /** Runs `body` with `note` added to each problem it reports, e.g. which row loaded a template. */
  within<T>(note: string, body: () => T): T {
    this.notes.push(note);
    try {
      return body();
    } finally {
      this.notes.pop();
    }
  }

  add(at: SourceLocation, text: string): void {
    const message = this.notes.length > 0 ? `${text} (${this.notes.join("; ")})` : text;
    const key = `${at.file}\0${at.line}\0${at.col}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (!this.fileRanks.has(at.file)) this.fileRanks.set(at.file, this.fileRanks.size);
    this.found.push({ file: at.file, line: at.line, col: at.col, message });
  }

  /** The problems by file (in the order first seen), line and column. */
  problems(): DbProblem[] {
    const rank = (p: DbProblem): number => this.fileRanks.get(p.file)!;
    return [...this.found].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.col - b.col);
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new DbError(this.problems());
  }
}
