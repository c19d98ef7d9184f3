// What is wrong with a config, and where: problems placed at a file, line and column, zod
// issues told in a YAML file's words, and "did you mean" suggestions of close names.
import { z } from "zod";
import { HilError } from "../core/index.js";
import { type PathSegment, type Position, type SourceFile, dottedPath } from "./source-file.js";

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

/**
 * Collects every problem of a config before anything is thrown. One problem per value: a
 * value already reported (say, an unset variable) is not reported again by a later check.
 */
export class ProblemList {
  private readonly found: Array<ConfigProblem & { rank: number }> = [];
  private readonly reported = new Set<string>();
  /** Files in the order they were read, so problems list the main file first. */
  private readonly fileRanks = new Map<string, number>();

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

// Zod issues in a config's words.

type Issue = z.core.$ZodIssue;

/** A zod issue in a config's words, placed at a path relative to the data validated. */
export interface IssueProblem {
  path: PathSegment[];
  message: string;
  /** An unknown key is shown at the key, everything else at the value. */
  at: "value" | "key";
}

/** The keys an object at `path` may have, for "did you mean" on an unknown key. */
export type KeysAt = (path: readonly PathSegment[]) => readonly string[] | undefined;

const typeNames: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  tuple: "a list",
  object: "a mapping",
  record: "a mapping",
};

function typeName(expected: string): string {
  return typeNames[expected] ?? expected;
}

/** How a value read from YAML is shown in a message. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object" && value !== null) return "a mapping";
  return String(value);
}

function got(issue: { input?: unknown }): string {
  return "input" in issue && issue.input !== undefined ? `, got ${describeValue(issue.input)}` : "";
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(", ")}`;
}

function bound(issue: Issue & { code: "too_small" | "too_big" }): string {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === "array") {
    const items = `${limit} item${limit === 1 ? "" : "s"}`;
    if (issue.exact) return `expected a list of ${items}`;
    return `expected at ${small ? "least" : "most"} ${items}`;
  }
  if (issue.origin === "string") {
    if (small && limit === 1) return "expected a non-empty string";
    return `expected at ${small ? "least" : "most"} ${limit} characters`;
  }
  const op = small ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
  return `expected a number ${op} ${limit}`;
}

/** A union's message: the types it takes, or the issues of the branch that got furthest. */
function unionProblems(issue: Issue & { code: "invalid_union" }, keysAt: KeysAt): IssueProblem[] {
  const base = issue.path.map(segment);
  if (issue.discriminator !== undefined) {
    const input = issue.input as Record<string, unknown> | undefined;
    const value = input?.[issue.discriminator];
    const options = "options" in issue ? (issue.options ?? []) : [];
    const message =
      value === undefined
        ? `missing, expected ${oneOf(options)}`
        : `expected ${oneOf(options)}, got ${describeValue(value)}`;
    return [{ path: base, message, at: "value" }];
  }
  const branches = issue.errors;
  const shallow = branches.every((issues) => issues.every((i) => i.path.length === 0));
  if (!shallow) {
    // A branch whose type matched but whose content did not: report its issues.
    const deep = branches.find((issues) => issues.every((i) => i.path.length > 0)) ?? branches[0];
    return (deep ?? []).flatMap((i) =>
      issueProblems([{ ...i, path: [...issue.path, ...i.path] } as Issue], keysAt),
    );
  }
  const expected = branches.flatMap((issues) =>
    issues.map((i) =>
      i.code === "invalid_type"
        ? typeName(i.expected)
        : i.code === "invalid_value"
          ? i.values.map((v) => JSON.stringify(v)).join(" or ")
          : i.message,
    ),
  );
  const wanted = `expected ${[...new Set(expected)].join(" or ")}`;
  const message = issue.input === undefined ? `missing, ${wanted}` : `${wanted}${got(issue)}`;
  return [{ path: base, message, at: "value" }];
}

function segment(key: PropertyKey): PathSegment {
  return typeof key === "number" ? key : String(key);
}

/**
 * Turns zod issues into one message each, in the words of a YAML file:
 * `expected a number, got "fast"`, `missing, expected a string`, `unknown key "velocty"
 * (did you mean "velocity"?)`. Validate with `reportInput: true` so messages show the value.
 */
