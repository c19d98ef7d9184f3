import { HilError } from "../core/index.js";

/** One mistake in a config file, at the value it concerns (or its key or parent when missing). */
export interface ConfigProblem {
  /** The file as the caller named it: relative to the cwd unless given as an absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Dotted path of the value, e.g. "devices.m1.transport.baud"; "" for the file as a whole. */
  path: string;
  message: string;
}

/** `config/beamline.yaml:14:7 devices.m1.transport.baud: expected a number, got "fast"`. */
export function formatProblem({ file, line, col, path, message }: ConfigProblem): string {
  return `${file}:${line}:${col}${path ? ` ${path}` : ""}: ${message}`;
}

/** Every problem found in a config, one line each, so a user fixes them in one pass. */
export class ConfigError extends HilError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super("HIL_CONFIG", problems.map(formatProblem).join("\n"));
    this.problems = problems;
  }
}