export function issueProblems(
  issues: readonly Issue[],
  keysAt: KeysAt = () => undefined,
): IssueProblem[] {
  return issues.flatMap((issue): IssueProblem[] => {
    const path = issue.path.map(segment);
    const at = (message: string): IssueProblem[] => [{ path, message, at: "value" }];
    switch (issue.code) {
      case "invalid_type":
        if (issue.input === undefined) return at(`missing, expected ${typeName(issue.expected)}`);
        return at(`expected ${typeName(issue.expected)}${got(issue)}`);
      case "invalid_value":
        return at(`expected ${oneOf(issue.values)}${got(issue)}`);
      case "too_small":
      case "too_big": {
        const { input } = issue as { input?: unknown };
        const count = Array.isArray(input) ? `, got ${input.length}` : got(issue);
        return at(`${bound(issue)}${count}`);
      }
      case "not_multiple_of":
        return at(`expected a multiple of ${issue.divisor}${got(issue)}`);
      case "invalid_format":
        return at(`${issue.message}${got(issue)}`);
      case "unrecognized_keys": {
        const known = keysAt(path) ?? [];
        return issue.keys.map((key) => ({
          path: [...path, key],
          message: `unknown key "${key}"${didYouMean(key, known, known.length > 0 ? ` (expected one of: ${known.join(", ")})` : "")}`,
          at: "key",
        }));
      }
      case "invalid_union":
        return unionProblems(issue, keysAt);
      default:
        return at(issue.message);
    }
  });
}

// Close names, for "did you mean".

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  // One row of the dynamic-programming table at a time.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates a mistyped `name` probably meant: within edit distance 3, or one a prefix
 * of the other ("sim.temp" for "sim.temperature"), closest first. Short names allow fewer
 * edits (half their length), or "m3" would suggest "det".
 */
export function closeNames(name: string, candidates: Iterable<string>): string[] {
  const allowed = Math.min(3, Math.max(1, Math.floor(name.length / 2)));
  const scored: Array<[string, number]> = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const distance = levenshtein(name, candidate);
    const prefix = name !== "" && (candidate.startsWith(name) || name.startsWith(candidate));
    if (distance <= allowed || prefix) scored.push([candidate, distance]);
  }
  scored.sort(([a, da], [b, db]) => da - db || (a < b ? -1 : a > b ? 1 : 0));
  return scored.map(([candidate]) => candidate);
}

/** ` (did you mean "a" or "b"?)`, or `fallback` when no candidate is close. */
export function didYouMean(name: string, candidates: Iterable<string>, fallback = ""): string {
  const close = closeNames(name, candidates).map((c) => JSON.stringify(c));
  if (close.length === 0) return fallback;
  const list =
    close.length === 1 ? close[0]! : `${close.slice(0, -1).join(", ")} or ${close.at(-1)!}`;
  return ` (did you mean ${list}?)`;
}

// The keys a driver's schema accepts at a path, to suggest one for an unknown key.

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** Whether every literal field of `option` matches `data`: how a union picks its branch. */
function matchesLiterals(option: z.ZodObject, data: unknown): boolean {
  return Object.entries(option.shape).every(
    ([key, field]) =>
      !(field instanceof z.ZodLiteral) || field.values.has(record(data)[key] as never),
  );
}

/** Sees through optional, default, nullable, preprocess and union wrappers to the schema that checks `data`. */
function unwrap(schema: z.ZodType, data: unknown): z.ZodType | undefined {
  for (let current: z.ZodType | undefined = schema; current;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) {
      current = (current.in instanceof z.ZodTransform ? current.out : current.in) as z.ZodType;
    } else if (current instanceof z.ZodUnion) {
      const options: Array<z.ZodType | undefined> = (current.options as z.ZodType[]).map((o) =>
        unwrap(o, data),
      );
      current = options.find(
        (o): o is z.ZodObject => o instanceof z.ZodObject && matchesLiterals(o, data),
      );
    } else return current;
  }
  return undefined;
}

/** The keys the object schema at `path` under `schema` accepts, given the data there. */
export function schemaKeysAt(
  schema: z.ZodType,
  data: unknown,
  path: readonly PathSegment[],
): string[] | undefined {
  let current = unwrap(schema, data);
  for (const segment of path) {
    data = record(data)[segment];
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
    current = current && unwrap(current, data);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : undefined;
}
